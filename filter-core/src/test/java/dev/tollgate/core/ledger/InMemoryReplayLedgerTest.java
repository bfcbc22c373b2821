package dev.tollgate.core.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.HandClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

class InMemoryReplayLedgerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final HandClock clock = new HandClock(T0);
    private final InMemoryReplayLedger ledger = new InMemoryReplayLedger(clock);

    @Test
    void aDuplicateReleaseOfALapsedClaimDoesNotFreeTheClaimTakenSinceAndTheLaterClaimsReleaseFreesIt() {
        Instant lapsing = T0.plusSeconds(60);
        assertEquals(ClaimResult.CLAIMED, ledger.claim("dup", lapsing));
        clock.advance(Duration.ofSeconds(61));
        Instant retry = T0.plusSeconds(121);
        assertEquals(ClaimResult.CLAIMED, ledger.claim("dup", retry));
        ledger.release("dup", lapsing);
        ledger.release("dup", lapsing);
        assertEquals(ClaimResult.DUPLICATE, ledger.claim("dup", T0.plusSeconds(121)));
        ledger.release("dup", retry);
        assertEquals(ClaimResult.CLAIMED, ledger.claim("dup", T0.plusSeconds(121)));
    }

    @Test
    void aFreshKeyIsClaimed() {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("k", T0.plusSeconds(60)));
    }

    @Test
    void aHeldKeyIsADuplicate() {
        ledger.claim("k", T0.plusSeconds(60));
        assertEquals(ClaimResult.DUPLICATE, ledger.claim("k", T0.plusSeconds(60)));
    }

    @Test
    void aKeyIsHeldUntilJustBeforeItsExpiry() {
        ledger.claim("k", T0.plusSeconds(60));
        clock.advance(Duration.ofSeconds(59));
        assertEquals(ClaimResult.DUPLICATE, ledger.claim("k", T0.plusSeconds(120)));
    }

    @Test
    void anExpiredClaimCanBeClaimedAgain() {
        ledger.claim("k", T0.plusSeconds(60));
        clock.advance(Duration.ofSeconds(60));
        assertEquals(ClaimResult.CLAIMED, ledger.claim("k", T0.plusSeconds(120)));
    }

    @Test
    void aReleasedKeyCanBeClaimedAgainAtOnce() {
        ledger.claim("k", T0.plusSeconds(60));
        ledger.release("k");
        assertEquals(ClaimResult.CLAIMED, ledger.claim("k", T0.plusSeconds(60)));
    }

    @Test
    void aClaimReleasedAsItWasMadeIsFree() {
        ledger.claim("k", T0.plusSeconds(60));
        ledger.release("k", T0.plusSeconds(60));
        assertEquals(ClaimResult.CLAIMED, ledger.claim("k", T0.plusSeconds(60)));
    }

    /** A slow request's late release, after its claim lapsed and another request took the key. */
    @Test
    void aLateReleaseLeavesTheClaimTakenAfterItLapsed() {
        ledger.claim("k", T0.plusSeconds(60));
        clock.advance(Duration.ofSeconds(61));
        assertEquals(ClaimResult.CLAIMED, ledger.claim("k", T0.plusSeconds(121)));
        ledger.release("k", T0.plusSeconds(60));
        assertEquals(ClaimResult.DUPLICATE, ledger.claim("k", T0.plusSeconds(121)));
        ledger.release("k", T0.plusSeconds(121));
        assertEquals(ClaimResult.CLAIMED, ledger.claim("k", T0.plusSeconds(121)));
    }

    @Test
    void aSettledKeyCannotBeReleasedByItsClaim() {
        ledger.claim("k", T0.plusSeconds(60));
        ledger.settled("k", T0.plusSeconds(60));
        ledger.release("k", T0.plusSeconds(60));
        assertEquals(ClaimResult.DUPLICATE, ledger.claim("k", T0.plusSeconds(60)));
    }

    @Test
    void aSettledKeyCannotBeReleased() {
        // ReplayLedger.settled: "never release it". The gate releases only unsettled claims, but an exception after
        // a settlement (settlement=before) takes the path that releases; a paid proof must stay used regardless.
        ledger.claim("paid", T0.plusSeconds(60));
        ledger.settled("paid", T0.plusSeconds(60));
        ledger.release("paid");
        assertEquals(ClaimResult.DUPLICATE, ledger.claim("paid", T0.plusSeconds(60)));
    }

    @Test
    void aKeyClaimedAgainAfterItsSettlementLapsedIsAPlainClaimAgain() {
        ledger.claim("k", T0.plusSeconds(60));
        ledger.settled("k", T0.plusSeconds(60));
        clock.advance(Duration.ofSeconds(60));
        assertEquals(ClaimResult.CLAIMED, ledger.claim("k", T0.plusSeconds(120)));
        ledger.release("k");
        assertEquals(ClaimResult.CLAIMED, ledger.claim("k", T0.plusSeconds(120)));
    }

    @Test
    void keysAreIndependent() {
        ledger.claim("a", T0.plusSeconds(60));
        assertEquals(ClaimResult.CLAIMED, ledger.claim("b", T0.plusSeconds(60)));
    }

    @Test
    void settlingExtendsAClaimToTheLaterInstant() {
        ledger.claim("k", T0.plusSeconds(60));
        ledger.settled("k", T0.plusSeconds(600));
        clock.advance(Duration.ofSeconds(300));
        assertEquals(ClaimResult.DUPLICATE, ledger.claim("k", T0.plusSeconds(900)));
    }

    @Test
    void settlingNeverShortensAClaim() {
        ledger.claim("k", T0.plusSeconds(600));
        ledger.settled("k", T0.plusSeconds(60));
        clock.advance(Duration.ofSeconds(300));
        assertEquals(ClaimResult.DUPLICATE, ledger.claim("k", T0.plusSeconds(900)));
    }

    @Test
    void sweepDropsOnlyExpiredEntries() {
        ledger.claim("short", T0.plusSeconds(10));
        ledger.claim("long", T0.plusSeconds(100));
        assertEquals(2, ledger.size());
        clock.advance(Duration.ofSeconds(10));
        ledger.sweep();
        assertEquals(1, ledger.size());
        assertEquals(ClaimResult.DUPLICATE, ledger.claim("long", T0.plusSeconds(200)));
    }

    @Test
    void claimsSweepExpiredEntriesOnTheirOwnSoMemoryStaysBounded() {
        for (int i = 0; i < 1000; i++) {
            ledger.claim("old" + i, T0.plusSeconds(1));
        }
        clock.advance(Duration.ofSeconds(2));
        for (int i = 0; i < 100; i++) {
            ledger.claim("new" + i, T0.plusSeconds(100));
        }
        assertEquals(true, ledger.size() < 1000, "size " + ledger.size());
    }

    @Test
    void sweepBringsTheSizeBackDownOnceEverythingExpired() {
        for (int i = 0; i < 100_000; i++) {
            ledger.claim("k" + i, T0.plusSeconds(60));
        }
        clock.advance(Duration.ofSeconds(60));
        ledger.sweep();
        assertEquals(0, ledger.size());
    }

    @Test
    void claimsAloneClearALedgerWhoseEntriesAllExpiredWithinTwiceAsManyClaimsAsItHeld() {
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            ledger.claim("old" + i, T0.plusSeconds(60));
        }
        clock.advance(Duration.ofSeconds(60));
        for (int i = 0; i < 2 * n; i++) {
            ledger.claim("new" + i, T0.plusSeconds(120));
            ledger.release("new" + i);
        }
        assertEquals(0, ledger.size());
    }

    @Test
    void ofManyThreadsClaimingTheSameKeysExactlyOneWinsEachKey() throws Exception {
        int keys = 20_000;
        AtomicIntegerArray wins = new AtomicIntegerArray(keys);
        inParallel(8, thread -> {
            for (int i = 0; i < keys; i++) {
                if (ledger.claim("k" + i, T0.plusSeconds(60)) == ClaimResult.CLAIMED) {
                    wins.incrementAndGet(i);
                }
            }
        });
        for (int i = 0; i < keys; i++) {
            assertEquals(1, wins.get(i), "claims of k" + i + " that won");
        }
        assertEquals(keys, ledger.size());
    }

    @Test
    void manyThreadsClaimingDistinctKeysAllWinAndEveryClaimIsKept() throws Exception {
        int threads = 8;
        int perThread = 25_000;
        inParallel(threads, thread -> {
            for (int i = 0; i < perThread; i++) {
                assertEquals(ClaimResult.CLAIMED, ledger.claim(thread + ":" + i, T0.plusSeconds(60)));
            }
            for (int i = 0; i < perThread; i += 2) {
                ledger.release(thread + ":" + i);
            }
        });
        assertEquals(threads * perThread / 2, ledger.size());
        for (int thread = 0; thread < threads; thread++) {
            for (int i = 0; i < perThread; i++) {
                ClaimResult expected = i % 2 == 0 ? ClaimResult.CLAIMED : ClaimResult.DUPLICATE;
                assertEquals(expected, ledger.claim(thread + ":" + i, T0.plusSeconds(60)), thread + ":" + i);
            }
        }
    }

    /** Runs {@code body} on that many threads at once, each given its number, and rethrows any failure. */
    private static void inParallel(int threads, IntConsumer body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    body.accept(thread);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
