package dev.tollgate.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.tollgate.core.ledger.ClaimResult;
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

class JdbcReplayLedgerTest {
    private static HikariDataSource poolA;
    private static HikariDataSource poolB;

    private String table;
    private JdbcReplayLedger ledger;
    private JdbcReplayLedger other;

    @BeforeAll
    static void pools() {
        if (!LocalPostgres.reachable()) {
            return;
        }
        poolA = LocalPostgres.pool(10);
        poolB = LocalPostgres.pool(10);
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
        ledger = JdbcReplayLedger.builder(poolA).table(table).createTable(true).purgeBatch(1000).build();
        other = JdbcReplayLedger.builder(poolB).table(table).createTable(true).build();
    }

    @AfterEach
    void drop() throws Exception {
        if (ledger == null) {
            return;
        }
        ledger.close();
        other.close();
        LocalPostgres.execute("DROP TABLE IF EXISTS " + table + ", " + JdbcReplayLedger.identifierTable(table));
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
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            for (int round = 0; round < 5; round++) {
                String key = "race-" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<ClaimResult>> results = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    JdbcReplayLedger l = i % 2 == 0 ? ledger : other;
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
                assertEquals(1, won, "winners in round " + round);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void fiftyConcurrentClaimsOfAnExpiredRowHaveExactlyOneWinner() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("stale", Instant.now().plusMillis(100)));
        Thread.sleep(250);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ClaimResult>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                JdbcReplayLedger l = i % 2 == 0 ? ledger : other;
                results.add(pool.submit(() -> {
                    start.await();
                    return l.claim("stale", inSeconds(60));
                }));
            }
            start.countDown();
            int won = 0;
            for (Future<ClaimResult> f : results) {
                won += f.get() == ClaimResult.CLAIMED ? 1 : 0;
            }
            assertEquals(1, won);
        } finally {
            pool.shutdown();
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
        assertEquals(1, LocalPostgres.count("SELECT count(*) FROM " + table
                + " WHERE proof_key = 'paid' AND state = 's' AND expires_at > now() + interval '50 seconds'"));
        assertEquals(0, ledger.heldClaims());
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
    void aReleasedKeyCanBeClaimedAgain() throws Exception {
        assertEquals(ClaimResult.CLAIMED, ledger.claim("retry", inSeconds(60)));
        ledger.release("retry");
        assertEquals(0, LocalPostgres.count("SELECT count(*) FROM " + table));
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
        try (JdbcReplayLedger purging = JdbcReplayLedger.builder(poolA).table(table).purgeBatch(100)
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
        JdbcReplayLedger.builder(poolA).table(table).createTable(true).build().close();
        assertTrue(JdbcReplayLedger.ddl("app.ledger").get(0).contains("CREATE TABLE IF NOT EXISTS app.ledger ("));
        assertTrue(JdbcReplayLedger.ddl("app.ledger").get(1).contains("ledger_expires_at_idx ON app.ledger"));
    }
}
