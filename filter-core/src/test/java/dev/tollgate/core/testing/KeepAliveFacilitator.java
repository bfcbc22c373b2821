package dev.tollgate.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A facilitator on raw sockets that keeps connections alive, as a real one does, and can close them the ways
 * real servers do: after an unannounced idle timeout, or with a request read and not answered. It counts the
 * connections it accepted and has open, and records every request's path, so a test can see whether a client
 * reuses connections, and that it never sends a request twice.
 */
public final class KeepAliveFacilitator implements AutoCloseable {
    public static final String VALID = "{\"isValid\":true,\"payer\":\"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\"}";
    public static final String SETTLED = "{\"success\":true,\"transaction\":\"0x01\",\"network\":\"base-sepolia\"}";

    /** What to do after reading one request; false ends (closes) the connection. */
    @FunctionalInterface
    public interface Action {
        boolean act(Socket socket) throws IOException, InterruptedException;
    }

    private final List<String> paths = new CopyOnWriteArrayList<>();
    private volatile BiFunction<String, Integer, Action> script = (path, nth) ->
            answer(200, path.endsWith("/settle") ? SETTLED : VALID);
    private final RawHttpServer server;

    public KeepAliveFacilitator() throws IOException {
        server = new RawHttpServer("keep-alive-facilitator", 50, this::serve);
    }

    public String url() {
        return server.url();
    }

    /** How each request is handled, given its path and its number on its connection (0 for the first). */
    public KeepAliveFacilitator script(BiFunction<String, Integer, Action> s) {
        script = s;
        return this;
    }

    public int acceptedConnections() {
        return server.acceptedConnections();
    }

    public int openConnections() {
        return server.openConnections();
    }

    /** Every request's path, in order. */
    public List<String> paths() {
        return paths;
    }

    public long requests(String path) {
        return paths.stream().filter(p -> p.endsWith(path)).count();
    }

    // --- actions ---

    /** Answers and keeps the connection open, announcing no keep-alive timeout. */
    public static Action answer(int status, String body) {
        return s -> {
            write(s, status, body, "");
            return true;
        };
    }

    /** Answers, then closes the connection after {@code idle} without saying so beforehand. */
    public static Action answerThenClose(int status, String body, Duration idle) {
        return s -> {
            write(s, status, body, "");
            Thread.sleep(idle.toMillis());
            return false;
        };
    }

    /** Reads the request and closes the connection without a byte of answer. */
    public static Action closeWithoutAnswer() {
        return s -> false;
    }

    /** A chunked 200 whose body never ends (until the client goes away). */
    public static Action endlessChunkedBody() {
        return s -> {
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("2000\r\n" + " ".repeat(0x2000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            out.write("1\r\n{\r\n".getBytes(StandardCharsets.US_ASCII));
            while (true) {
                out.write(chunk);
            }
        };
    }

    /** A status line, then a header that arrives one byte every {@code every} and never ends. */
    public static Action tricklingHeaders(Duration every) {
        return s -> {
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            while (true) {
                out.write('a');
                out.flush();
                Thread.sleep(every.toMillis());
            }
        };
    }

    public static void write(Socket s, int status, String body, String extraHeaders) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                + "\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    // --- the server ---

    /** Requests one after another on one connection, until the script ends it or the client closes. */
    private void serve(Socket s) throws IOException, InterruptedException {
        InputStream in = s.getInputStream();
        for (int nth = 0; ; nth++) {
            RawHttpServer.Request request = RawHttpServer.read(in);
            if (request == null) {
                return;
            }
            paths.add(request.path());
            if (!script.apply(request.path(), nth).act(s)) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
