package dev.tollgate.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.IdentifierRecord;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.testing.SharedPaymentIdentifierStoreContract;
import java.util.List;
import org.postgresql.ds.PGSimpleDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The payment-identifier contract in the local PostgreSQL, through two ledgers on two pools sharing the tables,
 * and what only the table does: purging, the shipped DDL.
 */
class JdbcPaymentIdentifierStoreTest extends SharedPaymentIdentifierStoreContract<JdbcReplayLedger> {
    @RegisterExtension
    static final TwoPools INSTANCES = new TwoPools(6, 100);

    private String table;

    @BeforeEach
    void open() {
        ledger = INSTANCES.first();
        otherLedger = INSTANCES.second();
        table = INSTANCES.table();
    }

    @Test
    void theShippedDdlCreatesTheIdentifierTableBesideTheLedger() throws Exception {
        String ids = JdbcReplayLedger.identifierTable(table);
        assertEquals(1, LocalPostgres.count("SELECT count(*) FROM pg_indexes WHERE tablename = '" + ids
                + "' AND indexname = '" + ids + "_expires_at_idx'"));
        List<String> ddl = JdbcReplayLedger.ddl("app.ledger");
        assertEquals(6, ddl.size());
        assertTrue(ddl.get(2).contains("CREATE TABLE IF NOT EXISTS app.ledger_payment_id ("), ddl.get(2));
        assertTrue(ddl.get(3).contains("ledger_payment_id_expires_at_idx ON app.ledger_payment_id"), ddl.get(3));
    }

    @Test
    void aPurgeRemovesLapsedIdentifiersAndKeepsLiveOnes() throws Exception {
        store().begin("lapsed", "fp", in(100));
        store().begin("finished", "fp", in(100));
        store().finish("finished", "fp", "done", in(100));
        store().begin("live", "fp", in(60_000));
        Thread.sleep(250);
        assertEquals(2, ledger.purgeExpired());
        assertEquals(1, LocalPostgres.count("SELECT count(*) FROM " + JdbcReplayLedger.identifierTable(table)));
        assertNull(other().begin("lapsed", "fp2", in(60_000)));
        assertTrue(other().begin("live", "fp2", in(60_000)).inProgress());
    }

    @Test
    void purgeRunsInBoundedBatches() throws Exception {
        LocalPostgres.execute("INSERT INTO " + JdbcReplayLedger.identifierTable(table)
                + " (payment_id, fingerprint, outcome, expires_at)"
                + " SELECT 'old-' || g, 'fp', 'x', now() - interval '1 minute' FROM generate_series(1, 250) g");
        store().begin("live", "fp", in(60_000));
        assertEquals(250, ledger.purgeExpired());
        assertEquals(1, LocalPostgres.count("SELECT count(*) FROM " + JdbcReplayLedger.identifierTable(table)));
    }

    /** Begins {@code id} through a connection that breaks after the statement is sent: its answer is lost. */
    private void beginWithItsAnswerLost(String id) throws Exception {
        try (CuttingRelay relay = new CuttingRelay()) {
            PGSimpleDataSource direct = LocalPostgres.simple(LocalPostgres.user());
            direct.setUrl(relay.url());
            try (JdbcReplayLedger cut = JdbcReplayLedger.builder(direct).table(table).build()) {
                relay.cutAfter("INSERT INTO " + JdbcReplayLedger.identifierTable(table) + " AS p");
                // The statement runs; the connection breaks before its answer arrives, so the gate answers 503.
                assertThrows(LedgerUnavailableException.class,
                        () -> cut.paymentIdentifiers().begin(id, "fp", in(60_000)));
            }
        }
    }

    @Test
    void aBeginWhoseAnswerWasLostDoesNotLeaveTheIdInProgressUntilItLapses() throws Exception {
        beginWithItsAnswerLost("lost-0123456789ab");

        // Nobody will finish or abandon that request: the payer's retry must not be told "in progress".
        assertNull(other().begin("lost-0123456789ab", "fp", in(60_000)));
    }

    @Test
    void aBeginWhoseAnswerWasLostLeavesTheIdInProgressForTheRequestThatHoldsIt() throws Exception {
        // The first request with this id and payload holds it, on another instance, and is still settling.
        assertNull(other().begin("held-0123456789ab", "fp", in(60_000)));
        // The payer's retry: its begin finds the id taken and changes nothing, but its answer is lost.
        beginWithItsAnswerLost("held-0123456789ab");

        // The retry made no mark, so it must take none away: the request holding the id is still in progress.
        IdentifierRecord held = other().begin("held-0123456789ab", "fp", in(60_000));
        assertNotNull(held, "the id of a request still in progress was freed by another request's lost answer");
        assertTrue(held.inProgress());
        assertEquals("fp", held.fingerprint());
    }

    @Test
    void anOutcomeThatCouldNotBeRecordedIsRecordedOnceTheDatabaseIsBack() throws Exception {
        try (CuttingRelay relay = new CuttingRelay()) {
            PGSimpleDataSource direct = LocalPostgres.simple(LocalPostgres.user());
            direct.setUrl(relay.url());
            try (JdbcReplayLedger cut = JdbcReplayLedger.builder(direct).table(table).build()) {
                assertNull(cut.paymentIdentifiers().begin("paid-0123456789ab", "fp", in(60_000)));
                relay.refuse(1500);
                // The payment was settled; its outcome cannot be written now.
                assertThrows(LedgerUnavailableException.class, () -> cut.paymentIdentifiers()
                        .finish("paid-0123456789ab", "fp", "{\"settled\":true}", in(3_600_000)));

                // The payer's retry under the id must get the paid answer once the database is back, not 409 "in
                // progress" and, once the mark lapses, 402 "already used" for a payment it made.
                assertTrue(finishedWithin("paid-0123456789ab", 6), "the outcome was never recorded");
            }
        }
    }

    @Test
    void anAbandonThatCouldNotBeMadeIsMadeOnceTheDatabaseIsBack() throws Exception {
        try (CuttingRelay relay = new CuttingRelay()) {
            PGSimpleDataSource direct = LocalPostgres.simple(LocalPostgres.user());
            direct.setUrl(relay.url());
            try (JdbcReplayLedger cut = JdbcReplayLedger.builder(direct).table(table).build()) {
                assertNull(cut.paymentIdentifiers().begin("gone-0123456789ab", "fp", in(60_000)));
                relay.refuse(1500);
                // The handler failed and nothing was settled; the id cannot be freed now.
                assertThrows(LedgerUnavailableException.class,
                        () -> cut.paymentIdentifiers().abandon("gone-0123456789ab", "fp"));

                // The payer's retry under the id must be admitted once the database is back, not told 409 "in
                // progress" until the mark lapses (by when the proof it carries has expired).
                long deadline = System.nanoTime() + 6_000_000_000L;
                IdentifierRecord r = other().begin("gone-0123456789ab", "fp", in(60_000));
                while (r != null && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    r = other().begin("gone-0123456789ab", "fp", in(60_000));
                }
                assertNull(r, "the id was never freed");
            }
        }
    }

    private boolean finishedWithin(String id, long seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            IdentifierRecord r = other().begin(id, "fp", in(60_000));
            if (r != null && !r.inProgress()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
    }
}
