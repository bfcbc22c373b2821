package dev.tollgate.store.redis;

import dev.tollgate.servlet.testing.SharedLedgerClusterSpec;
import java.util.Map;

/** Two Tollgate instances behind an imaginary load balancer, sharing one Redis ledger. */
class RedisClusterTest extends SharedLedgerClusterSpec {
    private final String prefix = LocalRedis.uniquePrefix();

    @Override
    protected void assumeStoreReachable() {
        LocalRedis.assumeReachable();
    }

    @Override
    protected Map<String, String> ledgerSettings() {
        return LocalRedis.ledgerSettings(prefix);
    }

    @Override
    protected void cleanUp() {
        LocalRedis.deleteKeys(prefix);
    }
}
