package dev.tollgate.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.jaxrs.PaymentRequired;
import dev.tollgate.jaxrs.TollgateFeature;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JAX-RS feature, run by Jersey as a servlet on Tomcat 11 speaking HTTP/2 in clear text. The refusal of a
 * request whose body nobody read must not carry a {@code Connection} field over HTTP/2: Tomcat writes it into the
 * HEADERS frame, where RFC 9113 8.2.2 makes the whole answer malformed and strict clients (nghttp2, browsers) refuse
 * it, so the payer would never see the challenge. Over HTTP/1.1 it still says the connection closes.
 */
class JerseyOverHttp2OnTomcatTest {
    static FacilitatorDouble facilitator;
    static TollgateFeature feature;
    static Tomcat tomcat;
    static Connector connector;

    @Path("/")
    public static class Api {
        @GET
        @Path("free")
        public String free() {
            return "free";
        }

        @POST
        @Path("report")
        @PaymentRequired(price = "$0.01")
        public String report(String body) {
            return "PAID for " + body.length() + " characters";
        }

        /** Resumed from another thread with an exception no mapper handles (its back end failed). */
        @GET
        @Path("failing")
        @PaymentRequired(price = "$0.01")
        public void failing(@Suspended AsyncResponse response) {
            CompletableFuture.runAsync(() -> response.resume(new IllegalStateException("back end gone")));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        feature = TollgateFeature.from(TollgateConfig.builder().withoutRoutes().facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO).build());
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tollgate-tomcat-jersey-h2").toString());
        connector = new Connector("HTTP/1.1");
        connector.setProperty("address", "127.0.0.1");
        connector.setPort(0);
        connector.addUpgradeProtocol(new Http2Protocol());
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Wrapper api = Tomcat.addServlet(context, "api", new ServletContainer(new ResourceConfig().register(feature)
                .register(Api.class)));
        api.setAsyncSupported(true);
        context.addServletMappingDecoded("/api/*", "api");
        tomcat.start();
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        feature.close();
        facilitator.close();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + connector.getLocalPort() + "/api/" + path;
    }

    private static HttpClient onHttp2() throws Exception {
        return H2c.upgradedBy(url("free"));
    }

    private static HttpRequest.Builder post(String body) {
        return HttpRequest.newBuilder(URI.create(url("report"))).POST(HttpRequest.BodyPublishers.ofString(body));
    }

    @Test
    void theChallengeToAPostWithABodyOverHttp2CarriesNoConnectionField() throws Exception {
        H2c.assertChallengeWithoutConnectionField(
                onHttp2().send(post("{\"q\":1}").build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void aPaidPostOverHttp2IsServedWithBothReceipts() throws Exception {
        HttpResponse<String> r = onHttp2().send(post("{\"q\":1}").header("X-PAYMENT", Proofs.proof().v1()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("PAID for 7 characters", r.body());
        assertTrue(r.headers().firstValue("payment-response").isPresent());
        assertTrue(r.headers().firstValue("x-payment-response").isPresent());
    }

    /** The POST is itself the request that upgrades the connection: Tomcat answers it on HTTP/2's stream 1. */
    @Test
    void theChallengeToAPostThatUpgradesTheConnectionCarriesNoConnectionField() throws Exception {
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        H2c.assertChallengeWithoutConnectionField(fresh.send(post("{\"q\":1}").build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    /**
     * The paid GET upgrades the connection and Tomcat serves it on stream 1, where its suspended resource fails: the
     * 500 must not carry the {@code Connection: close} that a resumed failure gets over HTTP/1.1.
     */
    @Test
    void aSuspendedFailureOfARequestThatUpgradesTheConnectionCarriesNoConnectionField() throws Exception {
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> r = fresh.send(HttpRequest.newBuilder(URI.create(url("failing")))
                .header("X-PAYMENT", Proofs.proof().v1()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, r.version(), "answered over HTTP/2");
        assertEquals(500, r.statusCode());
        assertTrue(r.headers().firstValue("connection").isEmpty(),
                "a connection-specific field makes an HTTP/2 answer malformed: " + r.headers().map());
    }

    /** Over HTTP/1.1 a suspended request's failure still closes the connection (Jetty's teardown, see the binding). */
    @Test
    void aSuspendedFailureOverHttp11StillClosesTheConnection() throws Exception {
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create(url("failing"))).header("X-PAYMENT", Proofs.proof().v1())
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(500, r.statusCode());
        assertEquals("close", r.headers().firstValue("connection").orElse("kept alive"));
    }

    /** Over HTTP/1.1 the refusal still says it closes: the body nobody read may still be on its way. */
    @Test
    void theChallengeToAPostWithABodyOverHttp11StillSaysItCloses() throws Exception {
        H2c.assertHttp11RefusalSaysItCloses(connector.getLocalPort(), "/api/report");
    }
}
