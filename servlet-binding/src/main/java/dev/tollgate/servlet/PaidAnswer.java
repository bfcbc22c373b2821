package dev.tollgate.servlet;

import dev.tollgate.core.gate.PaymentSession;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The answer to one synchronous paid request, finished (settled and sent, or withheld) once: when the handler
 * returns through the filter pass that admitted the payment, or earlier, when a forward of the request that the
 * filter sees returns. Such a forward ends the paid answer: the Servlet specification has the container commit and
 * close its response before {@code forward} returns, and Tomcat 11 suspends its own response there, under every
 * wrapper (its Context's {@code suspendWrappedResponseAfterForward}, true by default), so what the filter had not
 * sent by then could never go out. Once the handler goes asynchronous, {@link PaidAsync} finishes the payment
 * instead. Used on the request's own thread only.
 */
final class PaidAnswer {
    /** The request attribute under which a forward finds the answer it ends. */
    static final String ATTRIBUTE = PaidAnswer.class.getName();

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final PaymentSession session;
    private final BufferedResponse buffered;
    private boolean finished;

    PaidAnswer(HttpServletRequest request, HttpServletResponse response, PaymentSession session,
               BufferedResponse buffered) {
        this.request = request;
        this.response = response;
        this.session = session;
        this.buffered = buffered;
    }

    /** Whether the answer was settled and sent, or withheld, already. */
    boolean finished() {
        return finished;
    }

    /**
     * The handler returned through the filter pass that admitted its payment: settles and sends its buffered answer,
     * or withholds it. Admitted in a forward (from a free page), the answer is ended by that forward: see
     * {@link #forwardReturned}.
     */
    void handlerReturned() throws IOException {
        finish(request.getDispatcherType() == DispatcherType.FORWARD);
    }

    /** The handler threw before its answer was finished: nothing is charged. */
    void handlerThrew() {
        if (!finished) {
            finished = true;
            // Not abandon(): complete() releases a claim alike, and hands back the receipt of a payment settled before
            // the handler ran (settlement=before), which the container's error answer then carries: the payer was
            // charged, and keeps the evidence.
            PaymentFilter.keepReceipt(session.complete(HttpServletResponse.SC_INTERNAL_SERVER_ERROR), response);
        }
    }

    /**
     * A forward of the paid request returned through the filter: its target's answer is the whole paid answer, and
     * is settled and sent now, while the container's response is still open. A settled answer is flushed too, as the
     * container would commit it: the forwarding servlet runs on, and an exception it throws now would otherwise have
     * the container replace the paid answer with its error answer (Tomcat does, over a response it has not committed,
     * which it commits once the Content-Length is written: never an empty one).
     *
     * <p>One made during an asynchronous dispatch ends the answer alike, through the cycle ({@link
     * PaidAsync#forwardEnded}). Left to the end of the handler: a forward that went asynchronous (its cycle finishes
     * the payment), and one whose response does not hold Tollgate's buffer (whatever it wrote went past it).
     */
    void forwardReturned(ServletRequest forwarded, ServletResponse forwardedResponse) throws IOException {
        if (forwarded.isAsyncStarted() || BufferedResponse.in(forwardedResponse) != buffered) {
            return;
        }
        if (forwarded.getAttribute(PaidAsync.ATTRIBUTE) instanceof PaidAsync async) {
            if (!finished) {
                finished = true;
                async.forwardEnded();
            }
            return;
        }
        finish(true);
    }

    private void finish(boolean endsAForward) throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        PaymentFilter.finish(request, response, session, buffered, endsAForward);
    }
}
