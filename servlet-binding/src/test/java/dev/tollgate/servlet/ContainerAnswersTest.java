package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers the container makes itself on a paid route, on Jetty 12 ee10. A paid directory asked for without its
 * trailing slash: the default servlet answers with a redirect to the same path with the slash, which is no answer of
 * the paid content. It used to be settled like a redirect a handler chose, and the payer, sent on to {@code /docs/},
 * paid a second time for the page. And a second {@code sendError}, refused by Jetty as by Tollgate's buffer.
 */
class ContainerAnswersTest {
    private static final String PAGE = "PAID-DIRECTORY-INDEX-51c0";
    @TempDir
    static Path docBase;
    private static FacilitatorDouble facilitator;
    private static Server server;
    private static String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(docBase.resolve("docs"));
        Files.writeString(docBase.resolve("docs/index.html"), PAGE);
        Files.createDirectories(docBase.resolve("before"));
        Files.writeString(docBase.resolve("before/index.html"), PAGE);
        facilitator = new FacilitatorDouble();
        Tollgate tollgate = Tollgate.create(TollgateConfig.builder().facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO).route("GET", "/docs/*", "$0.01").route("*", "/own/*", "$0.01")
                .route("GET", "/errors/*", "$0.01").route("GET", "/before/*", "$0.01")
                .set("route.r3.settlement", "before").build());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.setBaseResourceAsPath(docBase);
        context.setWelcomeFiles(new String[] {"index.html"});
        context.addFilter(new FilterHolder(new PaymentFilter(tollgate)), "/*",
                EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE));
        context.addServlet(new ServletHolder("default", new DefaultServlet()), "/");
        context.addServlet(new ServletHolder(new SlashWithBody()), "/own/*");
        context.addServlet(new ServletHolder(new TwoErrors()), "/errors/*");
        context.addServlet(new ServletHolder(new TwoErrors()), "/free-errors/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        facilitator.close();
    }

    /** What the second sendError did: "accepted", or the exception's class. */
    private static volatile String secondError;

    @BeforeEach
    void forget() {
        facilitator.settleRequests().clear();
        secondError = null;
    }

    @Test
    void theContainersRedirectToTheDirectorySettlesNothingAndTheProofPaysForThePage() throws Exception {
        String proof = Proofs.proof().v1();
        HttpResponse<String> redirect = get("/docs?lang=en", proof);
        assertTrue(redirect.statusCode() >= 300 && redirect.statusCode() < 400, "status " + redirect.statusCode());
        assertTrue(redirect.headers().firstValue("Location").orElseThrow().endsWith("/docs/?lang=en"),
                redirect.headers().toString());
        assertEquals(0, facilitator.settleRequests().size(), "settled for the container's redirect");
        assertFalse(redirect.headers().firstValue("PAYMENT-RESPONSE").isPresent(), redirect.headers().toString());

        HttpResponse<String> page = get("/docs/?lang=en", proof);
        assertEquals(200, page.statusCode(), page.body());
        assertEquals(PAGE, page.body());
        assertEquals(1, facilitator.settleRequests().size());
        assertTrue(page.headers().firstValue("PAYMENT-RESPONSE").isPresent());
    }

    /** Settled before the default servlet ran, the charge stands, as for any answer that does not deliver. */
    @Test
    void settledBeforeTheRedirectIsChargedAndCarriesTheReceipt() throws Exception {
        HttpResponse<String> redirect = get("/before", Proofs.proof().v1());
        assertTrue(redirect.statusCode() >= 300 && redirect.statusCode() < 400, "status " + redirect.statusCode());
        assertTrue(redirect.headers().firstValue("Location").orElseThrow().endsWith("/before/"));
        assertEquals(1, facilitator.settleRequests().size());
        assertTrue(redirect.headers().firstValue("PAYMENT-RESPONSE").isPresent(), redirect.headers().toString());
        assertFalse(redirect.headers().firstValue("Cache-Control").orElse("").contains("private"));
    }

    @Test
    void aSlashRedirectThatCarriesABodySettlesNothingAndSendsNoneOfTheBody() throws Exception {
        HttpResponse<String> r = get("/own/x", Proofs.proof().v1());
        assertEquals(301, r.statusCode());
        assertEquals("/own/x/", r.headers().firstValue("Location").orElseThrow());
        assertFalse(r.body().contains(PaidServer.PAID_MARKER), r.body());
        assertEquals(0, facilitator.settleRequests().size());
    }

    @Test
    void aRedirectToAnotherPathIsStillSettled() throws Exception {
        HttpResponse<String> r = get("/own/x?to=/elsewhere/", Proofs.proof().v1());
        assertEquals(301, r.statusCode());
        assertEquals("/elsewhere/", r.headers().firstValue("Location").orElseThrow());
        assertEquals(1, facilitator.settleRequests().size());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
    }

    @Test
    void aSecondSendErrorIsRefusedUnpaidAndPaidAlikeAndNothingIsChargedOrSent() throws Exception {
        HttpResponse<String> free = get("/free-errors/x", null);
        assertEquals(IllegalStateException.class.getName(), secondError, "unpaid");
        assertEquals(404, free.statusCode());

        secondError = null;
        HttpResponse<String> r = get("/errors/x", Proofs.proof().v1());
        assertEquals(IllegalStateException.class.getName(), secondError, "paid");
        assertEquals(404, r.statusCode());
        assertFalse(r.body().contains(PaidServer.PAID_MARKER), r.body());
        assertEquals(0, facilitator.settleRequests().size());
        assertFalse(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
    }

    /** A handler of another method may have done the paid action before it redirects: settled as any redirect. */
    @Test
    void aPostsSlashRedirectIsSettled() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/own/x"))
                .timeout(Duration.ofSeconds(10)).header("X-PAYMENT", Proofs.proof().v1())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(301, r.statusCode());
        assertEquals("/own/x/", r.headers().firstValue("Location").orElseThrow());
        assertEquals(1, facilitator.settleRequests().size());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
    }

    private HttpResponse<String> get(String path, String proof) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET();
        if (proof != null) {
            b.header("X-PAYMENT", proof);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Writes paid content, sends a 404, then tries a 500 and writes on. */
    private static final class TwoErrors extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write(PaidServer.PAID_MARKER);
            resp.sendError(404);
            try {
                resp.sendError(500);
                secondError = "accepted";
            } catch (IllegalStateException e) {
                secondError = e.getClass().getName();
            }
            resp.getWriter().write(PaidServer.PAID_MARKER);
        }
    }

    /** Redirects to its own path with the slash (or to {@code ?to=}), and writes paid content with it. */
    private static final class SlashWithBody extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            doGet(req, resp);
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String to = req.getParameter("to");
            resp.setStatus(301);
            resp.setHeader("Location", to != null ? to : req.getRequestURI() + "/");
            resp.getWriter().write(PaidServer.PAID_MARKER);
        }
    }
}
