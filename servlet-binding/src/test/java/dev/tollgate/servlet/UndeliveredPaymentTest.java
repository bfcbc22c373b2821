package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.gate.Completion;
import dev.tollgate.core.gate.Decision;
import dev.tollgate.core.gate.PaymentReceipt;
import dev.tollgate.core.gate.PaymentSession;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.SettlementMode;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A payment settled whose answer did not reach the payer is reported to the listener as {@code undelivered}, with
 * what a refund needs, on real Jetty 12 ee10 in front of the facilitator double; one delivered, or not settled, is not.
 */
class UndeliveredPaymentTest {
    private static final String CONTENT = "PAID-CONTENT-" + "x".repeat(256 * 1024);

    private final List<String> undelivered = new CopyOnWriteArrayList<>();
    private final List<String> rejected = new CopyOnWriteArrayList<>();
    private final CountDownLatch reported = new CountDownLatch(1);
    private final CountDownLatch handlerEntered = new CountDownLatch(1);
    private final CountDownLatch handlerMayAnswer = new CountDownLatch(1);
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FacilitatorDouble facilitator;
    private Tollgate tollgate;
    private Server server;
    private int port;

    private final PaymentListener recorder = new PaymentListener() {
        @Override
        public void undelivered(String path, PaymentReceipt r, String cause) {
            undelivered.add(path + " " + r.payer() + " " + r.amount() + " " + r.transaction() + " " + cause);
            reported.countDown();
        }

        @Override
        public void rejected(String path, int status, String reason) {
            rejected.add(path + " " + status + " " + reason);
        }
    };

    /** Answers once the test lets it: meanwhile its client can hang up. */
    private final class Held extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            handlerEntered.countDown();
            try {
                handlerMayAnswer.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            resp.getWriter().write(CONTENT);
        }
    }

    private static final class Content extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write("PAID-CONTENT");
        }
    }

    private static final class Failing extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException {
            throw new ServletException("the paid handler failed");
        }
    }

    /**
     * Plays a JAX-RS runtime on a servlet (RESTEasy): admits and settles as the binding's response filter does, keeps
     * the settled session and receipt where the binding keeps them, then fails as a WriterInterceptor would.
     */
    private final class SettlesThenFails extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException {
            PaymentTerms terms = tollgate.termsFor("GET", "/runtime/x").orElseThrow();
            if (tollgate.check(new ServletRequestView(req, "/runtime/x"), terms) instanceof Decision.Admit admit) {
                PaymentSession session = admit.session();
                if (session.complete(200) instanceof Completion.Deliver settled) {
                    req.setAttribute(Completion.SETTLED_ATTRIBUTE, settled);
                    req.setAttribute(PaymentSession.SETTLED_ATTRIBUTE, session);
                }
                throw new ServletException("the application's writer interceptor failed");
            }
            resp.setStatus(402);
        }
    }

    private void start(SettlementMode settlement) throws Exception {
        facilitator = new FacilitatorDouble();
        tollgate = Tollgate.create(TollgateConfig.builder()
                .facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO)
                .settlement(settlement)
                .route("GET", "/premium/*", "$0.01")
                .route("GET", "/runtime/*", "$0.01")
                .listener(recorder)
                .build());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new PaymentFilter(tollgate)), "/premium/*",
                EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(new PaymentSessionJanitor()), "/runtime/*",
                EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Held()), "/premium/held");
        context.addServlet(new ServletHolder(new Content()), "/premium/content");
        context.addServlet(new ServletHolder(new Failing()), "/premium/failing");
        context.addServlet(new ServletHolder(new SettlesThenFails()), "/runtime/*");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        handlerMayAnswer.countDown();
        if (server != null) {
            server.stop();
        }
        if (tollgate != null) {
            tollgate.close();
        }
        if (facilitator != null) {
            facilitator.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).header("X-PAYMENT", Proofs.proof().v1()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String theOneReport() throws InterruptedException {
        assertTrue(reported.await(20, TimeUnit.SECONDS), "no undelivered payment was reported");
        assertEquals(1, undelivered.size(), undelivered::toString);
        String event = undelivered.get(0);
        assertTrue(event.contains(Proofs.PAYER.address().toChecksumHex()) && event.contains(" 10000 ")
                && event.matches("(?s).* 0x[0-9a-f]{64} .*"), event);
        return event;
    }

    @Test
    void aPayerWhoHungUpBeforeTheSettledAnswerWasWrittenIsReported() throws Exception {
        start(SettlementMode.AFTER);
        try (Socket payer = new Socket("127.0.0.1", port)) {
            OutputStream out = payer.getOutputStream();
            out.write(("GET /premium/held HTTP/1.1\r\nHost: 127.0.0.1\r\nX-PAYMENT: " + Proofs.proof().v1()
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertTrue(handlerEntered.await(20, TimeUnit.SECONDS));
            payer.setSoLinger(true, 0); // a reset: the connection is gone, not half closed
        }
        handlerMayAnswer.countDown();

        String event = theOneReport();
        assertTrue(event.startsWith("/premium/held ") && event.contains("writing the paid answer failed"), event);
        assertEquals(1, facilitator.settleRequests().size(), "settled once: the payer was charged");
    }

    @Test
    void aSettledHandlerThatFailsIsReportedOnceAsUndeliveredWithSettlementBefore() throws Exception {
        start(SettlementMode.BEFORE);
        HttpResponse<String> r = get("/premium/failing");
        assertEquals(500, r.statusCode());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent(), "the charge stands, with its receipt");
        String event = theOneReport();
        assertTrue(event.startsWith("/premium/failing ") && event.contains("settlement=before"), event);
        assertEquals(List.of(), rejected, "reported once, as undelivered: the gate rejected nothing");
    }

    @Test
    void aRuntimeFailingAfterItsSettlementIsReportedByTheJanitorFilter() throws Exception {
        start(SettlementMode.AFTER);
        HttpResponse<String> r = get("/runtime/x");
        assertEquals(500, r.statusCode());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent(), "the receipt on the container's 500");
        String event = theOneReport();
        assertTrue(event.contains("the application's writer interceptor failed"), event);
    }

    @Test
    void nothingIsReportedForADeliveredAnswerNorForAFailureThatSettledNothing() throws Exception {
        start(SettlementMode.AFTER);
        HttpResponse<String> delivered = get("/premium/content");
        assertEquals(200, delivered.statusCode());
        assertEquals("PAID-CONTENT", delivered.body());
        assertEquals(500, get("/premium/failing").statusCode());
        assertEquals(1, facilitator.settleRequests().size());
        assertEquals(List.of(), undelivered);
    }

    @Test
    void nothingIsReportedForADeliveredAnswerSettledBefore() throws Exception {
        start(SettlementMode.BEFORE);
        assertEquals(200, get("/premium/content").statusCode());
        assertEquals(1, facilitator.settleRequests().size());
        assertEquals(List.of(), undelivered);
    }
}
