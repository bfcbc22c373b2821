package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.gate.SettlementMode;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.servlet.PaymentFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.junit.jupiter.api.Test;

/**
 * Stopping the sample's server (Ctrl-C, SIGTERM) while a paid handler runs: the request finishes and is delivered, as
 * the graceful stop the sample now serves behind lets it; without it the connection closed under the handler and a
 * payment settled before the handler ran was lost.
 */
class GracefulStopTest {
    private final CountDownLatch handlerEntered = new CountDownLatch(1);
    private final CountDownLatch handlerMayAnswer = new CountDownLatch(1);

    private final class Held extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            handlerEntered.countDown();
            try {
                handlerMayAnswer.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            resp.getWriter().write("PAID-REPORT");
        }
    }

    @Test
    void theSampleServesBehindAGracefulStopOfThirtySecondsOrTheConfiguredOne() throws Exception {
        try (SampleServer sample = SampleServer.start()) {
            assertInstanceOf(GracefulHandler.class, sample.server().getHandler());
            assertEquals(30_000, sample.server().getStopTimeout());
            assertTrue(sample.server().getStopAtShutdown(), "Ctrl-C and SIGTERM stop the server, gracefully");
        }
        try (SampleServer sample = SampleServer.start("TOLLGATE_STOP_TIMEOUT", "5")) {
            assertEquals(5_000, sample.server().getStopTimeout());
        }
    }

    @Test
    void aStopTimeoutThatIsNoNumberOfSecondsIsRefusedNamingIt() {
        assertEquals(1, Main.stopTimeout(" 1 "));
        for (String bad : new String[] {"abc", "0", "-1", "3601", "30s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Main.stopTimeout(bad));
            assertTrue(e.getMessage().startsWith("TOLLGATE_STOP_TIMEOUT must be a number of seconds"), e.getMessage());
        }
    }

    @Test
    void aPaidHandlerSettledBeforeItRanThatIsRunningWhenTheStopBeginsIsDeliveredWithItsReceipt() throws Exception {
        try (FacilitatorDouble facilitator = new FacilitatorDouble();
             Tollgate tollgate = Tollgate.create(TollgateConfig.builder().facilitatorUrl(facilitator.url())
                     .payTo(Proofs.PAY_TO).settlement(SettlementMode.BEFORE).route("GET", "/premium/*", "$0.01")
                     .build())) {
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/");
            context.addFilter(new FilterHolder(new PaymentFilter(tollgate)), "/premium/*",
                    EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder(new Held()), "/premium/report");
            Main.serveGracefully(server, context, Duration.ofSeconds(20));
            server.start();
            try {
                CompletableFuture<HttpResponse<String>> paid = HttpClient.newHttpClient().sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + connector.getLocalPort()
                                        + "/premium/report")).header("X-PAYMENT", Proofs.proof().v1()).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertTrue(handlerEntered.await(20, TimeUnit.SECONDS));
                assertEquals(1, facilitator.settleRequests().size(), "charged before the handler ran");

                CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
                    try {
                        server.stop();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                while (!server.isStopping() && !stopping.isDone()) {
                    Thread.onSpinWait();
                }
                handlerMayAnswer.countDown();

                HttpResponse<String> r = paid.get(20, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), r.body());
                assertEquals("PAID-REPORT", r.body());
                assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent(), "the receipt");
                stopping.get(20, TimeUnit.SECONDS);
            } finally {
                handlerMayAnswer.countDown();
                server.stop();
            }
        }
    }
}
