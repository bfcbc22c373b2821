package dev.tollgate.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.Test;

/**
 * Jersey as a servlet on Jetty, undeployed while a paid request's {@code /settle} is at the facilitator: Jersey
 * destroys the application and the feature closes its Tollgate, which lets the settlement end, so the payer gets the
 * answer with its receipt.
 */
class UndeployWhileSettlingTest {
    @Test
    void aSettlementUnderWayWhenTheApplicationIsUndeployedIsDeliveredWithItsReceipt() throws Exception {
        CountDownLatch stopping = new CountDownLatch(1);
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            facilitator.onSettle((exchange, request) -> {
                try {
                    // Answers once the undeploy is under way (on the old code the pool was closed within milliseconds).
                    stopping.await(10, TimeUnit.SECONDS);
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                PaidResourceSpec.settleOk(exchange, request);
            });
            Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
            ServletContextHandler context = new ServletContextHandler("/shop");
            ServletHolder jersey = new ServletHolder("api", ServletContainer.class);
            jersey.setInitParameter("jersey.config.server.provider.classnames",
                    TollgateFeature.class.getName() + "," + Resources.Api.class.getName());
            jersey.setInitParameter("tollgate.config", "classpath:tollgate-jaxrs-test.properties");
            jersey.setInitParameter("tollgate.facilitator.url", facilitator.url());
            jersey.setInitOrder(1);
            context.addServlet(jersey, "/api/*");
            server.setHandler(context);
            server.start();
            try {
                URI target = URI.create("http://127.0.0.1:" + ((NetworkConnector) server.getConnectors()[0])
                        .getLocalPort() + "/shop/api/receipt");
                CompletableFuture<HttpResponse<String>> paid = HttpClient.newHttpClient().sendAsync(
                        HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                                .header("X-PAYMENT", Proofs.proof().v1()).build(), HttpResponse.BodyHandlers.ofString());
                while (facilitator.settleRequests().isEmpty() && !paid.isDone()) {
                    Thread.onSpinWait();
                }
                stopping.countDown();
                context.stop();

                HttpResponse<String> r = paid.get(30, TimeUnit.SECONDS);
                assertEquals(1, facilitator.settleRequests().size());
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(r.body().startsWith(PaidResourceSpec.PAYER + " paid"), r.body());
                assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent(), "the receipt of the settlement");
                assertTrue(r.headers().firstValue("X-PAYMENT-RESPONSE").isPresent());
            } finally {
                server.stop();
            }
        }
    }
}
