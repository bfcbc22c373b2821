package dev.tollgate.store.redis;

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
 * A loopback TCP relay in front of the local Redis that breaks the connections made through it the ways a network
 * does, without touching the shared server or its other users:
 * <ul>
 *   <li>{@link #dropAnswerTo}: the next command holding some text reaches Redis and runs, and its connection is cut
 *       as the answer comes back (the answer is lost), optionally refusing new connections for a while after;</li>
 *   <li>{@link #silence}: every connection open now goes quiet both ways without being closed, as one does whose
 *       route was lost (a NAT or firewall that forgot it, a host that vanished); new connections work;</li>
 *   <li>{@link #refuse}: new connections are closed at once, and those open now are cut.</li>
 * </ul>
 */
final class FaultyRelay implements AutoCloseable {
    private final ServerSocket server;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> dropArmed = new AtomicReference<>();
    private volatile long refuseUntilNanos;
    private volatile long refuseForMillisAfterDrop;
    private volatile int accepted;

    /** One client connection and its connection to Redis. */
    private final class Link {
        final Socket client;
        final Socket redis;
        volatile boolean silent;
        volatile boolean cutOnAnswer;

        Link(Socket client, Socket redis) {
            this.client = client;
            this.redis = redis;
        }

        void cut() {
            close(client);
            close(redis);
        }
    }

    FaultyRelay() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(() -> {
            try {
                while (true) {
                    Socket client = server.accept();
                    if (System.nanoTime() - refuseUntilNanos < 0) {
                        close(client);
                        continue;
                    }
                    accepted++;
                    Socket redis = new Socket(LocalRedis.HOST, LocalRedis.PORT);
                    Link link = new Link(client, redis);
                    links.add(link);
                    daemon(() -> commands(link));
                    daemon(() -> answers(link));
                }
            } catch (IOException closed) {
                // the relay is closed
            }
        });
    }

    String url() {
        return "redis://" + LocalRedis.HOST + ":" + server.getLocalPort();
    }

    /** Connections accepted (and passed on) so far. */
    int connections() {
        return accepted;
    }

    /**
     * The next command whose bytes hold {@code text} runs in Redis; its connection is cut as the answer comes back,
     * and new connections are refused for {@code refuseMillis} from then.
     */
    void dropAnswerTo(String text, long refuseMillis) {
        refuseForMillisAfterDrop = refuseMillis;
        dropArmed.set(text);
    }

    /** Every connection open now stops passing bytes either way, and stays open; later connections work. */
    void silence() {
        for (Link l : links) {
            l.silent = true;
        }
    }

    /** New connections are closed at once for {@code millis}; the ones open now are cut. */
    void refuse(long millis) {
        refuseUntilNanos = System.nanoTime() + millis * 1_000_000L;
        for (Link l : links) {
            l.cut();
        }
    }

    private void commands(Link link) {
        byte[] buffer = new byte[16384];
        try (InputStream in = link.client.getInputStream(); OutputStream out = link.redis.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (link.silent) {
                    continue; // swallowed, as a lost route does
                }
                String text = dropArmed.get();
                if (text != null && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains(text)
                        && dropArmed.compareAndSet(text, null)) {
                    link.cutOnAnswer = true;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // a side closed
        }
    }

    private void answers(Link link) {
        byte[] buffer = new byte[16384];
        try (InputStream in = link.redis.getInputStream(); OutputStream out = link.client.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (link.silent) {
                    continue;
                }
                if (link.cutOnAnswer) {
                    refuseUntilNanos = System.nanoTime() + refuseForMillisAfterDrop * 1_000_000L;
                    link.cut();
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // a side closed
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closed already
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "faulty-relay");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Link l : links) {
            l.cut();
        }
    }
}
