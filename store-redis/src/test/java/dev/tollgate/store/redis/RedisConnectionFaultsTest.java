package dev.tollgate.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.Hold;
import dev.tollgate.core.ledger.IdentifierRecord;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis ledger when its connection breaks: through a {@link FaultyRelay} on loopback (the shared Redis is never
 * stopped), checked through a direct connection and a second ledger as another instance.
 */
class RedisConnectionFaultsTest {
    @RegisterExtension
    final TwoLedgers instances = new TwoLedgers();

    private FaultyRelay relay;
    private RedisClient raw;
    private StatefulRedisConnection<String, String> direct;
    private String prefix;

    @BeforeEach
    void open() throws Exception {
        relay = new FaultyRelay();
        raw = RedisClient.create(LocalRedis.URL);
        direct = raw.connect();
        prefix = instances.prefix();
    }

    @AfterEach
    void closeAll() throws Exception {
        relay.close();
        direct.close();
        raw.shutdown();
    }

    private RedisReplayLedger throughRelay(Duration timeout) {
        return RedisReplayLedger.create(relay.url(), prefix, timeout, Duration.ofSeconds(1));
    }

    private static Instant inSeconds(long s) {
        return Instant.now().plusSeconds(s);
    }

    /** Waits up to {@code seconds} for {@code key} to be gone from Redis; whether it went. */
    private boolean goneWithin(String key, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (direct.sync().get(prefix + key) != null) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Test
    void aClaimWhoseAnswerWasLostWithItsConnectionLeavesNothingHeldOnceRedisIsReachableAgain() throws Exception {
        try (RedisReplayLedger ledger = throughRelay(Duration.ofSeconds(1))) {
            assertEquals(ClaimResult.CLAIMED, ledger.claim("warm-up", inSeconds(60)));
            // The claim runs in Redis and its connection breaks before the answer arrives: the gate answers 503, and
            // the deletion of what the claim may have written cannot be sent on a connection that is down.
            relay.dropAnswerTo("lost-answer", 0);
            assertThrows(LedgerUnavailableException.class, () -> ledger.claim("lost-answer", inSeconds(60)));

            // Nobody holds that claim nor will release it: the payer's retry must not be "already used" for its
            // minute (a day for a proof-API payment).
            assertTrue(goneWithin("lost-answer", 3), "the claim was left in Redis");
        }
    }

    @Test
    void aPaymentIdentifierBeginWhoseAnswerWasLostWithItsConnectionLeavesTheIdFreeOnceRedisIsReachableAgain()
            throws Exception {
        try (RedisReplayLedger ledger = throughRelay(Duration.ofSeconds(1))) {
            assertNull(ledger.paymentIdentifiers().begin("warm-up-0123456789", "fp", inSeconds(60)));
            relay.dropAnswerTo("lost-0123456789ab", 0);
            assertThrows(LedgerUnavailableException.class,
                    () -> ledger.paymentIdentifiers().begin("lost-0123456789ab", "fp", inSeconds(60)));

            // Otherwise the payer's retry is told "in progress" (409) until the id lapses.
            assertTrue(goneWithin("payid:lost-0123456789ab", 3), "the id was left in progress");
        }
    }

    @Test
    void aClaimThatRanWhileItsConnectionWasDownPastTheTimeoutIsUndoneOnceRedisIsReachableAgain() throws Exception {
        try (RedisReplayLedger ledger = throughRelay(Duration.ofMillis(500))) {
            assertEquals(ClaimResult.CLAIMED, ledger.claim("warm-up", inSeconds(60)));
            // The claim runs, its connection breaks, and Redis cannot be reached again for 1.5 s: the gate answers 503.
            relay.dropAnswerTo("stuck", 1500);
            assertThrows(LedgerUnavailableException.class, () -> ledger.claim("stuck", inSeconds(60)));

            // Nobody holds that claim nor will release it: once Redis can be reached, it must go, not keep the proof
            // for its minute (a day for a proof-API payment) while the payer is told "already used".
            assertTrue(goneWithin("stuck", 5), "the claim was left in Redis");
            assertEquals(ClaimResult.CLAIMED, instances.second().claim("stuck", inSeconds(60)));
        }
    }

    @Test
    void aConnectionThatWentSilentIsReplacedSoThatTheLedgerComesBackWithinSeconds() throws Exception {
        try (RedisReplayLedger ledger = throughRelay(Duration.ofMillis(300))) {
            assertEquals(ClaimResult.CLAIMED, ledger.claim("warm-up", inSeconds(60)));
            relay.silence();
            assertThrows(LedgerUnavailableException.class, () -> ledger.claim("silent-0", inSeconds(60)));

            // Redis and the route to it are fine for a new connection; the old one would be given up by the operating
            // system only after many minutes of retransmissions, each request answered 503 meanwhile.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            ClaimResult result = null;
            for (int i = 1; result == null && System.nanoTime() < deadline; i++) {
                try {
                    result = ledger.claim("silent-" + i, inSeconds(60));
                } catch (LedgerUnavailableException e) {
                    Thread.sleep(100);
                }
            }
            assertEquals(ClaimResult.CLAIMED, result, "still unavailable 5 s after the connection went silent");
        }
    }

    @Test
    void aReleaseThatCouldNotBeSentIsSentOnceRedisIsReachableAgain() throws Exception {
        try (RedisReplayLedger ledger = throughRelay(Duration.ofMillis(500))) {
            assertEquals(ClaimResult.CLAIMED, ledger.claim("to-release", inSeconds(60)));
            relay.refuse(1500);
            // The handler failed, nothing was settled: the payer may present the proof again, once Redis is back,
            // not only after the claim lapses (a day for a proof-API payment, which the payer has made).
            assertThrows(LedgerUnavailableException.class, () -> ledger.release("to-release"));

            assertTrue(goneWithin("to-release", 5), "the released claim was left in Redis");
        }
    }

    @Test
    void afterAnOutageOfTenSecondsTheLedgerIsBackWithinASecondOrTwoOfRedis() throws Exception {
        try (RedisReplayLedger ledger = throughRelay(Duration.ofMillis(500))) {
            assertEquals(ClaimResult.CLAIMED, ledger.claim("warm-up", inSeconds(60)));
            relay.refuse(10_000);
            long outageEnds = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            Thread.sleep(9_000);
            long back = 0;
            for (int i = 0; back == 0 && System.nanoTime() - outageEnds < Duration.ofSeconds(20).toNanos(); i++) {
                try {
                    ledger.claim("outage-" + i, inSeconds(60));
                    back = System.nanoTime();
                } catch (LedgerUnavailableException e) {
                    Thread.sleep(50);
                }
            }
            // Every paid request gets 503 until then, although Redis answers again: the client's reconnection
            // attempts must not have backed off to many seconds apart during the outage.
            long late = Duration.ofNanos(back - outageEnds).toMillis();
            assertTrue(back != 0 && late < 2000, "back " + late + " ms after Redis could be reached again");
        }
    }

    @Test
    void aPaymentIdentifiersOutcomeThatCouldNotBeRecordedIsRecordedOnceRedisIsBack() throws Exception {
        try (RedisReplayLedger ledger = throughRelay(Duration.ofMillis(500))) {
            assertNull(ledger.paymentIdentifiers().begin("paid-0123456789ab", "fp", inSeconds(60)));
            relay.refuse(1500);
            // The payment was settled; its outcome cannot be written now.
            assertThrows(LedgerUnavailableException.class, () -> ledger.paymentIdentifiers()
                    .finish("paid-0123456789ab", "fp", "{\"settled\":true}", inSeconds(3600)));

            // The payer's retry under the id must get the paid answer once Redis is back, not 409 "in progress" and,
            // once the mark lapses, 402 "already used" for a payment it made.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            IdentifierRecord r = instances.second().paymentIdentifiers().begin("paid-0123456789ab", "fp", inSeconds(60));
            while ((r == null || r.inProgress()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
                r = instances.second().paymentIdentifiers().begin("paid-0123456789ab", "fp", inSeconds(60));
            }
            assertTrue(r != null && "{\"settled\":true}".equals(r.outcome()), "the outcome was never recorded: " + r);
        }
    }

    @Test
    void aSettlementThatCouldNotBeMarkedIsMarkedOnceRedisIsBack() throws Exception {
        try (RedisReplayLedger ledger = throughRelay(Duration.ofMillis(500))) {
            assertEquals(ClaimResult.CLAIMED, ledger.claim("paid", inSeconds(60)));
            relay.refuse(1500);
            assertThrows(LedgerUnavailableException.class, () -> ledger.settled("paid", inSeconds(60)));

            // The claim keeps the proof used meanwhile; but another instance asking must learn that it is used (a Code
            // intent presented again is then told "already used"), not that a request is still redeeming it.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (instances.second().hold("paid") != Hold.SETTLED && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(Hold.SETTLED, instances.second().hold("paid"));
        }
    }

    @Test
    void aPaymentIdentifierAbandonThatCouldNotBeSentIsMadeOnceRedisIsBack() throws Exception {
        try (RedisReplayLedger ledger = throughRelay(Duration.ofMillis(500))) {
            assertNull(ledger.paymentIdentifiers().begin("gone-0123456789ab", "fp", inSeconds(60)));
            relay.refuse(1500);
            // The handler failed and nothing was settled; the id cannot be freed now.
            assertThrows(LedgerUnavailableException.class,
                    () -> ledger.paymentIdentifiers().abandon("gone-0123456789ab", "fp"));

            // The payer's retry under the id must be admitted once Redis is back, not told 409 "in progress" until the
            // mark lapses (by when the proof it carries has expired).
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            IdentifierRecord r = instances.second().paymentIdentifiers().begin("gone-0123456789ab", "fp", inSeconds(60));
            while (r != null && System.nanoTime() < deadline) {
                Thread.sleep(50);
                r = instances.second().paymentIdentifiers().begin("gone-0123456789ab", "fp", inSeconds(60));
            }
            assertNull(r, "the id was never freed");
        }
    }
}
