package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
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
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A paid servlet that has begun its answer and then forwards: the container discards what was written before the
 * forward (the Servlet specification's "uncommitted output in the response buffer is automatically cleared"), so
 * only the forwarded page's answer goes out. Held in Tollgate's buffer, that output must be discarded the same way,
 * or a forward to an error page (which answers 500, so nothing is charged) sends the paid content with it, free.
 * Two applications: {@code /narrow} maps the filter to the paid paths only, as README does (the forward's target
 * is not filtered); {@code /wide} maps it to everything, so it sees the forward, and settles the answer as the
 * forward returns (which Tomcat 11 needs: tomcat-tests' ForwardToViewOnTomcatTest).
 */
class PaidForwardTest {
    private static final String PAID = "PAID-CONTENT-7f3a";
    private static FacilitatorDouble facilitator;
    private static Server server;
    private static String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        Tollgate tollgate = Tollgate.create(TollgateConfig.builder()
                .facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO)
                .route("GET", "/premium/*", "$0.01")
                .build());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Sequence(app("/narrow", tollgate, "/premium/*"), app("/wide", tollgate, "/*")));
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    private static ServletContextHandler app(String contextPath, Tollgate tollgate, String filterMapping) {
        ServletContextHandler context = new ServletContextHandler(contextPath);
        context.addFilter(new FilterHolder(new PaymentFilter(tollgate)), filterMapping, EnumSet.of(
                DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ASYNC));
        context.addServlet(new ServletHolder(new ForwardingReport()), "/premium/*");
        context.addServlet(new ServletHolder(new ErrorPage()), "/error/*");
        context.addServlet(new ServletHolder(new FreePage()), "/free/*");
        return context;
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        facilitator.close();
    }

    @BeforeEach
    void reset() {
        facilitator.settleRequests().clear();
    }

    @Test
    void whatAPaidServletWroteBeforeForwardingToAnErrorPageIsDiscardedAsTheContainerDiscardsIt() throws Exception {
        HttpResponse<String> r = get("/narrow/premium/report?to=error");

        assertEquals(500, r.statusCode());
        assertEquals("error page", r.body());
        assertEquals(0, facilitator.settleRequests().size());
    }

    @Test
    void aForwardThroughTheServletContextsDispatcherToAFilteredPageDiscardsItToo() throws Exception {
        HttpResponse<String> r = get("/wide/premium/report?to=error&via=context");

        assertEquals(500, r.statusCode());
        assertEquals("error page", r.body());
        assertEquals(0, facilitator.settleRequests().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/narrow", "/wide"})
    void aForwardToAPageThatSucceedsIsChargedOnceAndSendsThatPageAlone(String app) throws Exception {
        HttpResponse<String> r = get(app + "/premium/report?to=free");

        assertEquals(200, r.statusCode());
        assertEquals("free page", r.body());
        assertEquals(1, facilitator.settleRequests().size());
    }

    @Test
    void aForwardTheFilterSeesEndsThePaidAnswerSoAnExceptionAfterItLeavesTheSettledPage() throws Exception {
        // The Servlet specification has the answer sent and committed before forward returns: settled then, it cannot
        // be taken back by what the paid servlet does afterwards.
        HttpResponse<String> r = get("/wide/premium/report?to=free&after=throw");

        assertEquals(200, r.statusCode());
        assertEquals("free page", r.body());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent(), r.headers().map().toString());
        assertEquals(1, facilitator.settleRequests().size());
    }

    @Test
    void anExceptionAfterAForwardTheFilterDoesNotSeeSettlesNothing() throws Exception {
        HttpResponse<String> r = get("/narrow/premium/report?to=free&after=throw");

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains("free page"), r.body());
        assertEquals(0, facilitator.settleRequests().size());
    }

    @Test
    void theForwardedPageMayUseTheOutputStreamAfterThePaidServletUsedTheWriter() throws Exception {
        HttpResponse<String> r = get("/narrow/premium/report?to=free&stream=yes");

        assertEquals(200, r.statusCode());
        assertEquals("free page", r.body());
        assertEquals(1, facilitator.settleRequests().size());
    }

    @Test
    void aForwardAfterThePaidContentWasFlushedFailsAsInTheContainerAndChargesNothing() throws Exception {
        HttpResponse<String> r = get("/narrow/premium/report?to=error&flush=yes");

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(PAID), r.body());
        assertEquals(0, facilitator.settleRequests().size());
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("X-PAYMENT", Proofs.proof().v1()).GET().build();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() != 402, r.body());
        return r;
    }

    /**
     * Starts its paid answer, then forwards ({@code ?to=error|free}, {@code ?via=context}, {@code ?flush=yes}); with
     * {@code ?after=throw} it throws once the forward has returned.
     */
    private static final class ForwardingReport extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write(PAID + ", until something went wrong: ");
            if (req.getParameter("flush") != null) {
                resp.flushBuffer();
            }
            String target = "/" + req.getParameter("to") + "/page";
            var dispatcher = req.getParameter("via") != null
                    ? getServletContext().getRequestDispatcher(target)
                    : req.getRequestDispatcher(target);
            dispatcher.forward(req, resp);
            if (req.getParameter("after") != null) {
                throw new IllegalStateException("the report failed after its forward");
            }
        }
    }

    private static final class ErrorPage extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setStatus(500);
            resp.getWriter().write("error page");
        }
    }

    /** Writes with the writer, or with the output stream when asked ({@code ?stream=yes}). */
    private static final class FreePage extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getParameter("stream") != null) {
                resp.getOutputStream().write("free page".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } else {
                resp.getWriter().write("free page");
            }
        }
    }
}
