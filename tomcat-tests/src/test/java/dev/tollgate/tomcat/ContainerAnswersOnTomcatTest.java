package dev.tollgate.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.servlet.PaymentFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers Tomcat 11 makes itself on a paid route: its {@code DefaultServlet}'s redirect from a directory to the path
 * with the slash, and a servlet that sends a second error before the first is rendered (refused, by Tomcat as by
 * Tollgate: the Servlet specification has the response committed after the first).
 */
class ContainerAnswersOnTomcatTest {
    private static final String PAGE = "PAID-DIRECTORY-INDEX-9d2e";
    private static final String PAID = "PAID-CONTENT-second-error";
    @TempDir
    static Path base;
    private static FacilitatorDouble facilitator;
    private static Tomcat tomcat;
    private static Connector connector;
    /** What the second sendError did: "accepted", or the exception's class. */
    private static volatile String secondError;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        Path docBase = Files.createDirectories(base.resolve("docs-root"));
        Files.createDirectories(docBase.resolve("docs"));
        Files.writeString(docBase.resolve("docs/index.html"), PAGE);
        facilitator = new FacilitatorDouble();
        Tollgate tollgate = Tollgate.create(TollgateConfig.builder().facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO).route("GET", "/docs/*", "$0.01").route("GET", "/errors/*", "$0.01")
                .route("GET", "/waiting/*", "$0.01").build());
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createDirectories(base.resolve("tomcat")).toString());
        connector = new Connector("HTTP/1.1");
        connector.setProperty("address", "127.0.0.1");
        connector.setPort(0);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", docBase.toString());
        context.addWelcomeFile("index.html");
        Tomcat.addServlet(context, "default", new DefaultServlet());
        context.addServletMappingDecoded("/", "default");
        Tomcat.addServlet(context, "errors", new TwoErrors());
        context.addServletMappingDecoded("/errors/*", "errors");
        Tomcat.addServlet(context, "free-errors", new TwoErrors());
        context.addServletMappingDecoded("/free-errors/*", "free-errors");
        Tomcat.addServlet(context, "waiting", new Waiting());
        context.addServletMappingDecoded("/waiting/*", "waiting");
        FilterDef def = new FilterDef();
        def.setFilterName("tollgate");
        def.setFilter(new PaymentFilter(tollgate));
        def.setAsyncSupported("true");
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("tollgate");
        map.addURLPattern("/*");
        for (DispatcherType t : DispatcherType.values()) {
            map.setDispatcher(t.name());
        }
        context.addFilterMap(map);
        tomcat.start();
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        facilitator.close();
    }

    @BeforeEach
    void forget() {
        facilitator.settleRequests().clear();
        secondError = null;
    }

    @Test
    void theDefaultServletsRedirectToTheDirectorySettlesNothingAndTheProofPaysForThePage() throws Exception {
        String proof = Proofs.proof().v1();
        HttpResponse<String> redirect = get("/docs?lang=en", proof);
        assertEquals(302, redirect.statusCode(), redirect.body());
        assertEquals("/docs/?lang=en", redirect.headers().firstValue("Location").orElseThrow());
        assertEquals(0, facilitator.settleRequests().size(), "settled for Tomcat's redirect");
        assertFalse(redirect.headers().firstValue("PAYMENT-RESPONSE").isPresent(), redirect.headers().toString());

        HttpResponse<String> page = get("/docs/?lang=en", proof);
        assertEquals(200, page.statusCode(), page.body());
        assertEquals(PAGE, page.body());
        assertEquals(1, facilitator.settleRequests().size());
        assertTrue(page.headers().firstValue("PAYMENT-RESPONSE").isPresent());
    }

    /**
     * The twenty-second session read Tomcat's {@code Response}, which checks only {@code isCommitted()}; the servlet
     * is handed its {@code ResponseFacade}, which after a {@code sendError} counts the response committed by the
     * application, and refuses.
     */
    @Test
    void unpaidTomcatRefusesASecondSendErrorAndRendersTheFirst() throws Exception {
        HttpResponse<String> r = get("/free-errors/x", null);
        assertEquals(IllegalStateException.class.getName(), secondError);
        assertEquals(404, r.statusCode());
        assertFalse(r.body().contains(PAID), r.body());
    }

    @Test
    void aSecondSendErrorOnAPaidRouteIsRefusedAsTheSpecificationHasItAndNothingIsChargedOrSent() throws Exception {
        HttpResponse<String> r = get("/errors/x", Proofs.proof().v1());
        assertEquals(IllegalStateException.class.getName(), secondError);
        assertEquals(404, r.statusCode());
        assertFalse(r.body().contains(PAID), r.body());
        assertEquals(0, facilitator.settleRequests().size());
        assertFalse(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
    }

    /** As on Jetty ({@code ClientHungUpTest}): Tomcat does not read the connection while the handler runs either. */
    @Test
    void aClientGoneWhileTheHandlerRanIsNotToldFromOneStillWaitingSoThePaymentIsSettled() throws Exception {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
        try (Socket s = new Socket("127.0.0.1", connector.getLocalPort())) {
            s.getOutputStream().write(("GET /waiting/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-PAYMENT: "
                    + Proofs.proof().v1() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            assertTrue(entered.await(10, TimeUnit.SECONDS));
        }
        // Not a timing assertion: a while for Tomcat to see the close, had it looked.
        Thread.sleep(500);
        release.countDown();
        for (int i = 0; i < 200 && facilitator.settleRequests().isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertEquals(1, facilitator.settleRequests().size());
        assertEquals("read=-1 finished=true", waited);
    }

    private HttpResponse<String> get(String path, String proof) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + connector.getLocalPort() + path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (proof != null) {
            b.header("X-PAYMENT", proof);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static volatile CountDownLatch entered;
    private static volatile CountDownLatch release;
    /** What the waiting servlet read of the client once released. */
    private static volatile String waited;

    /** Waits until released, then reads what the Servlet API says of the client, and answers. */
    private static final class Waiting extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            waited = "read=" + req.getInputStream().read() + " finished=" + req.getInputStream().isFinished();
            resp.getWriter().write("content");
        }
    }

    /** Writes paid content, sends a 404, then tries a 500 and writes on. */
    private static final class TwoErrors extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write(PAID);
            resp.sendError(404);
            try {
                resp.sendError(500);
                secondError = "accepted";
            } catch (IllegalStateException e) {
                secondError = e.getClass().getName();
            }
            resp.getWriter().write(PAID);
        }
    }
}
