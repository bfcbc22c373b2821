package dev.tollgate.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.tollgate.core.ledger.IdentifierRecord;
import dev.tollgate.core.ledger.PaymentIdentifierStore;
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

/** Payment identifiers in the local PostgreSQL, through two ledgers on two pools sharing the tables. */
class JdbcPaymentIdentifierStoreTest {
    private static HikariDataSource poolA;
    private static HikariDataSource poolB;

    private String table;
    private JdbcReplayLedger ledger;
    private JdbcReplayLedger otherLedger;
    private PaymentIdentifierStore store;
    private PaymentIdentifierStore other;

    @BeforeAll
    static void pools() {
        if (!LocalPostgres.reachable()) {
            return;
        }
        poolA = LocalPostgres.pool(6);
        poolB = LocalPostgres.pool(6);
    }

    @AfterAll
    static void closePools() {
        if (poolA != null) {
            poolA.close();
            poolB.close();
        }
    }

    @BeforeEach
    void open() {
        LocalPostgres.assumeReachable();
        table = LocalPostgres.uniqueTable();
        ledger = JdbcReplayLedger.builder(poolA).table(table).createTable(true).purgeBatch(100).build();
        otherLedger = JdbcReplayLedger.builder(poolB).table(table).createTable(true).build();
        store = ledger.paymentIdentifiers();
        other = otherLedger.paymentIdentifiers();
    }

    @AfterEach
    void drop() throws Exception {
        if (ledger == null) {
            return;
        }
        ledger.close();
        otherLedger.close();
        LocalPostgres.execute("DROP TABLE IF EXISTS " + table + ", " + JdbcReplayLedger.identifierTable(table));
    }

    private static Instant in(long ms) {
        return Instant.now().plusMillis(ms);
    }

    @Test
    void theShippedDdlCreatesTheIdentifierTableBesideTheLedger() throws Exception {
        String ids = JdbcReplayLedger.identifierTable(table);
        assertEquals(1, LocalPostgres.count("SELECT count(*) FROM pg_indexes WHERE tablename = '" + ids
                + "' AND indexname = '" + ids + "_expires_at_idx'"));
        List<String> ddl = JdbcReplayLedger.ddl("app.ledger");
        assertEquals(4, ddl.size());
        assertTrue(ddl.get(2).contains("CREATE TABLE IF NOT EXISTS app.ledger_payment_id ("), ddl.get(2));
        assertTrue(ddl.get(3).contains("ledger_payment_id_expires_at_idx ON app.ledger_payment_id"), ddl.get(3));
    }

    @Test
    void theFirstBeginTakesTheIdAndEveryInstanceThenSeesIt() throws Exception {
        assertNull(store.begin("pay_0123456789abcdef", "fp1", in(60_000)));
        assertEquals(new IdentifierRecord("fp1", null), other.begin("pay_0123456789abcdef", "fp1", in(60_000)));
        assertEquals(new IdentifierRecord("fp1", null), other.begin("pay_0123456789abcdef", "fp2", in(60_000)));
        store.finish("pay_0123456789abcdef", "fp1", "{\"settled\":true}", in(60_000));
        assertEquals(new IdentifierRecord("fp1", "{\"settled\":true}"),
                other.begin("pay_0123456789abcdef", "fp2", in(60_000)));
    }

    @Test
    void anExpiredIdCanBeTakenAgainAndIsPurged() throws Exception {
        store.begin("a", "fp", in(300));
        store.begin("b", "fp", in(300));
        store.finish("b", "fp", "done", in(1_500));
        Thread.sleep(450);
        assertNull(other.begin("a", "fp2", in(60_000)));
        assertEquals("done", other.begin("b", "fp2", in(60_000)).outcome());
        Thread.sleep(1_200);
        assertEquals(1, ledger.purgeExpired());
        assertEquals(1, LocalPostgres.count("SELECT count(*) FROM " + JdbcReplayLedger.identifierTable(table)));
        assertNull(other.begin("b", "fp2", in(60_000)));
    }

    @Test
    void purgeRunsInBoundedBatches() throws Exception {
        LocalPostgres.execute("INSERT INTO " + JdbcReplayLedger.identifierTable(table)
                + " (payment_id, fingerprint, outcome, expires_at)"
                + " SELECT 'old-' || g, 'fp', 'x', now() - interval '1 minute' FROM generate_series(1, 250) g");
        store.begin("live", "fp", in(60_000));
        assertEquals(250, ledger.purgeExpired());
        assertEquals(1, LocalPostgres.count("SELECT count(*) FROM " + JdbcReplayLedger.identifierTable(table)));
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
