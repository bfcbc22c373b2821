package dev.tollgate.servlet;

import dev.tollgate.core.gate.Completion;
import dev.tollgate.core.gate.PaymentSession;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Releases a payment that a JAX-RS runtime admitted and never finished. The JAX-RS binding keeps an admitted
 * session in the request property {@link PaymentSession#ATTRIBUTE} and ends it in its response filter; when an
 * exception escapes the runtime (RESTEasy with its default exception mapper turned off, or an application response
 * filter that throws), no response filter runs, and without this listener the proof stays claimed until the claim
 * lapses. Jersey releases such a session itself; on other runtimes over servlets, which keep request properties as
 * the servlet request's attributes (RESTEasy does), register this listener in the web application:
 * {@code <listener><listener-class>dev.tollgate.servlet.PaymentSessionJanitor</listener-class></listener>}.
 *
 * <p>It acts only on a session still there when the request is over, which no answer can settle any more: the claim
 * is released, nothing is charged (a payment settled before the handler ran is reported as charged, not delivered).
 *
 * <p>A listener comes too late to touch the answer, so the 500 the container answers for such an exception carries
 * no receipt of a payment that was settled (before the method ran, or before an application's WriterInterceptor
 * failed). Registered also as a filter in front of the JAX-RS servlet, it ends the session as the exception passes,
 * and puts the receipt headers on the response the container then answers 500 with (Jetty and Tomcat keep them):
 * {@code <filter><filter-name>tollgate-janitor</filter-name><filter-class>dev.tollgate.servlet.PaymentSessionJanitor
 * </filter-class></filter>} mapped to the servlet's URL pattern.
 */
public final class PaymentSessionJanitor implements ServletRequestListener, Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            keepReceipt(request, response, e);
            throw e;
        }
    }

    private static void keepReceipt(ServletRequest request, ServletResponse response, Throwable failure) {
        Completion.Deliver settled = null;
        try {
            if (request.getAttribute(PaymentSession.ATTRIBUTE) instanceof PaymentSession session) {
                request.removeAttribute(PaymentSession.ATTRIBUTE);
                // complete(), not abandon(): it releases an unsettled claim alike, and hands back the receipt of a
                // payment settled before the handler ran.
                if (session.complete(500) instanceof Completion.Deliver d) {
                    settled = d;
                }
            } else if (request.getAttribute(Completion.SETTLED_ATTRIBUTE) instanceof Completion.Deliver d) {
                settled = d;
                // Settled after the method, and the exception took the place of its answer.
                if (request.getAttribute(PaymentSession.SETTLED_ATTRIBUTE) instanceof PaymentSession ended) {
                    ended.undelivered("an exception reached the container after the payment was settled: "
                            + failure + (response.isCommitted() ? " (the answer was committed already: part of it "
                            + "may have been sent)" : ""));
                }
            }
            if (settled != null && response instanceof HttpServletResponse http && !http.isCommitted()) {
                settled.headers().forEach(http::setHeader);
            }
        } catch (RuntimeException e) {
            // The exception on its way must still reach the container, which answers it.
            System.getLogger(PaymentSessionJanitor.class.getName()).log(System.Logger.Level.ERROR,
                    "could not end the payment of a failed request", e);
        }
    }

    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        ServletRequest request = event.getServletRequest();
        if (request.getAttribute(PaymentSession.ATTRIBUTE) instanceof PaymentSession session) {
            request.removeAttribute(PaymentSession.ATTRIBUTE);
            session.abandon();
        }
    }
}
