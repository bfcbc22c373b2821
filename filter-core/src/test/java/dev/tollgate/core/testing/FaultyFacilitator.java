package dev.tollgate.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A facilitator that misbehaves at the socket level, where {@link FacilitatorDouble} (a well-behaved HTTP
 * server) cannot: it hangs, trickles, resets the connection, answers bytes that are not HTTP, truncates its
 * JSON, or sends a body of any size. One raw socket per connection, one daemon thread each; it counts the
 * connections open at once, the most ever open, and every request it read, so a test can show that a client
 * gives up in time and does not pile connections up.
 */
public final class FaultyFacilitator implements AutoCloseable {

    /** What to do with one request, given its path ("/verify", "/settle") and the raw connection. */
    @FunctionalInterface
    public interface Fault {
        void act(String path, String requestBody, Socket socket) throws IOException, InterruptedException;
    }

    private final AtomicInteger requests = new AtomicInteger();
    private volatile Fault verify = json(200, "{\"isValid\":true}");
    private volatile Fault settle = json(200, "{\"success\":true,\"transaction\":\"0x01\"}");
    private final RawHttpServer server;

    public FaultyFacilitator() throws IOException {
        server = new RawHttpServer("faulty-facilitator", 200, this::serve);
    }

    public String url() {
        return server.url();
    }

    public FaultyFacilitator onVerify(Fault f) {
        verify = f;
        return this;
    }

    public FaultyFacilitator onSettle(Fault f) {
        settle = f;
        return this;
    }

    /** Connections open right now (the client's side may still hold them). */
    public int openConnections() {
        return server.openConnections();
    }

    public int maxOpenConnections() {
        return server.maxOpenConnections();
    }

    public int requests() {
        return requests.get();
    }

    public void resetCounts() {
        server.resetMaxOpen();
        requests.set(0);
    }

    // --- faults ---

    /** A well-formed HTTP answer. */
    public static Fault json(int status, String body, String... headers) {
        return (path, req, s) -> write(s, status, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** Reads the request, then says nothing until the client hangs up (or the double closes). */
    public static Fault hang() {
        return (path, req, s) -> {
            InputStream in = s.getInputStream();
            while (in.read() != -1) {
                // the client may send nothing more; read() returns -1 once it closes its side
            }
        };
    }

    /** Answers correctly, but only after {@code delay}. */
    public static Fault slow(Duration delay, int status, String body) {
        return (path, req, s) -> {
            Thread.sleep(delay.toMillis());
            write(s, status, body.getBytes(StandardCharsets.UTF_8));
        };
    }

    /** Sends the headers and then the body one byte every {@code every}: a trickle that never ends in time. */
    public static Fault trickle(Duration every) {
        return (path, req, s) -> {
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 100_000; i++) {
                out.write(' ');
                out.flush();
                Thread.sleep(every.toMillis());
            }
        };
    }

    /** Closes with a TCP RST as soon as the request has been read. */
    public static Fault reset() {
        return (path, req, s) -> {
            s.setSoLinger(true, 0);
            s.close();
        };
    }

    /** Answers bytes that are not HTTP at all (what a TLS-only or non-HTTP service looks like to a client). */
    public static Fault garbage() {
        return (path, req, s) -> {
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03, 0x03});
            out.write("\u0000\u00ff not http at all \r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            s.close();
        };
    }

    /** Promises a JSON body, sends half of it, and closes. */
    public static Fault truncated(String body) {
        return (path, req, s) -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b, 0, b.length / 2);
            out.flush();
            s.close();
        };
    }

    /** A 200 whose JSON body is {@code bytes} long: a whitespace-padded object, produced on the fly. */
    public static Fault hugeBody(long bytes) {
        return (path, req, s) -> {
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bytes + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            chunk[0] = '{';
            long left = bytes;
            boolean first = true;
            try {
                while (left > 0) {
                    int n = (int) Math.min(chunk.length, left);
                    if (left == n) {
                        chunk[n - 1] = '}';
                    }
                    out.write(chunk, 0, n);
                    if (first) {
                        chunk[0] = ' ';
                        first = false;
                    }
                    left -= n;
                }
            } catch (SocketException clientGaveUp) {
                // expected: a bounded client stops reading and closes
            }
        };
    }

    public static void write(Socket s, int status, byte[] body, String... headers) throws IOException {
        StringBuilder h = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\n")
                .append("Content-Type: application/json\r\nContent-Length: ").append(body.length)
                .append("\r\nConnection: close\r\n");
        for (String header : headers) {
            h.append(header).append("\r\n");
        }
        h.append("\r\n");
        OutputStream out = s.getOutputStream();
        out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    // --- the server ---

    /** One request per connection: read it, count it, and let the path's fault decide the rest. */
    private void serve(Socket s) throws IOException, InterruptedException {
        RawHttpServer.Request request = RawHttpServer.read(s.getInputStream());
        if (request == null) {
            return;
        }
        requests.incrementAndGet();
        Fault f = request.path().toLowerCase(Locale.ROOT).contains("/settle") ? settle : verify;
        f.act(request.path(), request.body(), s);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
