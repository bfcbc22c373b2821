package dev.tollgate.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;

/**
 * The request a paid handler sees. It may go asynchronous, but only into the buffer: {@code startAsync()} would
 * otherwise hand the handler the container's own response ("the original, unwrapped" one, says the Servlet
 * specification), and what it wrote there would reach the client unpaid. So the no-argument form starts the
 * asynchronous cycle with this request and the buffered response, and the two-argument form takes only the
 * buffered response or a wrapper of it. The payment is then finished by {@link PaidAsync}.
 */
final class PaidRequest extends HttpServletRequestWrapper {
    private final PaidAsync.Factory asyncFactory;
    private final BufferedResponse buffered;
    private final PaidAnswer answer;
    private PaidAsync async;

    PaidRequest(HttpServletRequest request, BufferedResponse buffered, PaidAnswer answer,
                PaidAsync.Factory asyncFactory) {
        super(request);
        this.buffered = buffered;
        this.answer = answer;
        this.asyncFactory = asyncFactory;
    }

    /** The asynchronous cycle the handler started, which now owns the payment; null while it has started none. */
    synchronized PaidAsync async() {
        return async;
    }

    @Override
    public AsyncContext startAsync() {
        return startAsync(this, buffered);
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        if (request != this && !(request instanceof ServletRequestWrapper w && w.isWrapperFor(this))) {
            // A later dispatch would carry the bare request, whose startAsync() hands out the container's response.
            throw new IllegalStateException("on a paid route, startAsync must be given the request the handler "
                    + "received (or a wrapper of it)");
        }
        if (response != buffered && !(response instanceof ServletResponseWrapper w && w.isWrapperFor(buffered))) {
            throw new IllegalStateException("on a paid route, startAsync must be given the response the handler "
                    + "received (or a wrapper of it): it holds the paid content until the payment is settled");
        }
        if (answer.finished()) {
            // A forward ended the answer, settled and sent: the payment has nothing left to finish.
            throw new IllegalStateException("the paid answer was already sent: it ended with a RequestDispatcher.forward");
        }
        AsyncContext started = super.startAsync(request, response);
        synchronized (this) {
            if (async == null) {
                async = asyncFactory.start(started);
            }
            return async.context(started);
        }
    }

    /**
     * A forward discards what the handler wrote before it, as the container discards its own uncommitted buffer (see
     * {@link BufferedResponse#forwarding}). A forward the filter sees (one that reaches a path it is mapped to) is
     * handled there too; this covers the others.
     */
    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        RequestDispatcher dispatcher = super.getRequestDispatcher(path);
        if (dispatcher == null) {
            return null;
        }
        return new RequestDispatcher() {
            @Override
            public void forward(ServletRequest request, ServletResponse response) throws ServletException, IOException {
                buffered.forwarding();
                dispatcher.forward(request, response);
            }

            @Override
            public void include(ServletRequest request, ServletResponse response) throws ServletException, IOException {
                dispatcher.include(request, response);
            }
        };
    }

    @Override
    public AsyncContext getAsyncContext() {
        AsyncContext current = super.getAsyncContext();
        PaidAsync a = async();
        return a == null || current == null ? current : a.context(current);
    }
}
