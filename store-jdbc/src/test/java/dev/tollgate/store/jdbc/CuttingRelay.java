package dev.tollgate.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback TCP relay in front of the local PostgreSQL that, once armed with a piece of SQL, lets the next
 * statement containing it through and then drops its connection as the answer comes back: the statement has run
 * (and, in autocommit, committed, since PostgreSQL answers an implicit transaction after committing it) while the
 * client sees a broken connection. It can also refuse connections for a while, as a database that is down does.
 * Other connections and the server's other users are not affected.
 */
final class CuttingRelay implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> armed = new AtomicReference<>();
    private final AtomicReference<String> silenceArmed = new AtomicReference<>();
    private volatile long refuseUntilNanos;
    private volatile long refuseMillisAfterCut;

    CuttingRelay() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(() -> {
            try {
                while (true) {
                    Socket client = server.accept();
                    if (System.nanoTime() - refuseUntilNanos < 0) {
                        client.close();
                        continue;
                    }
                    Socket postgres = new Socket("127.0.0.1", 5432);
                    sockets.add(client);
                    sockets.add(postgres);
                    boolean[] cut = {false, false};
                    daemon(() -> relay(client, postgres, cut, true));
                    daemon(() -> relay(postgres, client, cut, false));
                }
            } catch (IOException closed) {
                // the relay is closed
            }
        });
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:" + server.getLocalPort() + "/test";
    }

    /** The next statement whose text contains {@code sql} loses its connection as its answer arrives. */
    void cutAfter(String sql) {
        cutAfter(sql, 0);
    }

    /** As {@link #cutAfter(String)}, and no connection is accepted for {@code refuseMillis} after the cut. */
    void cutAfter(String sql, long refuseMillis) {
        refuseMillisAfterCut = refuseMillis;
        armed.set(sql);
    }

    /**
     * The next statement whose text contains {@code sql} runs, and its connection then goes silent: its answer and
     * everything after are swallowed, and the connection stays open, as one whose route was lost does.
     */
    void silenceAfter(String sql) {
        silenceArmed.set(sql);
    }

    /** Cuts every connection open now and accepts none for {@code millis}. */
    void refuse(long millis) throws IOException {
        refuseUntilNanos = System.nanoTime() + millis * 1_000_000L;
        for (Socket s : sockets) {
            s.close();
        }
    }

    private void relay(Socket from, Socket to, boolean[] cut, boolean requests) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (requests) {
                    String quiet = silenceArmed.get();
                    if (quiet != null && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains(quiet)
                            && silenceArmed.compareAndSet(quiet, null)) {
                        synchronized (cut) {
                            cut[1] = true;
                        }
                    }
                    String sql = armed.get();
                    if (sql != null && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains(sql)
                            && armed.compareAndSet(sql, null)) {
                        synchronized (cut) {
                            cut[0] = true;
                        }
                    }
                } else {
                    synchronized (cut) {
                        if (cut[1]) {
                            continue; // silent: nothing comes back, and nothing is closed
                        }
                        if (cut[0]) {
                            refuseUntilNanos = System.nanoTime() + refuseMillisAfterCut * 1_000_000L;
                            from.close();
                            to.close();
                            return;
                        }
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // a side closed
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "cutting-relay");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
