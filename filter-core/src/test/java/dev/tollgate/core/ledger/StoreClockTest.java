package dev.tollgate.core.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.CapturedLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a store's clock is reported as too far from this instance's, and how far. */
class StoreClockTest {
    private static final Instant SENT = Instant.parse("2026-12-07T10:00:00Z");
    private static final Instant ANSWERED = SENT.plusMillis(400);
    private static final String STORE = "Redis at 127.0.0.1:6379";

    private final CapturedLog log = CapturedLog.warningsOf("dev.tollgate.ledger");

    @AfterEach
    void stop() {
        log.close();
    }

    private String onlyWarning() {
        List<String> warnings = log.warnings();
        assertEquals(1, warnings.size(), "warnings: " + warnings);
        return warnings.get(0);
    }

    @Test
    void aStoreReadingItsClockWithinTheRoundTripIsInStep() {
        assertEquals(Duration.ZERO, StoreClock.check(STORE, SENT.plusMillis(200), SENT, ANSWERED));
        assertEquals(Duration.ZERO, StoreClock.check(STORE, SENT, SENT, ANSWERED));
        assertEquals(Duration.ZERO, StoreClock.check(STORE, ANSWERED, SENT, ANSWERED));
        assertEquals(List.of(), log.warnings());
    }

    @Test
    void aSkewWithinTheToleranceIsMeasuredButNotReported() {
        assertEquals(Duration.ofSeconds(30), StoreClock.check(STORE, ANSWERED.plusSeconds(30), SENT, ANSWERED));
        assertEquals(Duration.ofSeconds(-30), StoreClock.check(STORE, SENT.minusSeconds(30), SENT, ANSWERED));
        assertEquals(List.of(), log.warnings());
    }

    @Test
    void aStoreAheadByMoreThanTheToleranceIsReportedNamingItAndTheSkew() {
        assertEquals(Duration.ofSeconds(90), StoreClock.check(STORE, ANSWERED.plusSeconds(90), SENT, ANSWERED));
        String warning = onlyWarning();
        assertTrue(warning.contains(STORE + " is 90 s ahead of this instance's"), warning);
        assertTrue(warning.contains("synchronise the clocks"), warning);
    }

    @Test
    void aStoreBehindByMoreThanTheToleranceIsReported() {
        assertEquals(Duration.ofMillis(-31_000), StoreClock.check(STORE, SENT.minusMillis(31_000), SENT, ANSWERED));
        String warning = onlyWarning();
        assertTrue(warning.contains(STORE + " is 31 s behind this instance's"), warning);
    }
}
