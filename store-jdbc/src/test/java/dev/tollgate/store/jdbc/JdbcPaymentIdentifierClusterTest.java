package dev.tollgate.store.jdbc;

import dev.tollgate.servlet.testing.PaymentIdentifierClusterSpec;
import java.util.Map;

/** The payment-identifier extension across two instances sharing one PostgreSQL database. */
class JdbcPaymentIdentifierClusterTest extends PaymentIdentifierClusterSpec {
    private final String table = LocalPostgres.uniqueTable();

    @Override
    protected void assumeStoreReachable() {
        LocalPostgres.assumeReachable();
    }

    @Override
    protected Map<String, String> ledgerSettings() {
        return Map.of("ledger", "jdbc", "ledger.url", LocalPostgres.URL, "ledger.user", LocalPostgres.user(),
                "ledger.table", table, "ledger.createTable", "true", "ledger.poolSize", "4");
    }

    @Override
    protected void cleanUp() throws Exception {
        LocalPostgres.dropLedgerTables(table);
    }
}
