package dev.tollgate.store.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The Redis server this machine runs (`.ci/run` starts it); tests are skipped, with the reason, without it. */
final class LocalRedis {
    static final String HOST = "127.0.0.1";
    static final int PORT = 6379;
    static final String URL = "redis://" + HOST + ":" + PORT;

    private LocalRedis() {
    }

    private static volatile String problem;
    private static volatile boolean probed;

    /** Call per test (in {@code @BeforeEach}): Surefire counts an abort in {@code @BeforeAll} as no test at all. */
    static void assumeReachable() {
        assumeTrue(reachable(), "Redis not reachable at " + HOST + ":" + PORT + ": " + problem);
    }

    static synchronized boolean reachable() {
        if (!probed) {
            problem = problem();
            probed = true;
            if (problem != null) {
                // Surefire's console shows only a count of skips; say once why, where CI logs show it.
                System.err.println("[tollgate] skipping Redis tests: Redis not reachable at " + HOST + ":" + PORT
                        + ": " + problem);
            }
        }
        return problem == null;
    }

    /** A key prefix no other test run uses. */
    static String uniquePrefix() {
        return "tollgate-test:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /** The settings both instances of a cluster test share: this run's own key prefix. */
    static Map<String, String> ledgerSettings(String prefix) {
        return Map.of("ledger", "redis", "ledger.url", URL, "ledger.keyPrefix", prefix);
    }

    /** Removes every key a test run wrote under its prefix. */
    static void deleteKeys(String prefix) {
        RedisClient raw = RedisClient.create(URL);
        try (StatefulRedisConnection<String, String> c = raw.connect()) {
            List<String> keys = c.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                c.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            raw.shutdown();
        }
    }

    private static String problem() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, PORT), 500);
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] reply = new byte[7];
            int n = in.readNBytes(reply, 0, reply.length);
            String text = new String(reply, 0, n, StandardCharsets.US_ASCII);
            return text.startsWith("+PONG") ? null : "PING answered \"" + text.strip() + "\"";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
