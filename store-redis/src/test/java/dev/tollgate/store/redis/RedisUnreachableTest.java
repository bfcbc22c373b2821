package dev.tollgate.store.redis;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.LedgerUnavailableException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** No Redis needed: a closed port, and a port that accepts connections but never answers. */
class RedisUnreachableTest {

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aStoreThatRefusesConnectionsMakesEveryOperationUnavailableQuickly() throws Exception {
        try (RedisReplayLedger ledger = RedisReplayLedger.create("redis://127.0.0.1:" + closedPort(), "t:",
                Duration.ofMillis(500), Duration.ofMillis(500))) {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                assertThrows(LedgerUnavailableException.class, () -> ledger.claim("k", Instant.now().plusSeconds(60)));
                assertThrows(LedgerUnavailableException.class, () -> ledger.settled("k", Instant.now().plusSeconds(60)));
                long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertTrue(ms < 1500, "took " + ms + " ms");
                Thread.sleep(300);
            }
        }
    }

    @Test
    void paymentIdentifiersAreUnavailableWithTheLedger() throws Exception {
        try (RedisReplayLedger ledger = RedisReplayLedger.create("redis://127.0.0.1:" + closedPort(), "t:",
                Duration.ofMillis(500), Duration.ofMillis(500))) {
            var ids = ledger.paymentIdentifiers();
            assertThrows(LedgerUnavailableException.class, () -> ids.begin("id", "fp", Instant.now().plusSeconds(60)));
            assertThrows(LedgerUnavailableException.class,
                    () -> ids.finish("id", "fp", "x", Instant.now().plusSeconds(60)));
            assertThrows(LedgerUnavailableException.class, () -> ids.abandon("id", "fp"));
        }
    }

    @Test
    void aStoreThatNeverAnswersMakesAClaimUnavailableWithinTheTimeout() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (RedisReplayLedger ledger = RedisReplayLedger.create("redis://127.0.0.1:" + silent.getLocalPort(),
                    "t:", Duration.ofMillis(500), Duration.ofMillis(700))) {
                long start = System.nanoTime();
                assertThrows(LedgerUnavailableException.class, () -> ledger.claim("k", Instant.now().plusSeconds(60)));
                long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertTrue(ms < 2000, "took " + ms + " ms");
            }
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
