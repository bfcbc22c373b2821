package dev.tollgate.store.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.SharedPaymentIdentifierStoreContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The payment-identifier contract in the local Redis, through two ledger instances sharing a key prefix. */
class RedisPaymentIdentifierStoreTest extends SharedPaymentIdentifierStoreContract<RedisReplayLedger> {
    private String prefix;

    @RegisterExtension
    final TwoLedgers instances = new TwoLedgers();

    @BeforeEach
    void open() {
        ledger = instances.first();
        otherLedger = instances.second();
        prefix = instances.prefix();
    }

    @Test
    void theIdIsKeptUnderThePrefixAndRedisExpiresIt() throws Exception {
        RedisClient raw = RedisClient.create(LocalRedis.URL);
        try (StatefulRedisConnection<String, String> c = raw.connect()) {
            store().begin("id-1", "fp", in(60_000));
            long ttl = c.sync().pttl(prefix + "payid:id-1");
            assertTrue(ttl > 50_000 && ttl <= 60_000, "pttl " + ttl);
        } finally {
            raw.shutdown();
        }
    }
}
