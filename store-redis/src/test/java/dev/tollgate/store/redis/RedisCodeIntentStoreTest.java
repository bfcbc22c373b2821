package dev.tollgate.store.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.code.CreatedIntent;
import dev.tollgate.core.testing.SharedCodeIntentStoreContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Code intent contract in the local Redis, through two ledger instances sharing a key prefix. */
class RedisCodeIntentStoreTest extends SharedCodeIntentStoreContract<RedisReplayLedger> {
    private String prefix;

    @RegisterExtension
    final TwoLedgers instances = new TwoLedgers();

    @BeforeEach
    void open() {
        ledger = instances.first();
        otherLedger = instances.second();
        prefix = instances.prefix();
    }

    @Override
    protected void storeRaw(String id, String text) {
        RedisClient raw = RedisClient.create(LocalRedis.URL);
        try (StatefulRedisConnection<String, String> c = raw.connect()) {
            c.sync().setex(prefix + RedisCodeIntentStore.KEY_PART + id, 60, text);
        } finally {
            raw.shutdown();
        }
    }

    @Test
    void theIntentIsKeptUnderThePrefixAndRedisExpiresItWithTheIntent() throws Exception {
        CreatedIntent created = intent(60_000);
        store().remember(created);
        RedisClient raw = RedisClient.create(LocalRedis.URL);
        try (StatefulRedisConnection<String, String> c = raw.connect()) {
            long ttl = c.sync().pttl(prefix + "intent:" + created.id());
            assertTrue(ttl > 50_000 && ttl <= 60_000, "pttl " + ttl);
        } finally {
            raw.shutdown();
        }
    }
}
