package dev.tollgate.store.redis;

import dev.tollgate.servlet.testing.PaymentIdentifierClusterSpec;
import java.util.Map;

/** The payment-identifier extension across two instances sharing one Redis. */
class RedisPaymentIdentifierClusterTest extends PaymentIdentifierClusterSpec {
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
