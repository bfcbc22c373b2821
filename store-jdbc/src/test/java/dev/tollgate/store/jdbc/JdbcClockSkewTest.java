package dev.tollgate.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.testing.CapturedLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PostgreSQL's now(), by which claims expire, against an instance clock set two minutes off. */
class JdbcClockSkewTest {
    private final CapturedLog log = CapturedLog.warningsOf("dev.tollgate.ledger");
    private String table;

    @BeforeEach
    void listen() {
        LocalPostgres.assumeReachable();
        table = LocalPostgres.uniqueTable();
    }

    @AfterEach
    void stop() throws Exception {
        log.close();
        if (table != null) {
            LocalPostgres.dropLedgerTables(table);
        }
    }

    private List<String> warningsAfterTwoClaims(Duration instanceClockOffset) throws Exception {
        try (JdbcReplayLedger ledger = JdbcReplayLedger.builder(LocalPostgres.simple(LocalPostgres.user()))
                .table(table).createTable(true).clock(Clock.offset(Clock.systemUTC(), instanceClockOffset)).build()) {
            assertEquals(ClaimResult.CLAIMED, ledger.claim("first", Instant.now().plusSeconds(60)));
            assertEquals(ClaimResult.CLAIMED, ledger.claim("second", Instant.now().plusSeconds(60)));
        }
        return log.warnings();
    }

    @Test
    void anInstanceClockTwoMinutesAheadIsReportedOnceAsTheDatabaseBehind() throws Exception {
        List<String> reported = warningsAfterTwoClaims(Duration.ofMinutes(2));
        assertEquals(1, reported.size(), "compared once, after the first claim: " + reported);
        assertTrue(reported.get(0).contains("database of table " + table + " is 1")
                && reported.get(0).contains(" s behind this instance's"), reported.get(0));
    }

    @Test
    void anInstanceClockTwoMinutesBehindIsReportedAsTheDatabaseAhead() throws Exception {
        List<String> reported = warningsAfterTwoClaims(Duration.ofMinutes(-2));
        assertEquals(1, reported.size(), reported.toString());
        assertTrue(reported.get(0).contains(" s ahead of this instance's"), reported.get(0));
    }

    @Test
    void anInstanceClockInStepIsNotReported() throws Exception {
        assertEquals(List.of(), warningsAfterTwoClaims(Duration.ZERO));
    }
}
