package dev.tollgate.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.Hold;
import dev.tollgate.core.ledger.ReplayLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What a replay ledger shared by several servers must do, whatever stores it: run against two instances over
 * one store, as two servers behind a load balancer would hold them. A store's test extends it, opens both
 * before each test (the store absent: skipped, with the reason) and says how its storage shows a key.
 */
public abstract class SharedReplayLedgerContract<L extends ReplayLedger> {
    private static final int RACERS = 50;

    /** The first instance; the one whose held claims are counted. */
    protected L ledger;
    /** A second instance over the same store. */
    protected L other;

    /** Claims {@link #ledger} holds in memory to release or settle later. */
    protected abstract int heldClaims();

    /** The store keeps {@code key} as settled for at least 50 more seconds. */
    protected abstract void assertKeptSettled(String key) throws Exception;

    /** The store holds nothing for {@code key}. */
    protected abstract void assertNothingStored(String key) throws Exception;

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
            assertEquals(1, racedClaims("race-" + round), "winners in round " + round);
        }
    }

    @Test
    void fiftyConcurrentClaimsOfALapsedClaimHaveExactlyOneWinner() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("stale", Instant.now().plusMillis(100)));
        Thread.sleep(250);
        assertEquals(1, racedClaims("stale"));
    }

    /** How many of {@value #RACERS} claims of {@code key}, let go at once from both instances, won. */
    private int racedClaims(String key) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ClaimResult>> results = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                L l = i % 2 == 0 ? ledger : other;
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
            return won;
        } finally {
            pool.shutdownNow();
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
    void aSettledKeyStaysTakenUntilTheSettledUntilAndCannotBeReleased() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("paid", Instant.now().plusMillis(300)));
        ledger.settled("paid", inSeconds(60));
        ledger.release("paid");
        Thread.sleep(450);
        assertEquals(ClaimResult.DUPLICATE, other.claim("paid", inSeconds(60)));
        assertKeptSettled("paid");
        assertEquals(0, heldClaims());
    }

    /**
     * A slow request settles after its claim lapsed, and another instance has claimed the proof again meanwhile: the
     * settlement's mark, due to end already, must keep the key at least as long as the later claim held it, never
     * free it under the request still working.
     */
    @Test
    void aSettlementMarkedAfterItsClaimLapsedKeepsTheKeyAsLongAsTheClaimTakenSince() throws Exception {
        Instant lapsing = Instant.now().plusMillis(200);
        assertEquals(ClaimResult.CLAIMED, ledger.claim("late", lapsing));
        Thread.sleep(350);
        assertEquals(ClaimResult.CLAIMED, other.claim("late", inSeconds(60)));
        ledger.settled("late", lapsing);
        assertEquals(ClaimResult.DUPLICATE, ledger.claim("late", inSeconds(60)));
        assertKeptSettled("late");
    }

    /**
     * One instance holds a key twice: a slow request's claim lapsed and the payer's retry claimed the proof again here.
     * The retry's release names its own claim, and must free the key even while the slow request's claim is still
     * remembered here.
     */
    @Test
    void aReleaseFreesTheClaimItNamesThoughAnOlderLapsedClaimOfTheKeyIsStillRemembered() throws Exception {
        Instant lapsing = Instant.now().plusMillis(200);
        assertEquals(ClaimResult.CLAIMED, ledger.claim("twice", lapsing));
        Thread.sleep(350);
        Instant retry = inSeconds(60);
        assertEquals(ClaimResult.CLAIMED, ledger.claim("twice", retry));
        ledger.release("twice", retry);
        assertEquals(ClaimResult.CLAIMED, other.claim("twice", inSeconds(60)), "the retry's release left its claim held");
    }

    /** A release made twice for the lapsed claim must not end the claim taken since on the same instance. */
    @Test
    void aDuplicateReleaseOfALapsedClaimDoesNotFreeTheClaimTakenSinceOnTheSameInstance() throws Exception {
        Instant lapsing = Instant.now().plusMillis(200);
        assertEquals(ClaimResult.CLAIMED, ledger.claim("dup", lapsing));
        Thread.sleep(350);
        assertEquals(ClaimResult.CLAIMED, ledger.claim("dup", inSeconds(60)));
        ledger.release("dup", lapsing);
        ledger.release("dup", lapsing);
        assertEquals(ClaimResult.DUPLICATE, other.claim("dup", inSeconds(60)), "a duplicate release freed the later claim");
    }

    @Test
    void aReleasedKeyCanBeClaimedAgain() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("retry", inSeconds(60)));
        ledger.release("retry");
        assertNothingStored("retry");
        assertEquals(ClaimResult.CLAIMED, other.claim("retry", inSeconds(60)));
        assertEquals(0, heldClaims());
    }

    @Test
    void aLateReleaseDoesNotFreeAClaimThatAnotherInstanceTookAfterOursLapsed() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("slow", Instant.now().plusMillis(200)));
        Thread.sleep(350);
        assertEquals(ClaimResult.CLAIMED, other.claim("slow", inSeconds(60)));
        ledger.release("slow");
        assertEquals(ClaimResult.DUPLICATE, ledger.claim("slow", inSeconds(60)));
    }

    /**
     * A key is whatever the gate makes of a proof or of a facilitator's transaction id: any characters, any length.
     * Each must be held as itself, never refused as a store failure (a 503, or with {@code ledger.onUnavailable=open}
     * an admission without replay protection for every copy of it).
     */
    @Test
    void keysOfAnyCharactersAndAnyLengthAreHeldEachAsItself() throws Exception {
        StringBuilder random = new StringBuilder();
        java.util.Random r = new java.util.Random(7);
        while (random.length() < 6000) {
            random.append(Integer.toHexString(r.nextInt()));
        }
        List<String> keys = List.of("nul\u0000a", "nul\u0000b", "'; DROP TABLE x; --", "a\r\nDEL b", "* ?[]{}",
                "cl\u00e9 \u043a\u043b\u044e\u0447 \ud83d\ude00", random + "1", random + "2", "");
        for (String key : keys) {
            assertEquals(ClaimResult.CLAIMED, ledger.claim(key, inSeconds(60)), "claim of " + describe(key));
        }
        for (String key : keys) {
            assertEquals(ClaimResult.DUPLICATE, other.claim(key, inSeconds(60)), "second claim of " + describe(key));
            assertEquals(Hold.CLAIMED, other.hold(key), "hold of " + describe(key));
        }
        ledger.release(keys.get(0));
        ledger.settled(keys.get(6), inSeconds(60));
        assertEquals(ClaimResult.CLAIMED, other.claim(keys.get(0), inSeconds(60)));
        assertEquals(Hold.SETTLED, other.hold(keys.get(6)));
        assertEquals(ClaimResult.DUPLICATE, other.claim(keys.get(1), inSeconds(60)));
    }

    private static String describe(String key) {
        return key.length() > 40 ? "a key of " + key.length() + " characters" : "\"" + key.replace("\u0000", "\\0") + "\"";
    }

    /**
     * A slow request's claim lapsed and another request on the same instance claimed the proof again: the slow one's
     * late release (its handler failed) must not free the claim the other still works under.
     */
    @Test
    void aLateReleaseDoesNotFreeAClaimThatTheSameInstanceTookAfterOursLapsed() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("slow", Instant.now().plusMillis(200)));
        Thread.sleep(350);
        assertEquals(ClaimResult.CLAIMED, ledger.claim("slow", inSeconds(60)));
        ledger.release("slow");
        assertEquals(ClaimResult.DUPLICATE, other.claim("slow", inSeconds(60)));
    }

    @Test
    void aKeyClaimedTwiceByOneInstanceIsFreeOnceBothItsRequestsReleasedIt() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("twice", Instant.now().plusMillis(200)));
        Thread.sleep(350);
        assertEquals(ClaimResult.CLAIMED, ledger.claim("twice", inSeconds(60)));
        ledger.release("twice");
        ledger.release("twice");
        assertEquals(ClaimResult.CLAIMED, other.claim("twice", inSeconds(60)));
        assertEquals(0, heldClaims());
    }

    @Test
    void anInstanceCannotReleaseAClaimItDoesNotHold() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("mine", inSeconds(60)));
        other.release("mine");
        assertEquals(ClaimResult.DUPLICATE, other.claim("mine", inSeconds(60)));
    }

    @Test
    void anotherInstanceTellsAClaimInProgressFromASettledKey() throws Exception {
        assertEquals(Hold.NONE, other.hold("told"));
        assertEquals(ClaimResult.CLAIMED, ledger.claim("told", inSeconds(60)));
        assertEquals(Hold.CLAIMED, other.hold("told"));
        ledger.settled("told", inSeconds(60));
        assertEquals(Hold.SETTLED, other.hold("told"));
    }

    @Test
    void aReleasedOrLapsedClaimHoldsNothing() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("let-go", inSeconds(60)));
        ledger.release("let-go");
        assertEquals(Hold.NONE, other.hold("let-go"));
        assertEquals(ClaimResult.CLAIMED, ledger.claim("lapsed", Instant.now().plusMillis(100)));
        Thread.sleep(250);
        assertEquals(Hold.NONE, other.hold("lapsed"));
    }
}
