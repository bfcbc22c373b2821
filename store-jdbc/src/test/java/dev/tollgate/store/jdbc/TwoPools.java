package dev.tollgate.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two connection pools to the local PostgreSQL for one test class, as two instances of an application hold
 * them, and per test a fresh table with a ledger on each pool. Register it as a static
 * {@code @RegisterExtension} field; where PostgreSQL is absent, {@link #sharedTable} skips the test.
 */
final class TwoPools implements BeforeAllCallback, AfterAllCallback {
    private final int size;
    private HikariDataSource first;
    private HikariDataSource second;

    TwoPools(int size) {
        this.size = size;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (LocalPostgres.reachable()) {
            first = LocalPostgres.pool(size);
            second = LocalPostgres.pool(size);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (first != null) {
            first.close();
            second.close();
        }
    }

    HikariDataSource firstPool() {
        return first;
    }

    /** In {@code @BeforeEach}: the first ledger purges lapsed rows {@code purgeBatch} at a time. */
    SharedTable sharedTable(int purgeBatch) {
        LocalPostgres.assumeReachable();
        String table = LocalPostgres.uniqueTable();
        return new SharedTable(table,
                JdbcReplayLedger.builder(first).table(table).createTable(true).purgeBatch(purgeBatch).build(),
                JdbcReplayLedger.builder(second).table(table).createTable(true).build());
    }

    /** Two ledgers on one table; closing them drops it and its payment-identifier table. */
    record SharedTable(String name, JdbcReplayLedger first, JdbcReplayLedger second) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            first.close();
            second.close();
            LocalPostgres.execute("DROP TABLE IF EXISTS " + name + ", " + JdbcReplayLedger.identifierTable(name));
        }
    }
}
