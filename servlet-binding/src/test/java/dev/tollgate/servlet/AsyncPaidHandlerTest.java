package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Paid servlets that go asynchronous, on a real Jetty 12 ee10: what they write is held until the payment is
 * settled, whichever thread writes it, and a cycle that ends without the handler finishing charges nothing.
 */
class AsyncPaidHandlerTest {
    private static final String PAID = "PAID-ASYNC-41c9";
    private static final String SETTLE_FAILED = "{\"success\":false,\"errorReason\":\"insufficient_funds\","
            + "\"transaction\":\"\",\"network\":\"base-sepolia\"}";

    private final AtomicInteger handlerRuns = new AtomicInteger();
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    /** How many errors PaidAsync should log in this test (a cycle that ended past Tollgate). */
    private int expectedErrors;
    private final Logger asyncLog = Logger.getLogger(PaidAsync.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private FacilitatorDouble facilitator;
    private Tollgate tollgate;
    private Server server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        asyncLog.addHandler(capture);
        facilitator = new FacilitatorDouble();
        tollgate = Tollgate.create(TollgateConfig.builder().facilitatorUrl(facilitator.url()).payTo(Proofs.PAY_TO)
                .route("GET", "/async/*", "$0.01")
                .route("GET", "/before/*", "$0.01").set("route.r1.settlement", "before").build());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = context("/", EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD,
                DispatcherType.INCLUDE, DispatcherType.ASYNC));
        context.addServlet(async(new CompletingOnAnotherThread()), "/async/complete");
        context.addServlet(async(new CompletingAtOnce()), "/async/inline");
        context.addServlet(async(new CompletingJustBeforeItsTimeout()), "/async/late");
        context.addServlet(async(new DispatchingTwice()), "/async/twice");
        context.addServlet(async(new CompletingThenThrowing()), "/async/complete-then-throw");
        context.addServlet(async(new NeverCompleting()), "/async/timeout");
        context.addServlet(async(new FailingAsynchronously()), "/async/failing");
        context.addServlet(async(new BypassingTheBuffer()), "/async/unwrapped");
        context.addServlet(async(new SettingAWriteListener()), "/async/nonblocking");
        context.addServlet(async(new CompletingTheContainersContext()), "/async/raw-complete");
        context.addServlet(async(new AnsweringItsOwnTimeout()), "/async/own-timeout");
        context.addServlet(async(new CompletingFromAnotherThreadDuringItsTimeout()), "/async/timeout-race");
        context.addServlet(async(new AnsweringTheTimeoutOfItsSecondCycle()), "/async/second-cycle-timeout");
        context.addServlet(async(new AnsweringItsOwnTimeout()), "/before/own-timeout");
        context.addServlet(async(new NeverCompleting()), "/before/timeout");
        context.addServlet(async(new CompletingThenThrowing()), "/before/complete-then-throw");
        // A deployment that forgot the ASYNC mapping: a paid handler's dispatch goes past the filter.
        ServletContextHandler unmapped = context("/unmapped", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(new ContextHandlerCollection(context, unmapped));
        server.start();
    }

    /** A context with the filter mapped for these dispatcher types, a dispatching paid servlet and its target. */
    private ServletContextHandler context(String path, EnumSet<DispatcherType> dispatches) {
        ServletContextHandler context = new ServletContextHandler(path);
        FilterHolder filter = new FilterHolder(new PaymentFilter(tollgate));
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", dispatches);
        context.addServlet(async(new Dispatching()), "/async/dispatch");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write(PAID + " via dispatch");
            }
        }), "/inner/*");
        return context;
    }

    @AfterEach
    void stop() throws Exception {
        // A false alarm would come as the cycle completes, perhaps after the answer left: give it that time.
        Thread.sleep(100);
        assertEquals(expectedErrors, logged.size(), logged.toString());
        asyncLog.removeHandler(capture);
        server.stop();
        tollgate.close();
        facilitator.close();
    }

    private static ServletHolder async(HttpServlet servlet) {
        ServletHolder h = new ServletHolder(servlet);
        h.setAsyncSupported(true);
        return h;
    }

    private HttpResponse<String> get(String path, String proof) throws Exception {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20));
        if (proof != null) {
            b.header("X-PAYMENT", proof);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aHandlerCompletingOnAnotherThreadIsServedAndSettledOnce() throws Exception {
        HttpResponse<String> r = get("/async/complete", Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PAID, r.body());
        assertTrue(r.headers().firstValue("X-PAYMENT-RESPONSE").isPresent());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertEquals(1, facilitator.settleRequests().size());
    }

    @Test
    void aHandlerCompletingBeforeItReturnsIsServedAndSettledOnce() throws Exception {
        HttpResponse<String> r = get("/async/inline", Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PAID, r.body());
        assertEquals(1, facilitator.settleRequests().size());
    }

    @Test
    void anUnpaidRequestIsChallengedBeforeTheHandlerRuns() throws Exception {
        HttpResponse<String> r = get("/async/complete", null);

        assertEquals(402, r.statusCode());
        assertFalse(r.body().contains(PAID));
        assertEquals(0, handlerRuns.get());
    }

    @Test
    void aFailedSettlementWithholdsWhatTheAsynchronousHandlerWrote() throws Exception {
        facilitator.onSettle(FacilitatorDouble.answer(200, SETTLE_FAILED));

        HttpResponse<String> r = get("/async/complete", Proofs.proof().v1());

        assertEquals(402, r.statusCode());
        assertFalse(r.body().contains(PAID));
        assertEquals(1, handlerRuns.get());
    }

    @Test
    void aHandlerThatDispatchesIsSettledWhenTheDispatchReturns() throws Exception {
        HttpResponse<String> r = get("/async/dispatch", Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PAID + " via dispatch", r.body());
        assertEquals(1, facilitator.settleRequests().size());
    }

    @Test
    void aDispatchThatDispatchesAgainIsSettledOnlyWhenTheLastOneReturns() throws Exception {
        HttpResponse<String> r = get("/async/twice", Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PAID + " via dispatch", r.body());
        assertEquals(1, facilitator.settleRequests().size());
    }

    @Test
    void aHandlerThatCompletesAndThenThrowsIsNotCharged() throws Exception {
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = get("/async/complete-then-throw", proof);

        assertFalse(r.body().contains(PAID));
        assertEquals(0, facilitator.settleRequests().size());
        assertEquals(200, get("/async/complete", proof).statusCode(), "the claim was released");
    }

    @Test
    void aTimeoutDuringTheSettlementWaitsForItAndThePaidAnswerIsSent() throws Exception {
        facilitator.onSettle((ex, req) -> {
            try {
                Thread.sleep(800); // the handler's 400 ms timeout passes while the payment settles
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String payer = req.path("paymentPayload").path("payload").path("authorization").path("from").asText();
            FacilitatorDouble.respond(ex, 200, "{\"success\":true,\"transaction\":\"0x" + "ab".repeat(32)
                    + "\",\"network\":\"base-sepolia\",\"payer\":\"" + payer + "\"}");
        });

        HttpResponse<String> r = get("/async/late", Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PAID, r.body());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertEquals(1, facilitator.settleRequests().size());
    }

    @Test
    void aTimeoutSettlesNothingSendsNothingPaidForAndFreesTheProof() throws Exception {
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = get("/async/timeout", proof);

        assertTrue(r.statusCode() >= 500, "status " + r.statusCode());
        assertFalse(r.body().contains(PAID));
        assertEquals(0, facilitator.settleRequests().size());
        HttpResponse<String> again = get("/async/complete", proof);
        assertEquals(200, again.statusCode(), "the claim was released: " + again.body());
    }

    @Test
    void anAsynchronousHandlerAnsweringAnErrorIsNotCharged() throws Exception {
        HttpResponse<String> r = get("/async/failing", Proofs.proof().v1());

        assertEquals(503, r.statusCode());
        assertEquals(0, facilitator.settleRequests().size());
    }

    @Test
    void startingAsyncWithTheContainersOwnResponseIsRefusedAndNothingLeaks() throws Exception {
        HttpResponse<String> r = get("/async/unwrapped", Proofs.proof().v1());

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(PAID));
        assertEquals(0, facilitator.settleRequests().size());
    }

    @Test
    void aDispatchPastAnUnmappedFilterWithholdsTheAnswerChargesNothingAndIsLoggedAsAnError() throws Exception {
        assertWithheldUnchargedAndLogged("/unmapped/async/dispatch", "did not pass through the PaymentFilter");
        assertTrue(get("/async/dispatch", Proofs.proof().v1()).body().contains(PAID), "mapped, it is served");
        assertEquals(1, logged.size(), "and nothing is logged");
    }

    @Test
    void aCycleCompletedOnTheContainersOwnContextChargesNothingAndIsLoggedAsAnError() throws Exception {
        assertWithheldUnchargedAndLogged("/async/raw-complete", "completed past Tollgate");
    }

    /**
     * A paid request whose cycle ends past Tollgate: no paid content, no settlement, and one error logged. The
     * container tells listeners a cycle completed as it ends it, maybe after the answer left: the log is awaited.
     */
    private void assertWithheldUnchargedAndLogged(String path, String messagePart) throws Exception {
        expectedErrors = 1;
        HttpResponse<String> r = get(path, Proofs.proof().v1());

        assertFalse(r.body().contains(PAID), r.body());
        assertEquals(0, facilitator.settleRequests().size());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (logged.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, logged.size(), logged.toString());
        assertEquals(Level.SEVERE, logged.get(0).getLevel());
        assertTrue(logged.get(0).getMessage().contains(messagePart), logged.get(0).getMessage());
    }

    @Test
    void nonBlockingWritesAreRefusedOnPaidRoutesSayingSo() throws Exception {
        HttpResponse<String> r = get("/async/nonblocking", Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals("refused: non-blocking writes are not supported on paid routes", r.body());
    }

    @Test
    void aHandlerAnsweringItsOwnTimeoutGetsItsErrorStatusWithNothingChargedNorWritten() throws Exception {
        assertTimeoutAnsweredByTollgate("/async/own-timeout");
    }

    @Test
    void aHandlerCompletingAfterItsTimeoutWithASuccessGetsA504AndNoFreeContent() throws Exception {
        assertTimeoutAnsweredByTollgate("/async/own-timeout?late=success");
    }

    @Test
    void aListenerThatJoinsTheNextCycleAnswersItsTimeoutThroughTollgateToo() throws Exception {
        assertTimeoutAnsweredByTollgate("/async/second-cycle-timeout");
    }

    @Test
    void aHandlerSettledBeforeItRanThatAnswersItsOwnTimeoutIsToldItWasChargedAndGivenTheReceipt() throws Exception {
        HttpResponse<String> r = get("/before/own-timeout", Proofs.proof().v1());

        assertEquals(504, r.statusCode(), r.body());
        assertFalse(r.body().contains(PAID), r.body());
        assertEquals(1, facilitator.settleRequests().size());
        assertFalse(r.body().contains("nothing was charged"), r.body());
        assertTrue(r.body().contains("did not finish before its asynchronous timeout"), r.body());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
    }

    @Test
    void aHandlerSettledBeforeItRanThatTimesOutUnansweredGetsTheContainersErrorWithTheReceipt() throws Exception {
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = get("/before/timeout", proof);

        assertTrue(r.statusCode() >= 500, "status " + r.statusCode());
        assertFalse(r.body().contains(PAID), r.body());
        assertEquals(1, facilitator.settleRequests().size());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent(), "the charge's receipt: " + r.headers().map());
        assertTrue(r.headers().firstValue("X-PAYMENT-RESPONSE").isPresent());
        assertEquals(402, get("/before/timeout", proof).statusCode(), "the proof stays used");
    }

    @Test
    void aHandlerSettledBeforeItRanThatThrowsAfterGoingAsynchronousLeavesThePayerItsReceipt() throws Exception {
        HttpResponse<String> r = get("/before/complete-then-throw", Proofs.proof().v1());

        assertEquals(500, r.statusCode(), r.body());
        assertFalse(r.body().contains(PAID), r.body());
        assertEquals(1, facilitator.settleRequests().size());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
    }

    /** Tollgate's answer to a cycle the handler completed after its timeout: 504, saying so, nothing charged. */
    private void assertTimeoutAnsweredByTollgate(String path) throws Exception {
        HttpResponse<String> r = get(path, Proofs.proof().v1());

        assertEquals(504, r.statusCode(), r.body());
        assertTrue(r.body().contains("did not finish before its asynchronous timeout; nothing was charged"), r.body());
        assertFalse(r.body().contains(PAID), r.body());
        assertEquals(0, facilitator.settleRequests().size());
    }

    /**
     * Goes asynchronous with a listener and dispatches to itself; the listener joins the second cycle (onStartAsync),
     * which never completes, and answers its timeout with a 504 on the context the event carries.
     */
    private final class AnsweringTheTimeoutOfItsSecondCycle extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            handlerRuns.incrementAndGet();
            if (req.getDispatcherType() == DispatcherType.ASYNC) {
                req.startAsync().setTimeout(200);
                return;
            }
            AsyncContext first = req.startAsync();
            first.addListener(new TimeoutListener() {
                @Override
                public void onStartAsync(AsyncEvent event) {
                    event.getAsyncContext().addListener(this);
                }

                @Override
                public void onTimeout(AsyncEvent event) throws IOException {
                    ((HttpServletResponse) event.getAsyncContext().getResponse()).sendError(504);
                    event.getAsyncContext().complete();
                }
            });
            first.dispatch();
        }
    }

    @Test
    void aCompletionFromAnotherThreadWhileTheContainerHandlesTheTimeoutLeavesTheAnswerToTheContainer() throws Exception {
        HttpResponse<String> r = get("/async/timeout-race", Proofs.proof().v1());

        assertEquals(500, r.statusCode(), r.body());
        assertFalse(r.body().contains("nothing was charged"), "Tollgate wrote, racing the container: " + r.body());
        assertFalse(r.body().contains(PAID), r.body());
        assertEquals(0, facilitator.settleRequests().size());
    }

    /**
     * Its listener, told of the timeout, has another thread complete the context it was given, waits for that
     * thread, and returns without completing: the container then answers the timeout by itself.
     */
    private final class CompletingFromAnotherThreadDuringItsTimeout extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            handlerRuns.incrementAndGet();
            AsyncContext ctx = req.startAsync();
            ctx.setTimeout(200);
            ctx.getResponse().getWriter().write(PAID);
            ctx.addListener(new TimeoutListener() {
                @Override
                public void onTimeout(AsyncEvent event) {
                    Thread worker = new Thread(() -> {
                        try {
                            ctx.complete();
                        } catch (IllegalStateException refusedWhileTimingOut) {
                            // Jetty refuses a completion while it handles the timeout: that is the container's call.
                        }
                    });
                    worker.start();
                    try {
                        worker.join(5_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }
    }

    /**
     * Never completes in time; its own AsyncListener answers the timeout on the context the event carries: with a
     * 504, or ({@code late=success}) with the paid content, as a handler that finished just too late would.
     */
    private final class AnsweringItsOwnTimeout extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            handlerRuns.incrementAndGet();
            boolean success = "success".equals(req.getParameter("late"));
            AsyncContext ctx = req.startAsync();
            ctx.setTimeout(200);
            ctx.addListener(new TimeoutListener() {
                @Override
                public void onTimeout(AsyncEvent event) throws IOException {
                    HttpServletResponse answer = (HttpServletResponse) event.getAsyncContext().getResponse();
                    if (success) {
                        answer.getWriter().write(PAID);
                    } else {
                        answer.setStatus(504);
                        answer.getWriter().write("the report took too long");
                    }
                    event.getAsyncContext().complete();
                }
            });
        }
    }

    /** A handler's listener that acts on the timeout (and on a new cycle, where it says so). */
    private abstract static class TimeoutListener implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }

    /** Completes the container's context, reached by unwrapping the request, instead of the one it was given. */
    private final class CompletingTheContainersContext extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            handlerRuns.incrementAndGet();
            AsyncContext given = req.startAsync();
            given.getResponse().getWriter().write(PAID);
            ((ServletRequestWrapper) req).getRequest().getAsyncContext().complete();
        }
    }

    /** Goes asynchronous and tries to write without blocking; answers what it was told. */
    private final class SettingAWriteListener extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            AsyncContext ctx = req.startAsync();
            ServletOutputStream out = ctx.getResponse().getOutputStream();
            String answer;
            try {
                out.setWriteListener(new WriteListener() {
                    @Override
                    public void onWritePossible() {
                    }

                    @Override
                    public void onError(Throwable t) {
                    }
                });
                answer = "accepted";
            } catch (IllegalStateException e) {
                answer = "refused: " + e.getMessage();
            }
            out.write(answer.getBytes(StandardCharsets.UTF_8));
            ctx.complete();
        }
    }

    private final class CompletingOnAnotherThread extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            handlerRuns.incrementAndGet();
            AsyncContext ctx = req.startAsync();
            ctx.start(() -> {
                try {
                    ctx.getResponse().getWriter().write(PAID);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                ctx.complete();
            });
        }
    }

    private final class CompletingAtOnce extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            handlerRuns.incrementAndGet();
            AsyncContext ctx = req.startAsync();
            ctx.getResponse().getWriter().write(PAID);
            ctx.complete();
        }
    }

    private final class Dispatching extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            handlerRuns.incrementAndGet();
            AsyncContext ctx = req.startAsync();
            ctx.start(() -> ctx.dispatch("/inner/report"));
        }
    }

    /** Dispatches to itself; on that pass it goes asynchronous again and dispatches to the page that writes. */
    private final class DispatchingTwice extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            handlerRuns.incrementAndGet();
            if (req.getDispatcherType() == DispatcherType.ASYNC) {
                req.startAsync().dispatch("/inner/report");
            } else {
                req.startAsync().dispatch();
            }
        }
    }

    private final class CompletingThenThrowing extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            handlerRuns.incrementAndGet();
            AsyncContext ctx = req.startAsync();
            ctx.getResponse().getWriter().write(PAID);
            ctx.complete();
            throw new IllegalStateException("the handler failed after completing");
        }
    }

    private final class CompletingJustBeforeItsTimeout extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            handlerRuns.incrementAndGet();
            AsyncContext ctx = req.startAsync();
            ctx.setTimeout(400);
            ctx.start(() -> {
                try {
                    Thread.sleep(200);
                    ctx.getResponse().getWriter().write(PAID);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                ctx.complete();
            });
        }
    }

    private final class NeverCompleting extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            handlerRuns.incrementAndGet();
            AsyncContext ctx = req.startAsync();
            ctx.setTimeout(300);
            ctx.getResponse().getWriter().write(PAID);
        }
    }

    private final class FailingAsynchronously extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            handlerRuns.incrementAndGet();
            AsyncContext ctx = req.startAsync();
            ctx.start(() -> {
                ((HttpServletResponse) ctx.getResponse()).setStatus(503);
                ctx.complete();
            });
        }
    }

    private final class BypassingTheBuffer extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            handlerRuns.incrementAndGet();
            AsyncContext ctx = req.startAsync(req, ((ServletResponseWrapper) resp).getResponse());
            ctx.getResponse().getWriter().write(PAID);
            ctx.complete();
        }
    }
}
