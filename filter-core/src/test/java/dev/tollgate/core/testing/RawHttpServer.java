package dev.tollgate.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The socket half of the raw facilitator doubles: a loopback listener, one daemon thread per connection, and
 * the counts a test reads to see whether a client reuses, piles up or leaks connections. What a connection
 * does with its requests is the double's; HTTP is read here only as far as those doubles need it.
 */
final class RawHttpServer implements AutoCloseable {
    /** One request as read off the wire; its body is what Content-Length promised, up to 1 MiB. */
    record Request(String path, String body) {
    }

    /** Serves one accepted connection; the socket is closed when it returns or throws. */
    @FunctionalInterface
    interface Connection {
        void serve(Socket socket) throws IOException, InterruptedException;
    }

    private static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_BODY = 1 << 20;

    private final ServerSocket server;
    private final String name;
    private final Connection connection;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger openMax = new AtomicInteger();
    private volatile boolean closed;

    RawHttpServer(String name, int backlog, Connection connection) throws IOException {
        this.server = new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
        this.name = name;
        this.connection = connection;
        Thread acceptor = new Thread(this::accept, name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int acceptedConnections() {
        return accepted.get();
    }

    /** Connections open right now on this side (the client's side may still hold them). */
    int openConnections() {
        return open.size();
    }

    int maxOpenConnections() {
        return openMax.get();
    }

    /** The most ever open starts again from those open now. */
    void resetMaxOpen() {
        openMax.set(open.size());
    }

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
            openMax.accumulateAndGet(open.size(), Math::max);
            Thread t = new Thread(() -> serve(s), name + "-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        try (s) {
            connection.serve(s);
        } catch (IOException | InterruptedException e) {
            // the client went away, or the double was closed: either ends this connection
        } finally {
            open.remove(s);
        }
    }

    /**
     * Reads one HTTP/1.1 request (Content-Length bodies only, as the clients under test send); null at the end
     * of the stream, or when the head runs past 64 KiB.
     */
    static Request read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0; // how much of CR LF CR LF has been seen
        while (state < 4) {
            int b = in.read();
            if (b == -1 || head.size() >= MAX_HEAD) {
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
        byte[] body = in.readNBytes(Math.min(length, MAX_BODY));
        return new Request(text.split(" ", 3)[1], new String(body, StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
