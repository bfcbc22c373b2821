package dev.tollgate.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.servlet.PaymentFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The servlet filter on Tomcat 11 speaking HTTP/2 in clear text (an HTTP/1.1 connector with Tomcat's
 * {@link Http2Protocol} as upgrade protocol; the JDK client upgrades its first request). Unlike Jetty, Tomcat
 * writes a {@code Connection} field the application set into the HTTP/2 HEADERS frame, where RFC 9113 8.2.2 makes
 * the whole answer malformed: nghttp2 (curl) and browsers refuse it, so a payer would never see the challenge.
 */
class PaidOverHttp2OnTomcatTest {
    static FacilitatorDouble facilitator;
    static Tomcat tomcat;
    static Connector connector;

    /** A paid servlet that leaves the request's body unread, as most GET-like handlers do. */
    public static class Paid extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write("PAID over " + req.getProtocol());
        }
    }

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        Tollgate tollgate = Tollgate.create(TollgateConfig.builder().facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO).route("*", "/premium/*", "$0.01").build());
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tollgate-tomcat-h2").toString());
        connector = new Connector("HTTP/1.1");
        connector.setProperty("address", "127.0.0.1");
        connector.setPort(0);
        connector.addUpgradeProtocol(new Http2Protocol());
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        FilterDef filter = new FilterDef();
        filter.setFilterName("tollgate");
        filter.setFilter(new PaymentFilter(tollgate));
        context.addFilterDef(filter);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName("tollgate");
        mapping.addURLPattern("/*");
        context.addFilterMap(mapping);
        Tomcat.addServlet(context, "paid", new Paid());
        context.addServletMappingDecoded("/*", "paid");
        tomcat.start();
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        facilitator.close();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + connector.getLocalPort() + path;
    }

    private static HttpClient onHttp2() throws Exception {
        return H2c.upgradedBy(url("/free"));
    }

    @Test
    void theChallengeToAPostWithABodyOverHttp2CarriesNoConnectionField() throws Exception {
        H2c.assertChallengeWithoutConnectionField(onHttp2().send(HttpRequest.newBuilder(URI.create(url("/premium/report")))
                .POST(HttpRequest.BodyPublishers.ofString("{\"q\":1}")).build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void aPaidPostOverHttp2IsServedWithBothReceipts() throws Exception {
        HttpResponse<String> r = onHttp2().send(HttpRequest.newBuilder(URI.create(url("/premium/report")))
                .header("X-PAYMENT", Proofs.proof().v1())
                .POST(HttpRequest.BodyPublishers.ofString("{\"q\":1}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("PAID over HTTP/2.0", r.body());
        assertTrue(r.headers().firstValue("payment-response").isPresent());
        assertTrue(r.headers().firstValue("x-payment-response").isPresent());
        assertTrue(r.headers().firstValue("connection").isEmpty(), r.headers().map().toString());
    }

    /** Over HTTP/1.1 the refusal still says it closes: the body nobody read is still on its way. */
    @Test
    void theChallengeToAPostWithABodyOverHttp11StillSaysItCloses() throws Exception {
        H2c.assertHttp11RefusalSaysItCloses(connector.getLocalPort(), "/premium/report");
    }
}
