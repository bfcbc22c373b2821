package dev.tollgate.store.redis;

import java.time.Duration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Per test, two ledgers on the local Redis under one fresh key prefix, as two instances of an application
 * share it; afterwards the keys are deleted and the ledgers closed. Register it as a
 * {@code @RegisterExtension} field; where Redis is absent, the test is skipped with the reason.
 */
final class TwoLedgers implements BeforeEachCallback, AfterEachCallback {
    private String prefix;
    private RedisReplayLedger first;
    private RedisReplayLedger second;

    @Override
    public void beforeEach(ExtensionContext context) {
        LocalRedis.assumeReachable();
        prefix = LocalRedis.uniquePrefix();
        first = RedisReplayLedger.create(LocalRedis.URL, prefix, Duration.ofSeconds(1), Duration.ofSeconds(2));
        second = RedisReplayLedger.create(LocalRedis.URL, prefix, Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (first == null) {
            return;
        }
        LocalRedis.deleteKeys(prefix);
        first.close();
        second.close();
        first = null;
        second = null;
    }

    String prefix() {
        return prefix;
    }

    RedisReplayLedger first() {
        return first;
    }

    RedisReplayLedger second() {
        return second;
    }
}
