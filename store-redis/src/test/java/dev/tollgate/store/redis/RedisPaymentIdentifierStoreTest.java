package dev.tollgate.store.redis;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.IdentifierRecord;
import dev.tollgate.core.ledger.LedgerUnavailableException;

import dev.tollgate.core.testing.SharedPaymentIdentifierStoreContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
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

    @Test
    void aBeginWhoseAnswerCameTooLateDoesNotLeaveTheIdInProgressUntilItLapses() throws Exception {
        RedisClient raw = RedisClient.create(LocalRedis.URL);
        try (StallingRelay relay = new StallingRelay();
             RedisReplayLedger slow = RedisReplayLedger.create(relay.url(), prefix, Duration.ofMillis(500),
                     Duration.ofSeconds(2));
             StatefulRedisConnection<String, String> c = raw.connect()) {
            assertNull(slow.paymentIdentifiers().begin("warm-up-0123456789", "fp", in(60_000)));
            relay.stall(true);
            // The script runs in Redis; its answer does not come back in time, so the gate answers 503.
            assertThrows(LedgerUnavailableException.class,
                    () -> slow.paymentIdentifiers().begin("late-0123456789ab", "fp", in(60_000)));

            // Nobody will finish or abandon that request: the payer's retry must not be told "in progress"
            // for the id's whole lifetime.
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (c.sync().get(prefix + "payid:late-0123456789ab") != null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertNull(other().begin("late-0123456789ab", "fp", in(60_000)));
            relay.stall(false);
        } finally {
            raw.shutdown();
        }
    }

    @Test
    void aBeginWhoseAnswerWasLostLeavesTheIdInProgressForTheRequestThatHoldsIt() throws Exception {
        // The first request with this id and payload holds it, on another instance, and is still settling.
        assertNull(other().begin("held-0123456789ab", "fp", in(60_000)));
        try (StallingRelay relay = new StallingRelay();
             RedisReplayLedger slow = RedisReplayLedger.create(relay.url(), prefix, Duration.ofMillis(500),
                     Duration.ofSeconds(2))) {
            assertNull(slow.paymentIdentifiers().begin("warm-up-0123456789", "fp", in(60_000)));
            relay.stall(true);
            // The payer's retry: its begin finds the id taken and changes nothing, but its answer is lost.
            assertThrows(LedgerUnavailableException.class,
                    () -> slow.paymentIdentifiers().begin("held-0123456789ab", "fp", in(60_000)));
            relay.stall(false);
            // A command on the same connection: whatever was queued behind the lost begin has run when it answers.
            assertNull(slow.paymentIdentifiers().begin("after-0123456789ab", "fp", in(60_000)));
        }

        // The retry made no mark, so it must take none away: the request holding the id is still in progress.
        IdentifierRecord held = other().begin("held-0123456789ab", "fp", in(60_000));
        assertNotNull(held, "the id of a request still in progress was freed by another request's lost answer");
        assertTrue(held.inProgress());
    }
}
