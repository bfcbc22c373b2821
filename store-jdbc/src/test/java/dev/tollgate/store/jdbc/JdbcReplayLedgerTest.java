package dev.tollgate.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.Hold;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.testing.SharedReplayLedgerContract;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The shared-ledger contract in the local PostgreSQL, through two ledgers on two pools sharing a table, and what
 * only the table does: purging, the shipped DDL.
 */
class JdbcReplayLedgerTest extends SharedReplayLedgerContract<JdbcReplayLedger> {
    @RegisterExtension
    static final TwoPools INSTANCES = new TwoPools(10, 1000);

    private String table;

    @BeforeEach
    void open() {
        ledger = INSTANCES.first();
        other = INSTANCES.second();
        table = INSTANCES.table();
    }

    @Override
    protected int heldClaims() {
        return ledger.heldClaims();
    }

    @Override
    protected void assertKeptSettled(String key) throws Exception {
        assertEquals(1, LocalPostgres.count("SELECT count(*) FROM " + table + " WHERE proof_key = '" + key
                + "' AND state = 's' AND expires_at > now() + interval '50 seconds'"));
    }

    @Override
    protected void assertNothingStored(String key) throws Exception {
        assertEquals(0, LocalPostgres.count("SELECT count(*) FROM " + table + " WHERE proof_key = '" + key + "'"));
    }

    private static Instant inSeconds(long s) {
        return Instant.now().plusSeconds(s);
    }

    @Test
    void aSettledPaymentIsRememberedEvenIfItsRowWasPurged() throws Exception {
        ledger.claim("gone", Instant.now().plusMillis(100));
        Thread.sleep(200);
        ledger.purgeExpired();
        ledger.settled("gone", inSeconds(60));
        assertEquals(ClaimResult.DUPLICATE, other.claim("gone", inSeconds(60)));
    }

    @Test
    void aClaimWhoseAnswerWasLostDoesNotHoldTheProofUntilItLapses() throws Exception {
        try (CuttingRelay relay = new CuttingRelay()) {
            PGSimpleDataSource direct = LocalPostgres.simple(LocalPostgres.user());
            direct.setUrl(relay.url());
            try (JdbcReplayLedger cut = JdbcReplayLedger.builder(direct).table(table).build()) {
                relay.cutAfter("INSERT INTO " + table + " AS l");
                // The row is committed; the connection breaks before its answer arrives, so the gate answers 503.
                assertThrows(LedgerUnavailableException.class, () -> cut.claim("lost", inSeconds(60)));

                // No request holds that claim and none will release it: the payer's retry must not be "already used".
                assertEquals(ClaimResult.CLAIMED, other.claim("lost", inSeconds(60)));
            }
        }
    }

    @Test
    void aClaimWhoseAnswerWasLostWhileTheDatabaseThenWentAwayIsDeletedOnceItIsBack() throws Exception {
        try (CuttingRelay relay = new CuttingRelay()) {
            PGSimpleDataSource direct = LocalPostgres.simple(LocalPostgres.user());
            direct.setUrl(relay.url());
            try (JdbcReplayLedger cut = JdbcReplayLedger.builder(direct).table(table).build()) {
                // The row is committed, the connection breaks, and the database cannot be reached for 1.5 s: the
                // deletion of the row cannot be made at once.
                relay.cutAfter("INSERT INTO " + table + " AS l", 1500);
                assertThrows(LedgerUnavailableException.class, () -> cut.claim("lost-then-down", inSeconds(60)));

                assertTrue(goneWithin("lost-then-down", 6), "the claim was left in the table");
                assertEquals(ClaimResult.CLAIMED, other.claim("lost-then-down", inSeconds(60)));
            }
        }
    }

    @Test
    void aReleaseThatFailedIsMadeOnceTheDatabaseIsBack() throws Exception {
        try (CuttingRelay relay = new CuttingRelay()) {
            PGSimpleDataSource direct = LocalPostgres.simple(LocalPostgres.user());
            direct.setUrl(relay.url());
            try (JdbcReplayLedger ledgerThroughRelay = JdbcReplayLedger.builder(direct).table(table).build()) {
                assertEquals(ClaimResult.CLAIMED, ledgerThroughRelay.claim("to-release", inSeconds(60)));
                relay.refuse(1500);
                // Nothing was settled: the payer may present the proof again once the database is back, not only
                // after the claim lapses (a day for a proof-API payment, which the payer has made).
                assertThrows(LedgerUnavailableException.class, () -> ledgerThroughRelay.release("to-release"));

                assertTrue(goneWithin("to-release", 6), "the released claim was left in the table");
            }
        }
    }

    @Test
    void aSettlementThatCouldNotBeMarkedIsMarkedOnceTheDatabaseIsBack() throws Exception {
        try (CuttingRelay relay = new CuttingRelay()) {
            PGSimpleDataSource direct = LocalPostgres.simple(LocalPostgres.user());
            direct.setUrl(relay.url());
            try (JdbcReplayLedger ledgerThroughRelay = JdbcReplayLedger.builder(direct).table(table).build()) {
                assertEquals(ClaimResult.CLAIMED, ledgerThroughRelay.claim("paid", inSeconds(60)));
                relay.refuse(1500);
                assertThrows(LedgerUnavailableException.class, () -> ledgerThroughRelay.settled("paid", inSeconds(60)));

                // Another instance asking must learn that the proof is used, not that a request is still redeeming it.
                long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
                while (other.hold("paid") != Hold.SETTLED && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(Hold.SETTLED, other.hold("paid"));
            }
        }
    }

    /**
     * A DataSource handed in as it comes, without a socket timeout: a connection that goes silent after its
     * statement was sent (a lost route) gives no error, and the query timeout's cancel request, made on another
     * connection, finds nothing left to cancel. The request must still get its 503 soon after the timeout, not wait
     * for the operating system.
     */
    @Test
    void aStatementWhoseConnectionWentSilentFailsSoonAfterTheQueryTimeout() throws Exception {
        try (CuttingRelay relay = new CuttingRelay()) {
            PGSimpleDataSource direct = LocalPostgres.simple(LocalPostgres.user());
            direct.setUrl(relay.url());
            try (JdbcReplayLedger silent = JdbcReplayLedger.builder(direct).table(table)
                    .queryTimeout(Duration.ofSeconds(1)).build()) {
                relay.silenceAfter("INSERT INTO " + table + " AS l");
                long start = System.nanoTime();
                assertTimeoutPreemptively(Duration.ofSeconds(15), () -> assertThrows(LedgerUnavailableException.class,
                        () -> silent.claim("silent", inSeconds(60))), "the request thread was held");
                long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertTrue(took < 8000, "held for " + took + " ms");
            }
        }
    }

    /** Waits up to {@code seconds} for the row of {@code key} to be gone; whether it went. */
    private boolean goneWithin(String key, long seconds) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (LocalPostgres.count("SELECT count(*) FROM " + table + " WHERE proof_key = '" + key + "'") > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Test
    void purgeDeletesExpiredRowsInBoundedBatchesAndLeavesLiveOnes() throws Exception {
        LocalPostgres.execute("INSERT INTO " + table + " (proof_key, state, expires_at)"
                + " SELECT 'old-' || g, 's', now() - interval '1 minute' FROM generate_series(1, 2500) g");
        for (int i = 0; i < 10; i++) {
            ledger.claim("live-" + i, inSeconds(60));
        }
        assertEquals(1000, ledger.purgeBatch());
        assertEquals(1510, LocalPostgres.count("SELECT count(*) FROM " + table));
        assertEquals(1500, ledger.purgeExpired());
        assertEquals(10, LocalPostgres.count("SELECT count(*) FROM " + table));
        assertEquals(0, ledger.purgeExpired());
        assertEquals(ClaimResult.DUPLICATE, other.claim("live-3", inSeconds(60)));
    }

    @Test
    void aScheduledPurgeClearsExpiredRowsOnItsOwn() throws Exception {
        try (JdbcReplayLedger purging = JdbcReplayLedger.builder(INSTANCES.firstPool()).table(table).purgeBatch(100)
                .purgeEvery(Duration.ofMillis(200)).build()) {
            LocalPostgres.execute("INSERT INTO " + table + " (proof_key, state, expires_at)"
                    + " SELECT 'old-' || g, 's', now() - interval '1 minute' FROM generate_series(1, 350) g");
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (LocalPostgres.count("SELECT count(*) FROM " + table) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(0, LocalPostgres.count("SELECT count(*) FROM " + table));
        }
    }

    @Test
    void theShippedDdlCreatesTheTableOnceAndCanRunAgain() throws Exception {
        assertEquals(1, LocalPostgres.count("SELECT count(*) FROM pg_indexes WHERE tablename = '" + table
                + "' AND indexname = '" + table + "_expires_at_idx'"));
        JdbcReplayLedger.builder(INSTANCES.firstPool()).table(table).createTable(true).build().close();
        assertTrue(JdbcReplayLedger.ddl("app.ledger").get(0).contains("CREATE TABLE IF NOT EXISTS app.ledger ("));
        assertTrue(JdbcReplayLedger.ddl("app.ledger").get(1).contains("ledger_expires_at_idx ON app.ledger"));
    }
}
