package dev.tollgate.servlet;

import dev.tollgate.core.gate.Completion;
import dev.tollgate.core.gate.PaymentSession;
import dev.tollgate.core.gate.UndeliveredAnswer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A paid handler that went asynchronous: the payment is finished (settled and the buffered response sent, or
 * withheld) when the handler calls {@link AsyncContext#complete()} on the context it was given, or when an
 * {@code AsyncContext.dispatch} it made returns through the filter without going asynchronous or dispatching
 * again. Whatever else ends the cycle — a timeout, an error, a completion Tollgate did not see — settles nothing
 * and releases the claim. Exactly one of the two happens, whichever comes first.
 *
 * <p>A {@code complete()} made while a pass of the container's (the first request, or a dispatch) is still
 * running waits for the pass to return, as the Servlet specification has the container do: the pass may still
 * throw, which must not be charged, and its thread may still be writing into the buffer.
 */
final class PaidAsync implements AsyncListener {
    /** The request attribute under which an asynchronous dispatch finds the cycle it belongs to. */
    static final String ATTRIBUTE = PaidAsync.class.getName();
    private static final System.Logger LOG = System.getLogger(PaidAsync.class.getName());
    private static final int OPEN = 0;
    private static final int FINISHING = 1;
    private static final int DONE = 2;

    /** Starts the asynchronous part of one paid request. */
    interface Factory {
        PaidAsync start(AsyncContext started);
    }

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final PaymentSession session;
    private final BufferedResponse buffered;
    private final Duration finishing;
    private final AtomicInteger state = new AtomicInteger(OPEN);
    private final CountDownLatch done = new CountDownLatch(1);
    /** A pass of the container's is running (it starts inside the first one, which called startAsync). */
    private boolean inPass = true;
    /** The context whose complete() came during a pass, to be completed once the pass returns; else null. */
    private AsyncContext completeAfterPass;
    /** The status owed for a cycle the container ended (a timeout or an error) before the handler finished; 0 if none. */
    private volatile int endedWith;
    /** The thread delivering a container's timeout or error event to the handler's listeners; null otherwise. */
    private volatile Thread eventThread;
    /** How the session ended when the cycle was abandoned; null before. */
    private volatile Completion abandoned;
    /** dispatch() was called since the current pass began: another pass follows. */
    private boolean dispatchPending;
    /** Where that dispatch goes, for the log when it never reaches the filter. */
    private String dispatchTarget;

    /**
     * @param finishing how long a timeout waits for a settlement already under way (the settlement's own bound)
     */
    PaidAsync(HttpServletRequest request, HttpServletResponse response, PaymentSession session,
              BufferedResponse buffered, Duration finishing, AsyncContext started) {
        this.request = request;
        this.response = response;
        this.session = session;
        this.buffered = buffered;
        this.finishing = finishing;
        request.setAttribute(ATTRIBUTE, this);
        started.addListener(this);
    }

    /** The handler is done: settle and send, or withhold. Only the first call of this or {@link #abandon} counts. */
    void finish() throws IOException {
        try {
            settleAndSend();
        } finally {
            done.countDown();
        }
    }

    /**
     * A forward made in an asynchronous dispatch (the cycle over, not started again) returned through the filter: it
     * ended the answer, which is settled and sent now, and committed, while the container's response is still open
     * (Tomcat 11 suspends it as the forward returns, see {@link PaidAnswer}). The pass's return then finds the
     * payment finished.
     */
    void forwardEnded() throws IOException {
        if (!state.compareAndSet(OPEN, FINISHING)) {
            return;
        }
        try {
            PaymentFilter.finish(request, response, session, buffered, true);
        } finally {
            buffered.release();
            state.set(DONE);
            done.countDown();
        }
    }

    /** Does nothing when the cycle was already finished or abandoned. */
    private void settleAndSend() throws IOException {
        if (!state.compareAndSet(OPEN, FINISHING)) {
            return;
        }
        try {
            PaymentFilter.finish(request, response, session, buffered);
        } finally {
            buffered.release();
            state.set(DONE);
        }
    }

    /**
     * The cycle ended without the handler finishing: nothing is charged, the claim is released (a payment settled
     * before the handler ran stays settled).
     */
    void abandon() {
        if (state.compareAndSet(OPEN, DONE)) {
            // The held arrays are not given back for reuse: the handler's thread may still be writing into them.
            // complete(), not abandon(): it releases the claim alike, and hands back the receipt of a payment settled
            // before the handler ran (settlement=before), which Tollgate's answer must then carry.
            abandoned = session.complete(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            done.countDown();
        }
    }

    /** An asynchronous dispatch of this request enters the filter. */
    synchronized void passEntered() {
        inPass = true;
        dispatchPending = false;
    }

    /**
     * A pass returned normally. A complete() it saw finishes now; a pass that neither went asynchronous again
     * nor dispatched was the handler's last, so it finishes too (the container completes the response next).
     */
    void passReturned(boolean asyncStarted) throws IOException {
        AsyncContext complete;
        boolean last;
        synchronized (this) {
            inPass = false;
            complete = completeAfterPass;
            completeAfterPass = null;
            last = !asyncStarted && !dispatchPending;
        }
        if (complete != null) {
            finishAndComplete(complete);
        } else if (last) {
            finish();
        }
    }

    /** A pass threw: the handler failed, nothing is charged (a complete() it made is dropped). */
    void passThrew() {
        synchronized (this) {
            inPass = false;
            completeAfterPass = null;
        }
        abandon();
        PaymentFilter.keepReceipt(abandoned, response);
    }

    private void completeRequested(AsyncContext started) {
        synchronized (this) {
            if (inPass) {
                completeAfterPass = started;
                return;
            }
        }
        finishAndComplete(started);
    }

    private synchronized void dispatchRequested(String target) {
        dispatchPending = true;
        dispatchTarget = target;
    }

    /**
     * Settles, sends and completes. A timeout waiting for this is let go only once the cycle is completed: were
     * it let go before, the container would answer the timeout itself, over the settled response.
     */
    private void finishAndComplete(AsyncContext started) {
        try {
            settleAndSend();
            // Only from the container's own event (a listener's onTimeout, say): from another thread the answer
            // would race the container's handling of the timeout, which answers by itself.
            if (endedWith != 0 && Thread.currentThread() == eventThread) {
                answerEnded();
            }
        } catch (IOException e) {
            // The client went away while the answer was written; the settlement's outcome was already reported
            // to the listener, and there is no one left to tell.
        } finally {
            try {
                started.complete();
            } finally {
                done.countDown();
            }
        }
    }

    /**
     * The handler completes a cycle the container already ended (its timeout, or an error), typically from its own
     * AsyncListener. Nothing was charged (or, settled before the handler ran, the answer says so with the receipt),
     * and nothing it wrote may go out: the client gets Tollgate's answer, with the handler's status when that is an
     * error status, and the container's cause's otherwise.
     */
    private void answerEnded() throws IOException {
        if (response.isCommitted()) {
            return;
        }
        int status = buffered.status() >= 400 ? buffered.status() : endedWith;
        String why = endedWith == HttpServletResponse.SC_GATEWAY_TIMEOUT
                ? "the paid handler did not finish before its asynchronous timeout"
                : "the paid handler's asynchronous cycle failed";
        buffered.discardAnswer();
        PaymentFilter.write(response, UndeliveredAnswer.of(status, why, abandoned));
    }

    AsyncContext context(AsyncContext started) {
        return new Context(started);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        boolean unseen;
        boolean dispatchUnseen;
        synchronized (this) {
            unseen = state.get() == OPEN;
            dispatchUnseen = unseen && dispatchPending;
        }
        // A cycle that completes while the payment is still open was ended past Tollgate: the paid handler's answer
        // stayed in the buffer, the client got an empty one, and nothing is charged. Either is a mistake to fix.
        if (dispatchUnseen) {
            LOG.log(System.Logger.Level.ERROR, "a paid handler's AsyncContext.dispatch to " + dispatchTarget
                    + " did not pass through the PaymentFilter (it is not mapped for the ASYNC dispatcher type, its "
                    + "url-pattern does not cover the target, or the target is in another context): the answer was "
                    + "withheld and nothing was charged. Request: " + request.getMethod() + " " + request.getRequestURI());
        } else if (unseen) {
            LOG.log(System.Logger.Level.ERROR, "a paid handler's asynchronous cycle was completed past Tollgate, on "
                    + "the container's own AsyncContext rather than the one startAsync returned: its answer was "
                    + "withheld and nothing was charged. Complete the context the handler was given. Request: "
                    + request.getMethod() + " " + request.getRequestURI());
        }
        abandon();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        endedByContainer(HttpServletResponse.SC_GATEWAY_TIMEOUT);
    }

    @Override
    public void onError(AsyncEvent event) {
        endedByContainer(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // A new cycle (startAsync again, during an asynchronous dispatch) reports only to listeners added to it.
        event.getAsyncContext().addListener(this);
    }

    /**
     * A timeout or error while the handler was still working gives up the payment. One that comes while the payment
     * is being settled waits for it: the payer's money may be moving, and the answer must carry its outcome.
     */
    private void endedByContainer(int status) {
        // Known before the payment is abandoned, so that a completion which finds it abandoned knows why. Should a
        // settlement win the race instead, its answer is already committed and answerEnded leaves it alone.
        if (state.get() == OPEN) {
            endedWith = status;
        }
        abandon();
        // Unless a listener of the handler's completes the cycle (answerEnded), the container answers it with its own
        // error page, which keeps the headers set so far: a payment settled before the handler ran is charged, and
        // that answer is the payer's only chance to get its receipt.
        Completion ended = abandoned;
        if (ended != null && endedWith != 0) {
            PaymentFilter.keepReceipt(ended, response);
        }
        if (state.get() == FINISHING) {
            try {
                done.await(finishing.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The context the handler holds: the same, except that completing it finishes the payment first. */
    private final class Context implements AsyncContext {
        private final AsyncContext started;

        Context(AsyncContext started) {
            this.started = started;
        }

        @Override
        public void complete() {
            completeRequested(started);
        }

        @Override
        public ServletRequest getRequest() {
            return started.getRequest();
        }

        @Override
        public ServletResponse getResponse() {
            return started.getResponse();
        }

        @Override
        public boolean hasOriginalRequestAndResponse() {
            return started.hasOriginalRequestAndResponse();
        }

        @Override
        public void dispatch() {
            dispatchRequested(request.getRequestURI());
            started.dispatch();
        }

        @Override
        public void dispatch(String path) {
            dispatchRequested(path);
            started.dispatch(path);
        }

        @Override
        public void dispatch(ServletContext context, String path) {
            dispatchRequested(context.getContextPath() + path);
            started.dispatch(context, path);
        }

        @Override
        public void addListener(AsyncListener listener) {
            started.addListener(new HandlersListener(listener, this));
        }

        @Override
        public void addListener(AsyncListener listener, ServletRequest servletRequest,
                                ServletResponse servletResponse) {
            started.addListener(new HandlersListener(listener, this), servletRequest, servletResponse);
        }

        @Override
        public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
            return started.createListener(type);
        }

        @Override
        public void setTimeout(long timeout) {
            started.setTimeout(timeout);
        }

        @Override
        public long getTimeout() {
            return started.getTimeout();
        }

        @Override
        public void start(Runnable run) {
            started.start(run);
        }
    }

    /** One call of a handler's listener, which may throw what a listener may. */
    @FunctionalInterface
    private interface ListenerCall {
        void run() throws IOException;
    }

    /**
     * A listener the handler added, hearing events that carry the context it was given: completing that one (in its
     * onTimeout, say) goes through Tollgate, which answers what the container's own context would leave empty.
     */
    private final class HandlersListener implements AsyncListener {
        private final AsyncListener listener;
        private final AsyncContext context;

        HandlersListener(AsyncListener listener, AsyncContext context) {
            this.listener = listener;
            this.context = context;
        }

        private AsyncEvent withContext(AsyncEvent event) {
            return new AsyncEvent(context, event.getSuppliedRequest(), event.getSuppliedResponse(), event.getThrowable());
        }

        @Override
        public void onComplete(AsyncEvent event) throws IOException {
            listener.onComplete(withContext(event));
        }

        @Override
        public void onTimeout(AsyncEvent event) throws IOException {
            deliveringContainersEvent(() -> listener.onTimeout(withContext(event)));
        }

        @Override
        public void onError(AsyncEvent event) throws IOException {
            deliveringContainersEvent(() -> listener.onError(withContext(event)));
        }

        /** Runs a listener's handling of the container's event, marking this thread as the one delivering it. */
        private void deliveringContainersEvent(ListenerCall call) throws IOException {
            eventThread = Thread.currentThread();
            try {
                call.run();
            } finally {
                eventThread = null;
            }
        }

        /** A new cycle: the event carries its context, as Tollgate hands it out, so the listener can join it. */
        @Override
        public void onStartAsync(AsyncEvent event) throws IOException {
            listener.onStartAsync(new AsyncEvent(context(event.getAsyncContext()), event.getSuppliedRequest(),
                    event.getSuppliedResponse(), event.getThrowable()));
        }
    }
}
