package dev.tollgate.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private volatile BiFunction<String, Integer, Action> script = (path, nth) ->
            answer(200, path.endsWith("/settle") ? SETTLED : VALID);
    private volatile boolean closed;

    public KeepAliveFacilitator() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "keep-alive-facilitator-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** How each request is handled, given its path and its number on its connection (0 for the first). */
    public KeepAliveFacilitator script(BiFunction<String, Integer, Action> s) {
        script = s;
        return this;
    }

    public int acceptedConnections() {
        return accepted.get();
    }

    public int openConnections() {
        return open.size();
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

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            open.add(s);
            Thread t = new Thread(() -> serve(s), "keep-alive-facilitator-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            for (int nth = 0; ; nth++) {
                String path = readRequest(in);
                if (path == null) {
                    return;
                }
                paths.add(path);
                if (!script.apply(path, nth).act(s)) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or the double was closed
        } finally {
            open.remove(s);
        }
    }

    /** Reads one request (Content-Length bodies only); returns its path, or null at the end of the stream. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b == -1) {
                return null;
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        in.readNBytes(length);
        return text.split(" ", 3)[1];
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
