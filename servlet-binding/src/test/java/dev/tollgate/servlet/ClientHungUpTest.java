package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A payer's client that closes its connection while the paid handler runs (settlement after the handler, the
 * default). Whether Tollgate could settle nothing for it depends on whether the container can say, before the
 * settlement, that the client is gone. Jetty 12 cannot: it does not read a connection whose request has no body to
 * come while the handler runs, so the close is not seen until the answer is written, after the settlement; nothing
 * the Servlet API offers (the input stream, an {@code AsyncListener}) differs from a client still waiting. And the
 * end of the input is no sign of a client gone: HTTP/1.1 lets a client half-close once its request is sent and wait
 * for the answer, which it must get. What the payer can do is what x402 offers for an answer lost on the way: retry
 * under the same {@code payment-identifier}.
 */
class ClientHungUpTest {
    private static FacilitatorDouble facilitator;
    private static Server server;
    private static int port;
    /** What the handler (and its asynchronous listener) saw, in order. */
    private static final List<String> seen = new CopyOnWriteArrayList<>();
    private static volatile CountDownLatch entered;
    private static volatile CountDownLatch release;

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        Tollgate tollgate = Tollgate.create(TollgateConfig.builder().facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO).route("GET", "/*", "$0.01").set("paymentIdentifier", "optional").build());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        FilterHolder filter = new FilterHolder(new PaymentFilter(tollgate));
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.allOf(DispatcherType.class));
        context.addServlet(new ServletHolder(new Waiting()), "/sync/*");
        ServletHolder async = new ServletHolder(new WaitingAsync());
        async.setAsyncSupported(true);
        context.addServlet(async, "/async/*");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        facilitator.close();
    }

    @BeforeEach
    void forget() {
        seen.clear();
        facilitator.settleRequests().clear();
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/sync/x", "/async/x"})
    void aClientGoneWhileTheHandlerRanIsNotToldFromOneStillWaitingSoThePaymentIsSettled(String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            send(s, path);
            assertTrue(entered.await(10, TimeUnit.SECONDS));
        }
        // Not a timing assertion: a while for Jetty to see the close, had it looked; nothing depends on its length.
        Thread.sleep(500);
        seen.add("released");
        release.countDown();
        // The listener hears of the completion after the settlement it brings.
        awaitSeen(path.startsWith("/sync") ? "committed=false" : "onComplete");
        for (int i = 0; i < 200 && facilitator.settleRequests().isEmpty(); i++) {
            Thread.sleep(50);
        }

        assertEquals(1, facilitator.settleRequests().size());
        // As a client still waiting sees it (the half-closed one below): no error, the input at its end.
        assertEquals(path.startsWith("/sync") ? List.of("released", "read=-1 finished=true", "committed=false")
                : List.of("released", "completed", "onComplete"), List.copyOf(seen));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/sync/x", "/async/x"})
    void aClientThatHalfClosesAfterItsRequestGetsItsPaidAnswer(String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            send(s, path);
            s.shutdownOutput();
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            release.countDown();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.contains("PAYMENT-RESPONSE:"), answer);
            assertTrue(answer.endsWith("content"), answer);
        }
        assertEquals(1, facilitator.settleRequests().size());
        if (path.startsWith("/sync")) {
            assertEquals("read=-1 finished=true", seen.get(0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/sync/x", "/async/x"})
    void aPayerWhoHungUpGetsTheAnswerByRetryingUnderItsPaymentIdentifierWithoutPayingAgain(String path)
            throws Exception {
        String payment = "PAYMENT-SIGNATURE: " + withId("pay_" + UUID.randomUUID().toString().replace("-", ""));
        try (Socket s = new Socket("127.0.0.1", port)) {
            send(s, path, payment);
            assertTrue(entered.await(10, TimeUnit.SECONDS));
        }
        release.countDown();
        for (int i = 0; i < 200 && facilitator.settleRequests().isEmpty(); i++) {
            Thread.sleep(50);
        }
        assertEquals(1, facilitator.settleRequests().size());

        entered = new CountDownLatch(1);
        // /settle reached the double before the first request recorded its outcome under the id: until it has, a retry
        // is told 409 "in progress", as a client is, and asks again.
        String answer = retry(path, payment);
        for (int i = 0; i < 100 && answer.startsWith("HTTP/1.1 409"); i++) {
            Thread.sleep(50);
            answer = retry(path, payment);
        }
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertTrue(answer.contains("PAYMENT-RESPONSE:"), answer);
        assertTrue(answer.endsWith("content"), answer);
        assertEquals(1, facilitator.settleRequests().size(), "settled again");
    }

    private String retry(String path, String payment) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            send(s, path, payment);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String withId(String id) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode tree = (ObjectNode) json.readTree(Base64.getDecoder().decode(Proofs.proof().v2()));
        tree.putObject("extensions").putObject("payment-identifier").putObject("info").put("id", id);
        return Base64.getEncoder().encodeToString(tree.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void send(Socket s, String path) throws IOException {
        send(s, path, "X-PAYMENT: " + Proofs.proof().v1());
    }

    private static void send(Socket s, String path, String paymentHeader) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + paymentHeader
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static void awaitSeen(String what) throws InterruptedException {
        for (int i = 0; i < 200 && !seen.contains(what); i++) {
            Thread.sleep(50);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until released, then reads what the Servlet API says of the client, and answers. */
    private static final class Waiting extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            entered.countDown();
            await(release);
            seen.add("read=" + req.getInputStream().read() + " finished=" + req.getInputStream().isFinished());
            seen.add("committed=" + resp.isCommitted());
            resp.getWriter().write("content");
        }
    }

    /** Goes asynchronous, and answers from another thread once released; its listener notes what it is told. */
    private static final class WaitingAsync extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext async = req.startAsync();
            async.setTimeout(20_000);
            async.addListener(new AsyncListener() {
                @Override
                public void onComplete(AsyncEvent e) {
                    seen.add("onComplete");
                }

                @Override
                public void onTimeout(AsyncEvent e) {
                    seen.add("onTimeout");
                }

                @Override
                public void onError(AsyncEvent e) {
                    seen.add("onError " + e.getThrowable());
                }

                @Override
                public void onStartAsync(AsyncEvent e) {
                }
            });
            entered.countDown();
            new Thread(() -> {
                await(release);
                try {
                    async.getResponse().getWriter().write("content");
                    seen.add("completed");
                    async.complete();
                } catch (IOException | RuntimeException e) {
                    seen.add("threw " + e);
                }
            }).start();
        }
    }
}
