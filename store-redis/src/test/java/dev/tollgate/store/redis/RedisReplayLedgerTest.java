package dev.tollgate.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisReplayLedgerTest {
    private static RedisClient raw;
    private static StatefulRedisConnection<String, String> rawConnection;
    private static RedisCommands<String, String> redis;

    private String prefix;
    private RedisReplayLedger ledger;
    private RedisReplayLedger other;

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

    @BeforeEach
    void open() {
        LocalRedis.assumeReachable();
        prefix = LocalRedis.uniquePrefix();
        ledger = RedisReplayLedger.create(LocalRedis.URL, prefix, Duration.ofSeconds(1), Duration.ofSeconds(2));
        other = RedisReplayLedger.create(LocalRedis.URL, prefix, Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @AfterEach
    void close() {
        if (ledger == null) {
            return;
        }
        List<String> keys = redis.keys(prefix + "*");
        if (!keys.isEmpty()) {
            redis.del(keys.toArray(String[]::new));
        }
        ledger.close();
        other.close();
    }

    private static Instant inSeconds(long s) {
        return Instant.now().plusSeconds(s);
    }

    @Test
    void theFirstClaimOfAKeyWinsAndEveryLaterOneIsADuplicate() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("k1", inSeconds(60)));
        assertEquals(ClaimResult.DUPLICATE, ledger.claim("k1", inSeconds(60)));
        assertEquals(ClaimResult.DUPLICATE, other.claim("k1", inSeconds(60)));
        assertEquals(ClaimResult.CLAIMED, other.claim("k2", inSeconds(60)));
    }

    @Test
    void fiftyConcurrentClaimsOfOneKeyFromTwoInstancesHaveExactlyOneWinner() throws Exception {
        for (int round = 0; round < 5; round++) {
            String key = "race-" + round;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(50);
            List<Future<ClaimResult>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                RedisReplayLedger l = i % 2 == 0 ? ledger : other;
                results.add(pool.submit(() -> {
                    start.await();
                    return l.claim(key, inSeconds(60));
                }));
            }
            start.countDown();
            int won = 0;
            for (Future<ClaimResult> f : results) {
                won += f.get() == ClaimResult.CLAIMED ? 1 : 0;
            }
            pool.shutdown();
            assertEquals(1, won, "winners in round " + round);
        }
    }

    @Test
    void aClaimLapsesAtItsUntilAndTheKeyCanThenBeClaimedAgain() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("short", Instant.now().plusMillis(300)));
        assertEquals(ClaimResult.DUPLICATE, other.claim("short", inSeconds(60)));
        Thread.sleep(450);
        assertEquals(ClaimResult.CLAIMED, other.claim("short", inSeconds(60)));
    }

    @Test
    void theKeyIsStoredUnderThePrefixAndRedisExpiresItAtTheClaimsUntil() throws Exception {
        Instant until = inSeconds(30);
        ledger.claim("k", until);
        assertTrue(redis.get(prefix + "k").startsWith("c:"));
        long pttl = redis.pttl(prefix + "k");
        assertTrue(pttl > 28_000 && pttl <= 30_000, "pttl " + pttl);
    }

    @Test
    void aSettledKeyStaysTakenUntilTheSettledUntilAndCannotBeReleased() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("paid", Instant.now().plusMillis(300)));
        ledger.settled("paid", inSeconds(60));
        ledger.release("paid");
        Thread.sleep(450);
        assertEquals(ClaimResult.DUPLICATE, other.claim("paid", inSeconds(60)));
        assertEquals(RedisReplayLedger.SETTLED, redis.get(prefix + "paid"));
        assertTrue(redis.pttl(prefix + "paid") > 50_000);
        assertEquals(0, ledger.heldClaims());
    }

    @Test
    void aReleasedKeyCanBeClaimedAgain() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("retry", inSeconds(60)));
        ledger.release("retry");
        assertNull(redis.get(prefix + "retry"));
        assertEquals(ClaimResult.CLAIMED, other.claim("retry", inSeconds(60)));
        assertEquals(0, ledger.heldClaims());
    }

    @Test
    void aLateReleaseDoesNotFreeAClaimThatAnotherInstanceTookAfterOursLapsed() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("slow", Instant.now().plusMillis(200)));
        Thread.sleep(350);
        assertEquals(ClaimResult.CLAIMED, other.claim("slow", inSeconds(60)));
        ledger.release("slow");
        assertEquals(ClaimResult.DUPLICATE, ledger.claim("slow", inSeconds(60)));
    }

    @Test
    void anInstanceCannotReleaseAClaimItDoesNotHold() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("mine", inSeconds(60)));
        other.release("mine");
        assertEquals(ClaimResult.DUPLICATE, other.claim("mine", inSeconds(60)));
    }

    @Test
    void aClosedLedgerReportsItselfUnavailable() {
        RedisReplayLedger closed = RedisReplayLedger.create(LocalRedis.URL, prefix, Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        closed.close();
        assertThrows(LedgerUnavailableException.class, () -> closed.claim("k", inSeconds(60)));
    }
}
