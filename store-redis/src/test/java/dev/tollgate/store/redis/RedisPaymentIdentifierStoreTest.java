package dev.tollgate.store.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.SharedPaymentIdentifierStoreContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The payment-identifier contract in the local Redis, through two ledger instances sharing a key prefix. */
class RedisPaymentIdentifierStoreTest extends SharedPaymentIdentifierStoreContract<RedisReplayLedger> {
    private String prefix;

    @BeforeEach
    void open() {
        LocalRedis.assumeReachable();
        prefix = LocalRedis.uniquePrefix();
        ledger = RedisReplayLedger.create(LocalRedis.URL, prefix, Duration.ofSeconds(1), Duration.ofSeconds(2));
        otherLedger = RedisReplayLedger.create(LocalRedis.URL, prefix, Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @AfterEach
    void close() {
        if (ledger == null) {
            return;
        }
        LocalRedis.deleteKeys(prefix);
        ledger.close();
        otherLedger.close();
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
