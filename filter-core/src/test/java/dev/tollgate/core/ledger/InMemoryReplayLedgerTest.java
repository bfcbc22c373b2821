package dev.tollgate.core.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class InMemoryReplayLedgerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A clock the test moves by hand. */
    static final class HandClock extends Clock {
        private Instant now;

        HandClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final HandClock clock = new HandClock(T0);
    private final InMemoryReplayLedger ledger = new InMemoryReplayLedger(clock);

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
}
