package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shared cache in front of the application (a CDN, a reverse proxy) does not know a request carried a payment: a
 * paid answer it may store is served to the next client, who pays nothing. Varnish stores an answer without
 * {@code Cache-Control} for two minutes by default, and any cache may store one with {@code Last-Modified}, which
 * Jetty's DefaultServlet sets on every file. So a paid answer always goes out {@code private}.
 */
class PaidCachingTest {
    private static final String PAID = "PAID-CONTENT-7f3a";
    @TempDir
    static Path files;
    private static FacilitatorDouble facilitator;
    private static Server server;
    private static String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(files.resolve("report.txt"), PAID + ": the quarterly figures\n");
        facilitator = new FacilitatorDouble();
        Tollgate tollgate = Tollgate.create(TollgateConfig.builder()
                .facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO)
                .route("GET", "/files/*", "$0.01")
                .route("GET", "/premium/*", "$0.01")
                .build());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.setBaseResource(ResourceFactory.of(context).newResource(files));
        context.addFilter(new FilterHolder(new PaymentFilter(tollgate)), "/*", EnumSet.of(DispatcherType.REQUEST,
                DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ASYNC));
        ServletHolder fileServlet = new ServletHolder("files", DefaultServlet.class);
        fileServlet.setInitParameter("pathInfoOnly", "true");
        fileServlet.setInitParameter("dirAllowed", "false");
        context.addServlet(fileServlet, "/files/*");
        context.addServlet(new ServletHolder(new Cacheable()), "/premium/*");
        context.addServlet(new ServletHolder(new Cacheable()), "/free/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        facilitator.close();
    }

    @Test
    void aPaidFileServedByTheDefaultServletGoesOutPrivate() throws Exception {
        HttpResponse<String> r = get("/files/report.txt", Proofs.proof().v1());

        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith(PAID), r.body());
        assertTrue(r.headers().firstValue("Last-Modified").isPresent(), "what makes it heuristically cacheable");
        assertEquals("private", r.headers().firstValue("Cache-Control").orElse(null));
    }

    @Test
    void aPaidAnswerTheHandlerMarkedPublicIsNarrowedToThePayersOwnCache() throws Exception {
        HttpResponse<String> r = get("/premium/report", Proofs.proof().v1());

        assertEquals(200, r.statusCode());
        assertEquals("private, max-age=600", r.headers().firstValue("Cache-Control").orElse(null));
    }

    @Test
    void aPaidAnswerKeepsNoHeaderByWhichACdnWouldStoreItDespitePrivate() throws Exception {
        HttpResponse<String> r = get("/premium/report", Proofs.proof().v1());

        assertEquals(200, r.statusCode());
        for (String targeted : TARGETED.keySet()) {
            assertEquals(List.of(targeted.equals("X-Accel-Expires") ? "0" : "no-store"), r.headers().allValues(targeted),
                    targeted);
        }
    }

    @Test
    void aFreeAnswerKeepsTheCacheControlItsHandlerGaveIt() throws Exception {
        HttpResponse<String> r = get("/free/page", null);

        assertEquals(200, r.statusCode());
        assertEquals("public, max-age=600, s-maxage=3600", r.headers().firstValue("Cache-Control").orElse(null));
        TARGETED.forEach((name, value) -> assertEquals(value, r.headers().firstValue(name).orElse(null), name));
    }

    private HttpResponse<String> get(String path, String proof) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (proof != null) {
            b.header("X-PAYMENT", proof);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What CDNs and proxies obey in preference to Cache-Control, each asking them to keep the answer. */
    private static final java.util.Map<String, String> TARGETED = java.util.Map.of("CDN-Cache-Control", "max-age=600",
            "Surrogate-Control", "max-age=3600", "edge-control", "cache-maxage=10m", "X-Accel-Expires", "600",
            "Cloudflare-CDN-Cache-Control", "max-age=600");

    /** Asks every cache, shared ones included, to keep its answer. */
    private static final class Cacheable extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setHeader("Cache-Control", "public, max-age=600, s-maxage=3600");
            TARGETED.forEach(resp::setHeader);
            resp.setContentType("text/plain");
            resp.getWriter().write(PAID + " for whoever asks");
        }
    }
}
