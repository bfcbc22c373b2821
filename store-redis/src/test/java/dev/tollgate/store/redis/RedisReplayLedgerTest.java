package dev.tollgate.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.testing.SharedReplayLedgerContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared-ledger contract in the local Redis, through two instances sharing a key prefix, and Redis's own. */
class RedisReplayLedgerTest extends SharedReplayLedgerContract<RedisReplayLedger> {
    private static RedisClient raw;
    private static StatefulRedisConnection<String, String> rawConnection;
    private static RedisCommands<String, String> redis;

    private String prefix;

    @BeforeAll
    static void connectRaw() {
        if (!LocalRedis.reachable()) {
            return;
        }
        raw = RedisClient.create(LocalRedis.URL);
        rawConnection = raw.connect();
        redis = rawConnection.sync();
    }

    @AfterAll
    static void disconnectRaw() {
        if (raw != null) {
            rawConnection.close();
            raw.shutdown();
        }
    }

    @RegisterExtension
    final TwoLedgers instances = new TwoLedgers();

    @BeforeEach
    void open() {
        ledger = instances.first();
        other = instances.second();
        prefix = instances.prefix();
    }

    @Override
    protected int heldClaims() {
        return ledger.heldClaims();
    }

    @Override
    protected void assertKeptSettled(String key) {
        assertEquals(RedisReplayLedger.SETTLED, redis.get(prefix + key));
        assertTrue(redis.pttl(prefix + key) > 50_000, "pttl " + redis.pttl(prefix + key));
    }

    @Override
    protected void assertNothingStored(String key) {
        assertNull(redis.get(prefix + key));
    }

    @Test
    void theKeyIsStoredUnderThePrefixAndRedisExpiresItAtTheClaimsUntil() throws Exception {
        ledger.claim("k", Instant.now().plusSeconds(30));
        assertTrue(redis.get(prefix + "k").startsWith("c:"));
        long pttl = redis.pttl(prefix + "k");
        assertTrue(pttl > 28_000 && pttl <= 30_000, "pttl " + pttl);
    }

    @Test
    void aClaimWhoseAnswerCameTooLateDoesNotHoldTheProofUntilItLapses() throws Exception {
        try (StallingRelay relay = new StallingRelay();
             RedisReplayLedger slow = RedisReplayLedger.create(relay.url(), prefix, Duration.ofMillis(500),
                     Duration.ofSeconds(2))) {
            assertEquals(ClaimResult.CLAIMED, slow.claim("warm-up", Instant.now().plusSeconds(60)));
            relay.stall(true);
            // The SET reaches Redis and runs; its "OK" does not come back in time, so the gate answers 503.
            assertThrows(LedgerUnavailableException.class, () -> slow.claim("late", Instant.now().plusSeconds(60)));

            // No request holds that claim, and none will release it: it must not keep the proof for its minute
            // (a day for a proof-API payment), refusing the payer's retry as "already used".
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (redis.get(prefix + "late") != null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(ClaimResult.CLAIMED, other.claim("late", Instant.now().plusSeconds(60)));
            relay.stall(false);
        }
    }

    @Test
    void aClosedLedgerReportsItselfUnavailable() {
        RedisReplayLedger closed = RedisReplayLedger.create(LocalRedis.URL, prefix, Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        closed.close();
        assertThrows(LedgerUnavailableException.class, () -> closed.claim("k", Instant.now().plusSeconds(60)));
    }
}
