package dev.tollgate.tomcat;

import dev.tollgate.core.gate.PaymentReceipt;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The servlets of the test application's web.xml. Tomcat makes them from their class names, as it makes those of any
 * web application; every paid one writes {@link #PAID} and counts its runs, so a leak shows in a body or a count.
 */
public final class PaidServlets {
    public static final String PAID = "PAID-CONTENT-70mc";
    /** What the report view renders: the paid answer of a servlet that forwards to it. */
    public static final String VIEW = "REPORT-VIEW-4k2q";
    /** What the charset servlet writes: not ISO-8859-1, so a body in another charset than its header names shows. */
    public static final String ACCENTED = PAID + ": caf\u00e9 cr\u00e8me \u2713";
    /** Paid handler runs (Tomcat makes one instance per servlet; the class is the test's own). */
    public static final AtomicInteger RUNS = new AtomicInteger();
    /**
     * What became of a paid servlet's startAsync after its forward: "started", or "refused: " and why. Known only once the servlet
     * got that far, which comes after its client got the answer the forward ended.
     */
    public static volatile CompletableFuture<String> asyncAfterForward = new CompletableFuture<>();

    private PaidServlets() {
    }

    /** The paid resource: reveals the receipt it was given. */
    public static final class Report extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            RUNS.incrementAndGet();
            PaymentReceipt receipt = (PaymentReceipt) req.getAttribute(PaymentReceipt.ATTRIBUTE);
            resp.setContentType("text/plain");
            resp.setHeader("X-Receipt-Payer", receipt == null ? "none" : receipt.payer());
            // Asks a CDN to keep the answer, spelled as a handler may: the filter finds it in Tomcat's header names.
            resp.setHeader("surrogate-control", "max-age=60");
            resp.getWriter().write(PAID + " for " + req.getRequestURI());
        }
    }

    /**
     * Writes {@code ?bytes=n} bytes through its output stream, a KiB at a time; a careless handler: it ignores a
     * failed write and returns normally.
     */
    public static final class Big extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            RUNS.incrementAndGet();
            int n = Integer.parseInt(req.getParameter("bytes"));
            resp.setContentType("application/octet-stream");
            byte[] body = body(n);
            OutputStream out = resp.getOutputStream();
            try {
                for (int at = 0; at < n; at += 1024) {
                    out.write(body, at, Math.min(1024, n - at));
                }
            } catch (IOException ignored) {
                // past bufferLimit: Tollgate refuses the answer whatever the handler does next
            }
        }

        /** {@code n} bytes of {@link #PAID} lines. */
        public static byte[] body(int n) {
            String line = PAID + "\n";
            return line.repeat(n / line.length() + 1).substring(0, n).getBytes(StandardCharsets.US_ASCII);
        }
    }

    /**
     * Fails after writing paid content, as {@code ?how=} says: {@code send-error} (503, for which web.xml has an
     * error page), {@code status} (a 404 with a body of its own), {@code throw}.
     */
    public static final class Failing extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            RUNS.incrementAndGet();
            resp.setContentType("text/plain");
            switch (req.getParameter("how")) {
                case "send-error" -> {
                    resp.getWriter().write(PAID + ", until the backend went down");
                    resp.sendError(503, "backend down");
                }
                case "status" -> {
                    resp.setStatus(404);
                    resp.getWriter().write("no such report");
                }
                case "throw" -> {
                    resp.getWriter().write(PAID);
                    throw new IllegalStateException("the report failed half-way");
                }
                default -> throw new IllegalArgumentException(req.getParameter("how"));
            }
        }
    }

    /**
     * Begins its paid answer, then redirects with Servlet 6.1's {@code sendRedirect(location, status, clearBuffer)}
     * ({@code ?status=}, {@code ?clear=}); on a 6.0 wrapper that call goes straight to Tomcat's response.
     */
    public static final class Redirecting extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            RUNS.incrementAndGet();
            resp.setContentType("text/plain");
            resp.getWriter().write(PAID + ", see elsewhere");
            resp.sendRedirect("/free/landing", Integer.parseInt(req.getParameter("status")),
                    Boolean.parseBoolean(req.getParameter("clear")));
        }
    }

    /**
     * Names its charset with Servlet 6.1's {@code setCharacterEncoding(Charset)}, takes the writer, then tries to change
     * the charset again, which the specification has the container ignore once the writer is out.
     */
    public static final class CharsetObject extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            RUNS.incrementAndGet();
            resp.setCharacterEncoding(StandardCharsets.UTF_8);
            resp.setContentType("text/plain");
            PrintWriter writer = resp.getWriter();
            resp.setCharacterEncoding(StandardCharsets.UTF_16);
            writer.write(ACCENTED);
        }
    }

    /** Goes asynchronous; another thread of its own writes the paid content and completes. */
    public static final class CompletingOnAnotherThread extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            RUNS.incrementAndGet();
            AsyncContext ctx = req.startAsync();
            Thread worker = new Thread(() -> {
                try {
                    ctx.getResponse().setContentType("text/plain");
                    ctx.getResponse().getWriter().write(PAID + " from another thread");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    ctx.complete();
                }
            }, "paid-async-worker");
            worker.start();
        }
    }

    /** Goes asynchronous, writes its paid content, and never completes: Tomcat's asynchronous timeout ends it. */
    public static final class NeverCompleting extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            RUNS.incrementAndGet();
            AsyncContext ctx = req.startAsync();
            ctx.setTimeout(300);
            ctx.getResponse().getWriter().write(PAID + " too late");
        }
    }

    /**
     * Begins its paid answer, then forwards to {@code ?to=} (flushing first with {@code ?flush=yes}) through the
     * request's dispatcher, or with {@code ?via=context} through the servlet context's; with {@code ?after=throw} it
     * throws once the forward has returned, and with {@code ?after=async} it then tries to go asynchronous.
     */
    public static final class Forwarding extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            RUNS.incrementAndGet();
            resp.setContentType("text/plain");
            resp.getWriter().write(PAID + ", until something went wrong: ");
            if (req.getParameter("flush") != null) {
                resp.flushBuffer();
            }
            String target = req.getParameter("to");
            RequestDispatcher dispatcher = "context".equals(req.getParameter("via"))
                    ? getServletContext().getRequestDispatcher(target)
                    : req.getRequestDispatcher(target);
            dispatcher.forward(req, resp);
            if ("throw".equals(req.getParameter("after"))) {
                throw new IllegalStateException("the report failed after its forward");
            }
            if ("async".equals(req.getParameter("after"))) {
                try {
                    req.startAsync();
                    asyncAfterForward.complete("started");
                } catch (IllegalStateException answered) {
                    asyncAfterForward.complete("refused: " + answered.getMessage());
                }
            }
        }
    }

    /**
     * Goes asynchronous and dispatches to itself at once; in that asynchronous dispatch it begins its paid answer and
     * forwards to {@code ?to=}, as a servlet that waits for its data before it renders the view.
     */
    public static final class ForwardingWhenDispatched extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            if (req.getDispatcherType() != DispatcherType.ASYNC) {
                RUNS.incrementAndGet();
                req.startAsync().dispatch();
                return;
            }
            resp.setContentType("text/plain");
            resp.getWriter().write(PAID + ", until the view took over: ");
            req.getRequestDispatcher(req.getParameter("to")).forward(req, resp);
        }
    }

    /**
     * The view a paid servlet forwards to (the JSP of the servlet-then-JSP pattern): renders {@link #VIEW} with the
     * receipt the filter left on the request. {@code ?view=} makes it fail: {@code status} (500), {@code throw}; hand
     * over to itself once more: {@code forward}; answer 204 without a body: {@code empty}; or redirect: {@code redirect}.
     */
    public static final class ReportView extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            String view = req.getParameter("view");
            if ("forward".equals(view)) {
                req.getRequestDispatcher("/WEB-INF/views/report?view=render").forward(req, resp);
                return;
            }
            if ("empty".equals(view)) {
                resp.setStatus(204);
                return;
            }
            if ("redirect".equals(view)) {
                resp.sendRedirect("/free/page");
                return;
            }
            PaymentReceipt receipt = (PaymentReceipt) req.getAttribute(PaymentReceipt.ATTRIBUTE);
            String payer = receipt == null ? "none" : receipt.payer();
            resp.setContentType("text/html");
            resp.setHeader("X-View-Payer", payer);
            resp.getWriter().write(VIEW + " for " + payer);
            if ("status".equals(view)) {
                resp.setStatus(500);
            } else if ("throw".equals(view)) {
                throw new IllegalStateException("the view failed half-way");
            }
        }
    }

    /**
     * A paid page built around an included fragment ({@code ?then=} is passed on to it). The include goes through the
     * request's dispatcher, or with {@code ?via=context} through the servlet context's.
     */
    public static final class Including extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            RUNS.incrementAndGet();
            resp.setContentType("text/plain");
            resp.getWriter().write(PAID + " [");
            String fragment = "/free/fragment?then=" + req.getParameter("then");
            RequestDispatcher dispatcher = "context".equals(req.getParameter("via"))
                    ? getServletContext().getRequestDispatcher(fragment)
                    : req.getRequestDispatcher(fragment);
            dispatcher.include(req, resp);
            resp.getWriter().write("]");
        }
    }

    public static final class FreePage extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write("free page");
        }
    }

    /**
     * Writes a fragment, then ({@code ?then=}) tries what an included page cannot do, which the container ignores:
     * {@code status} (500), {@code error} (sendError 404), {@code redirect}, {@code reset}; {@code nothing} does none.
     */
    public static final class Fragment extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write("fragment");
            switch (req.getParameter("then")) {
                case "status" -> resp.setStatus(500);
                case "error" -> resp.sendError(404);
                case "redirect" -> resp.sendRedirect("/free/landing");
                case "reset" -> resp.reset();
                case "nothing" -> {
                }
                default -> throw new IllegalArgumentException(req.getParameter("then"));
            }
        }
    }

    /** A page that answers 500 by itself (a forward's target). */
    public static final class FailingPage extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setStatus(500);
            resp.setContentType("text/plain");
            resp.getWriter().write("failing page");
        }
    }

    /** web.xml's error page for 503: says which status and message it was called for. */
    public static final class ErrorPage extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write("error page for " + req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) + ": "
                    + req.getAttribute(RequestDispatcher.ERROR_MESSAGE));
        }
    }

    /**
     * A free page that forwards to, or ({@code ?how=include}) includes, the paid report; with {@code ?how=view} it
     * forwards to the report view instead, and with {@code ?how=forward-then-throw} it throws once its forward to the
     * paid report (or to {@code ?to=}) has returned.
     */
    public static final class DispatchingToPaid extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            String how = req.getParameter("how");
            String to = req.getParameter("to");
            RequestDispatcher dispatcher = req.getRequestDispatcher("view".equals(how) ? "/WEB-INF/views/report"
                    : to != null ? to : "/premium/report");
            if ("include".equals(how)) {
                resp.getWriter().write("free page around: ");
                dispatcher.include(req, resp);
            } else {
                dispatcher.forward(req, resp);
            }
            if ("forward-then-throw".equals(how)) {
                throw new IllegalStateException("the free page failed after its forward");
            }
        }
    }
}
