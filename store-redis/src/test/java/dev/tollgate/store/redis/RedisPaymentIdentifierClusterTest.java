package dev.tollgate.store.redis;

import dev.tollgate.servlet.testing.PaymentIdentifierClusterSpec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
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
        return Map.of("ledger", "redis", "ledger.url", LocalRedis.URL, "ledger.keyPrefix", prefix);
    }

    @Override
    protected void cleanUp() {
        RedisClient raw = RedisClient.create(LocalRedis.URL);
        try (StatefulRedisConnection<String, String> c = raw.connect()) {
            List<String> keys = c.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                c.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            raw.shutdown();
        }
    }
}
