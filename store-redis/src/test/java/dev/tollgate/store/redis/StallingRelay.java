package dev.tollgate.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay in front of the local Redis that can hold back Redis's replies while passing commands on
 * at once, as a congested link does: a command then runs, and its client times out waiting for the answer.
 * Only the connections made through it are affected, not other users of the server.
 */
final class StallingRelay implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean stalled;

    StallingRelay() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(() -> {
            try {
                while (true) {
                    Socket client = server.accept();
                    Socket redis = new Socket(LocalRedis.HOST, LocalRedis.PORT);
                    sockets.add(client);
                    sockets.add(redis);
                    daemon(() -> relay(client, redis, false));
                    daemon(() -> relay(redis, client, true));
                }
            } catch (IOException closed) {
                // the relay is closed
            }
        });
    }

    String url() {
        return "redis://" + LocalRedis.HOST + ":" + server.getLocalPort();
    }

    /** While true, replies are held back (and then delivered in order); commands always go through. */
    void stall(boolean on) {
        stalled = on;
    }

    private void relay(Socket from, Socket to, boolean replies) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                while (replies && stalled) {
                    Thread.sleep(5);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // a side closed
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "stalling-relay");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        stalled = false;
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
