package dev.tollgate.store.jdbc;

import dev.tollgate.servlet.testing.SharedLedgerClusterSpec;
import java.util.Map;

/** Two Tollgate instances behind an imaginary load balancer, sharing one PostgreSQL ledger table. */
class JdbcClusterTest extends SharedLedgerClusterSpec {
    private final String table = LocalPostgres.uniqueTable();

    @Override
    protected void assumeStoreReachable() {
        LocalPostgres.assumeReachable();
    }

    @Override
    protected Map<String, String> ledgerSettings() {
        // Both instances create the table at start-up, as two nodes deployed together would.
        return Map.of("ledger", "jdbc", "ledger.url", LocalPostgres.URL, "ledger.user", LocalPostgres.user(),
                "ledger.table", table, "ledger.createTable", "true", "ledger.poolSize", "8");
    }

    @Override
    protected void cleanUp() throws Exception {
        LocalPostgres.dropLedgerTables(table);
    }
}
