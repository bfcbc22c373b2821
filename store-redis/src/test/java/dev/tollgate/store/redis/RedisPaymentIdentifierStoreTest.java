package dev.tollgate.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.IdentifierRecord;
import dev.tollgate.core.ledger.PaymentIdentifierStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Payment identifiers in the local Redis, through two ledger instances sharing a key prefix. */
class RedisPaymentIdentifierStoreTest {
    private String prefix;
    private RedisReplayLedger ledger;
    private RedisReplayLedger otherLedger;
    private PaymentIdentifierStore store;
    private PaymentIdentifierStore other;

    @BeforeEach
    void open() {
        LocalRedis.assumeReachable();
        prefix = LocalRedis.uniquePrefix();
        ledger = RedisReplayLedger.create(LocalRedis.URL, prefix, Duration.ofSeconds(1), Duration.ofSeconds(2));
        otherLedger = RedisReplayLedger.create(LocalRedis.URL, prefix, Duration.ofSeconds(1), Duration.ofSeconds(2));
        store = ledger.paymentIdentifiers();
        other = otherLedger.paymentIdentifiers();
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

    private static Instant in(long ms) {
        return Instant.now().plusMillis(ms);
    }

    @Test
    void theFirstBeginTakesTheIdAndEveryInstanceThenSeesIt() throws Exception {
        assertNull(store.begin("pay_0123456789abcdef", "fp1", in(60_000)));
        assertEquals(new IdentifierRecord("fp1", null), other.begin("pay_0123456789abcdef", "fp1", in(60_000)));
        assertEquals(new IdentifierRecord("fp1", null), other.begin("pay_0123456789abcdef", "fp2", in(60_000)));
        store.finish("pay_0123456789abcdef", "fp1", "{\"settled\":true}\nwith a line", in(60_000));
        assertEquals(new IdentifierRecord("fp1", "{\"settled\":true}\nwith a line"),
                other.begin("pay_0123456789abcdef", "fp2", in(60_000)));
    }

    @Test
    void theIdIsKeptUnderThePrefixAndRedisExpiresIt() throws Exception {
        RedisClient raw = RedisClient.create(LocalRedis.URL);
        try (StatefulRedisConnection<String, String> c = raw.connect()) {
            store.begin("id-1", "fp", in(60_000));
            long ttl = c.sync().pttl(prefix + "payid:id-1");
            assertTrue(ttl > 50_000 && ttl <= 60_000, "pttl " + ttl);
        } finally {
            raw.shutdown();
        }
    }

    @Test
    void anInProgressIdLapsesAtItsUntilAndAFinishedOneAtItsOwn() throws Exception {
        store.begin("a", "fp", in(300));
        store.begin("b", "fp", in(300));
        store.finish("b", "fp", "done", in(1_500));
        Thread.sleep(450);
        assertNull(other.begin("a", "fp2", in(60_000)));
        assertEquals("done", other.begin("b", "fp2", in(60_000)).outcome());
        Thread.sleep(1_200);
        assertNull(other.begin("b", "fp2", in(60_000)));
    }

    @Test
    void abandonFreesOnlyThisFingerprintsInProgressEntry() throws Exception {
        store.begin("id", "fp", in(60_000));
        other.abandon("id", "other");
        assertTrue(other.begin("id", "fp", in(60_000)).inProgress());
        other.abandon("id", "fp");
        assertNull(store.begin("id", "fp", in(60_000)));
        store.finish("id", "fp", "done", in(60_000));
        store.abandon("id", "fp");
        assertEquals("done", store.begin("id", "fp", in(60_000)).outcome());
    }

    @Test
    void finishLeavesAnotherFingerprintsEntryAlone() throws Exception {
        store.begin("id", "fp", in(60_000));
        other.finish("id", "other", "theirs", in(60_000));
        assertEquals(new IdentifierRecord("fp", null), store.begin("id", "fp", in(60_000)));
    }

    @Test
    void fortyConcurrentBeginsFromTwoInstancesHaveExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<IdentifierRecord>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                PaymentIdentifierStore s = i % 2 == 0 ? store : other;
                results.add(pool.submit(() -> {
                    go.await();
                    return s.begin("race", "fp", in(60_000));
                }));
            }
            go.countDown();
            int winners = 0;
            for (Future<IdentifierRecord> f : results) {
                if (f.get() == null) {
                    winners++;
                }
            }
            assertEquals(1, winners);
        } finally {
            pool.shutdownNow();
        }
    }
}
