package dev.tollgate.store.redis;

import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.testing.UnreachableLedgerContract;
import java.time.Duration;

/** No Redis needed: a closed port, and a port that accepts connections but never answers. */
class RedisUnreachableTest extends UnreachableLedgerContract {
    @Override
    protected ReplayLedger refusing(int port) {
        return RedisReplayLedger.create("redis://127.0.0.1:" + port, "t:", Duration.ofMillis(500),
                Duration.ofMillis(500));
    }

    @Override
    protected ReplayLedger silent(int port) {
        return RedisReplayLedger.create("redis://127.0.0.1:" + port, "t:", Duration.ofMillis(500),
                Duration.ofMillis(700));
    }
}
