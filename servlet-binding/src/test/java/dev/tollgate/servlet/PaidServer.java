package dev.tollgate.servlet;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.gate.PaymentReceipt;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Jetty 12 ee10 server on 127.0.0.1 with the PaymentFilter in front of a few servlets, counting how
 * often paid content was produced.
 */
final class PaidServer implements AutoCloseable {
    static final String PAID_MARKER = "PAID-CONTENT-7f3a";

    final AtomicInteger paidHandlerRuns = new AtomicInteger();
    private final Server server;
    private final ServletContextHandler context;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    PaidServer(Tollgate tollgate) throws Exception {
        this(new PaymentFilter(tollgate));
    }

    PaidServer(PaymentFilter filter) throws Exception {
        this(filter, java.util.Map.of());
    }

    /** With the filter's init-params given to its holder, as a container gives those of web.xml. */
    PaidServer(PaymentFilter filter, java.util.Map<String, String> initParams) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        context = new ServletContextHandler();
        context.setContextPath("/");
        FilterHolder holder = new FilterHolder(filter);
        holder.setInitParameters(initParams);
        context.addFilter(holder, "/*",
                EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE));
        context.addServlet(new ServletHolder(new Report()), "/premium/*");
        context.addServlet(new ServletHolder(new Failing()), "/broken/*");
        context.addServlet(new ServletHolder(new Big()), "/big/*");
        context.addServlet(new ServletHolder(new Unflushed()), "/unflushed/*");
        context.addServlet(new ServletHolder(new EarlyHints()), "/hints/*");
        context.addServlet(new ServletHolder(new FailingLate()), "/late/*");
        context.addServlet(new ServletHolder(new Accented()), "/text/*");
        context.addServlet(new ServletHolder(new Accented()), "/free/text/*");
        context.addServlet(new ServletHolder(new Resetting()), "/reset/*");
        context.addServlet(new ServletHolder(new MovedLate()), "/moved/*");
        context.addServlet(new ServletHolder(new Free()), "/free/*");
        context.addServlet(new ServletHolder(new Dispatching()), "/dispatch/*");
        server.setHandler(context);
        server.start();
    }

    /** Stops the web application and starts it again, as a container's reload does: the same filter instance. */
    void restartContext() throws Exception {
        context.stop();
        context.start();
    }

    /** Stops the web application (an undeploy), its filters destroyed, the server still running. */
    void stopContext() throws Exception {
        context.stop();
    }

    int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        return client.send(request(path, headers), HttpResponse.BodyHandlers.ofString());
    }

    /** The answer's body as it came, not decoded by a charset the answer may or may not name. */
    HttpResponse<byte[]> getBytes(String path, String... headers) throws Exception {
        return client.send(request(path, headers), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    /**
     * Sends a request target byte for byte, as an attacker would, with the given extra header lines, and returns
     * the whole raw response (interim ones included), or what came of it before the server fell silent.
     */
    String raw(String method, String target, String... headerLines) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (String line : headerLines) {
                head.append(line).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(head.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                in.transferTo(got);
            } catch (SocketTimeoutException fellSilent) {
                // Jetty keeps a connection open after an interim answer, even when asked to close it.
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Sends a request's head (no {@code Connection: close} of its own) with the given extra header lines, and no
     * body whatever they declare; returns the response's head, read until its blank line.
     */
    String rawHead(String method, String target, String... headerLines) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (String line : headerLines) {
                head.append(line).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder answer = new StringBuilder();
            for (int b; answer.indexOf("\r\n\r\n") < 0 && (b = in.read()) != -1; ) {
                answer.append((char) b);
            }
            return answer.toString();
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** The paid resource (GET only, like the route that protects it): reveals the receipt it was given. */
    private final class Report extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            paidHandlerRuns.incrementAndGet();
            PaymentReceipt receipt = (PaymentReceipt) req.getAttribute(PaymentReceipt.ATTRIBUTE);
            resp.setContentType("text/plain");
            resp.setHeader("X-Receipt-Payer", receipt == null ? "none" : receipt.payer());
            resp.setHeader("X-Receipt-Transaction", receipt == null ? "none" : String.valueOf(receipt.transaction()));
            resp.getWriter().write(PAID_MARKER + " for " + req.getRequestURI());
            resp.flushBuffer();
        }
    }

    private final class Failing extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            paidHandlerRuns.incrementAndGet();
            if (req.getPathInfo() != null && req.getPathInfo().contains("throw")) {
                resp.getWriter().write(PAID_MARKER);
                throw new IllegalStateException("handler blew up");
            }
            if (req.getPathInfo() != null && req.getPathInfo().contains("status-after")) {
                // A helper on the way out sets the usual status; the container ignores it after sendError.
                resp.sendError(503, "backend down");
                resp.setStatus(200);
                return;
            }
            if (req.getPathInfo() != null && req.getPathInfo().contains("error-code")) {
                // sendError with the code of ?code=, below 400 too: the server's error answer with that status.
                resp.getWriter().write(PAID_MARKER + " partial");
                resp.sendError(Integer.parseInt(req.getParameter("code")), "see the code");
                return;
            }
            if (req.getPathInfo() != null && req.getPathInfo().contains("error-after-flush")) {
                // The paid content is on its way; a helper on the way out then tries sendError(?code=), which the
                // container refuses, and the handler carries on as it would there.
                resp.setContentType("text/plain");
                resp.getWriter().write(PAID_MARKER);
                resp.flushBuffer();
                try {
                    resp.sendError(Integer.parseInt(req.getParameter("code")));
                } catch (IllegalStateException committed) {
                    resp.setHeader("X-Error-Refused", "true");
                }
                return;
            }
            if (req.getPathInfo() != null && req.getPathInfo().contains("abort")) {
                resp.getWriter().write(PAID_MARKER);
                resp.sendError(-1, "backend lost"); // Jetty: abort the connection
                return;
            }
            resp.getWriter().write(PAID_MARKER + " partial");
            resp.sendError(500, "backend down");
        }
    }

    private final class Big extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            paidHandlerRuns.incrementAndGet();
            OutputStream out = resp.getOutputStream();
            byte[] chunk = (PAID_MARKER + "\n").repeat(64).getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 4096; i++) {
                    out.write(chunk);
                }
            } catch (IOException swallowed) {
                // A careless handler: ignores the failure and returns normally.
            }
        }
    }

    /**
     * Writes {@code ?bytes=n} bytes of paid content through its writer and returns without flushing it, as most
     * servlets do: the container flushes a writer it handed out when the response is completed.
     */
    private final class Unflushed extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            paidHandlerRuns.incrementAndGet();
            int n = Integer.parseInt(req.getParameter("bytes"));
            String line = PAID_MARKER + "\n";
            resp.setContentType("text/plain");
            resp.getWriter().write(line.repeat(n / line.length() + 1), 0, n);
        }
    }

    /** Sends a 103 Early Hints interim answer (Jetty's sendError(103)), then its paid content. */
    private final class EarlyHints extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            paidHandlerRuns.incrementAndGet();
            resp.setHeader("Link", "</report.css>; rel=preload; as=style");
            resp.sendError(103);
            resp.setContentType("text/plain");
            resp.getWriter().write(PAID_MARKER + " after early hints");
        }
    }

    /** Text with accents, of the type {@code ?type=} names (no charset), written through the writer. */
    private static final class Accented extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType(req.getParameter("type"));
            resp.getWriter().write(PAID_MARKER + ": caf\u00e9 cr\u00e8me");
        }
    }

    /**
     * Writes its paid content, which commits the container's response ({@code ?commit=flush}: it flushes;
     * {@code ?commit=size}: it writes more than the response buffer holds; {@code ?commit=grown}: that, then it tries to
     * enlarge the buffer, which a container refuses once content was written; {@code ?commit=writer}: a little more
     * than the buffer holds, through the writer), then fails and sets 500, which the
     * container ignores once the response is committed.
     */
    private final class FailingLate extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            paidHandlerRuns.incrementAndGet();
            resp.setContentType("text/plain");
            if ("writer".equals(req.getParameter("commit"))) {
                String line = PAID_MARKER + "\n";
                int n = resp.getBufferSize() + 100;
                resp.getWriter().write(line.repeat(n / line.length() + 1), 0, n);
            } else if ("size".equals(req.getParameter("commit")) || "grown".equals(req.getParameter("commit"))) {
                resp.getOutputStream().write((PAID_MARKER + "\n").repeat(resp.getBufferSize() / 10)
                        .getBytes(StandardCharsets.US_ASCII));
                if ("grown".equals(req.getParameter("commit"))) {
                    try {
                        resp.setBufferSize(4 * resp.getBufferSize());
                    } catch (IllegalStateException tooLate) {
                        // as a container answers it: the content is already on its way
                    }
                }
            } else {
                resp.getWriter().write(PAID_MARKER);
                resp.flushBuffer();
            }
            try {
                throw new IllegalStateException("the audit log is down");
            } catch (IllegalStateException e) {
                resp.setStatus(500);
            }
        }
    }

    /**
     * Begins an answer with the writer, thinks better of it, resets the response and answers with the output stream,
     * as the Servlet specification allows ("the state of calling getWriter() or getOutputStream() is also cleared").
     */
    private final class Resetting extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            paidHandlerRuns.incrementAndGet();
            resp.setContentType("text/html");
            resp.getWriter().write("<p>draft</p>");
            resp.reset();
            resp.setContentType("application/octet-stream");
            resp.getOutputStream().write((PAID_MARKER + " as bytes").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Flushes its paid content, then redirects, which a container refuses once the answer is committed. */
    private final class MovedLate extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            paidHandlerRuns.incrementAndGet();
            resp.setContentType("text/plain");
            resp.getWriter().write(PAID_MARKER);
            resp.flushBuffer();
            resp.sendRedirect("/premium/elsewhere");
        }
    }

    private static final class Free extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write("free");
        }
    }

    /** A free page that forwards or includes the paid one. */
    private static final class Dispatching extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws jakarta.servlet.ServletException, IOException {
            var dispatcher = req.getRequestDispatcher("/premium/report");
            if (req.getPathInfo() != null && req.getPathInfo().contains("include")) {
                resp.getWriter().write("before ");
                dispatcher.include(req, resp);
            } else {
                dispatcher.forward(req, resp);
            }
        }
    }
}
