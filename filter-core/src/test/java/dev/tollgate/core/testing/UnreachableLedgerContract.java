package dev.tollgate.core.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.PaymentIdentifierStore;
import dev.tollgate.core.ledger.ReplayLedger;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What a shared ledger does when its store is gone: every operation reports itself unavailable (which the gate
 * turns into 503, never into free content) within a bound, and nothing waits for a store that never answers.
 * Needs no store: a loopback port nobody listens on, and one that accepts connections and stays silent.
 */
public abstract class UnreachableLedgerContract {
    /** A ledger whose store is at {@code 127.0.0.1:port}, where nothing listens. */
    protected abstract ReplayLedger refusing(int port) throws Exception;

    /** A ledger whose store is at {@code 127.0.0.1:port}, which never answers; with timeouts well under 2 s. */
    protected abstract ReplayLedger silent(int port) throws Exception;

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Instant inAMinute() {
        return Instant.now().plusSeconds(60);
    }

    @Test
    void aStoreThatRefusesConnectionsMakesEveryOperationUnavailableQuickly() throws Exception {
        try (ReplayLedger ledger = refusing(closedPort())) {
            // Again after a pause: a client that reconnects in the background must not make later calls wait.
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                assertThrows(LedgerUnavailableException.class, () -> ledger.claim("k", inAMinute()));
                assertThrows(LedgerUnavailableException.class, () -> ledger.settled("k", inAMinute()));
                long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertTrue(ms < 1500, "took " + ms + " ms");
                Thread.sleep(600);
            }
        }
    }

    @Test
    void paymentIdentifiersAreUnavailableWithTheLedger() throws Exception {
        try (ReplayLedger ledger = refusing(closedPort())) {
            PaymentIdentifierStore ids = ledger.paymentIdentifiers();
            assertThrows(LedgerUnavailableException.class, () -> ids.begin("id", "fp", inAMinute()));
            assertThrows(LedgerUnavailableException.class, () -> ids.finish("id", "fp", "x", inAMinute()));
            assertThrows(LedgerUnavailableException.class, () -> ids.abandon("id", "fp"));
        }
    }

    @Test
    void aStoreThatNeverAnswersMakesAClaimUnavailableWithinTheTimeout() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket quiet = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(quiet.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (ReplayLedger ledger = silent(quiet.getLocalPort())) {
                long start = System.nanoTime();
                assertThrows(LedgerUnavailableException.class, () -> ledger.claim("k", inAMinute()));
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
