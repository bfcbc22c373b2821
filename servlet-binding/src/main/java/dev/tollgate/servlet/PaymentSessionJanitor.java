package dev.tollgate.servlet;

import dev.tollgate.core.gate.PaymentSession;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;

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
 */
public final class PaymentSessionJanitor implements ServletRequestListener {
    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        ServletRequest request = event.getServletRequest();
        if (request.getAttribute(PaymentSession.ATTRIBUTE) instanceof PaymentSession session) {
            request.removeAttribute(PaymentSession.ATTRIBUTE);
            session.abandon();
        }
    }
}
