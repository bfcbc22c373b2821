package dev.tollgate.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two connection pools to the local PostgreSQL for one test class, as two instances of an application hold
 * them, and per test a fresh table with a ledger on each pool, dropped afterwards with the tables beside it.
 * Register it as a static {@code @RegisterExtension} field; where PostgreSQL is absent, the test is skipped
 * with the reason.
 */
final class TwoPools implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final int size;
    private final int purgeBatch;
    private HikariDataSource firstPool;
    private HikariDataSource secondPool;
    private String table;
    private JdbcReplayLedger first;
    private JdbcReplayLedger second;

    /** {@code purgeBatch}: how many lapsed rows the first ledger purges at a time. */
    TwoPools(int size, int purgeBatch) {
        this.size = size;
        this.purgeBatch = purgeBatch;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (LocalPostgres.reachable()) {
            firstPool = LocalPostgres.pool(size);
            secondPool = LocalPostgres.pool(size);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (firstPool != null) {
            firstPool.close();
            secondPool.close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        LocalPostgres.assumeReachable();
        table = LocalPostgres.uniqueTable();
        first = JdbcReplayLedger.builder(firstPool).table(table).createTable(true).purgeBatch(purgeBatch).build();
        second = JdbcReplayLedger.builder(secondPool).table(table).createTable(true).build();
    }

    @Override
    public void afterEach(ExtensionContext context) throws SQLException {
        if (first == null) {
            return;
        }
        first.close();
        second.close();
        first = null;
        second = null;
        LocalPostgres.dropLedgerTables(table);
    }

    HikariDataSource firstPool() {
        return firstPool;
    }

    String table() {
        return table;
    }

    JdbcReplayLedger first() {
        return first;
    }

    JdbcReplayLedger second() {
        return second;
    }
}
