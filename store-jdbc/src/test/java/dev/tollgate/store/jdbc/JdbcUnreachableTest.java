package dev.tollgate.store.jdbc;

import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.testing.UnreachableLedgerContract;
import java.util.Map;
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
}
