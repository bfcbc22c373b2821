package dev.tollgate.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.testing.UnreachableLedgerContract;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** No PostgreSQL needed: a closed port, and a port that accepts connections but never answers. */
class JdbcUnreachableTest extends UnreachableLedgerContract {
    /** Built with createTable on: a database that is down at start-up must not stop the application. */
    @Override
    protected ReplayLedger refusing(int port) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/test");
        ds.setUser("postgres");
        ds.setConnectTimeout(1);
        return JdbcReplayLedger.builder(ds).createTable(true).build();
    }

    /** Through the provider, as the settings make it: its connect timeout bounds the wait. */
    @Override
    protected ReplayLedger silent(int port) {
        return new JdbcLedgerProvider().create(Map.of(
                "ledger", "jdbc",
                "ledger.url", "jdbc:postgresql://127.0.0.1:" + port + "/test",
                "ledger.user", "postgres",
                "ledger.connectTimeout", "500ms",
                "ledger.timeout", "1s"));
    }

    /**
     * Creating the table is tried again only after a lost catalog race; a database that gives no connection
     * would make each further attempt wait its whole connect timeout, with every request queued behind it.
     */
    @Test
    void aDatabaseThatGivesNoConnectionIsAskedOnceForTheTableNotThreeTimes() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        AtomicInteger connections = new AtomicInteger();
        PGSimpleDataSource ds = new PGSimpleDataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                connections.incrementAndGet();
                return super.getConnection();
            }
        };
        ds.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/test");
        ds.setUser("postgres");
        ds.setConnectTimeout(1);

        ReplayLedger ledger = JdbcReplayLedger.builder(ds).createTable(true).build();
        assertEquals(1, connections.get());
        assertThrows(LedgerUnavailableException.class, () -> ledger.claim("k", Instant.now().plusSeconds(60)));
        assertEquals(1, connections.get(), "a request right after the failure waits for no new attempt");
    }
}
