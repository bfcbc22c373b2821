package dev.tollgate.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.ReplayLedger;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** No PostgreSQL needed: a closed port, and a port that accepts connections but never answers. */
class JdbcUnreachableTest {

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aDatabaseThatRefusesConnectionsMakesEveryOperationUnavailableQuickly() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:" + closedPort() + "/test");
        ds.setUser("postgres");
        ds.setConnectTimeout(1);
        try (JdbcReplayLedger ledger = JdbcReplayLedger.builder(ds).createTable(true).build()) {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                assertThrows(LedgerUnavailableException.class, () -> ledger.claim("k", Instant.now().plusSeconds(60)));
                long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertTrue(ms < 1500, "took " + ms + " ms");
                Thread.sleep(600);
            }
        }
    }

    @Test
    void paymentIdentifiersAreUnavailableWithTheLedger() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:" + closedPort() + "/test");
        ds.setUser("postgres");
        ds.setConnectTimeout(1);
        try (JdbcReplayLedger ledger = JdbcReplayLedger.builder(ds).build()) {
            var ids = ledger.paymentIdentifiers();
            assertThrows(LedgerUnavailableException.class, () -> ids.begin("id", "fp", Instant.now().plusSeconds(60)));
            assertThrows(LedgerUnavailableException.class,
                    () -> ids.finish("id", "fp", "x", Instant.now().plusSeconds(60)));
            assertThrows(LedgerUnavailableException.class, () -> ids.abandon("id", "fp"));
        }
    }

    @Test
    void aDatabaseThatNeverAnswersMakesAClaimUnavailableWithinTheConnectTimeout() throws Exception {
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
            try (ReplayLedger ledger = new JdbcLedgerProvider().create(Map.of(
                    "ledger", "jdbc",
                    "ledger.url", "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/test",
                    "ledger.user", "postgres",
                    "ledger.connectTimeout", "500ms",
                    "ledger.timeout", "1s"))) {
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
