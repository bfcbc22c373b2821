package dev.tollgate.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tollgate.core.ledger.ClaimResult;
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

/** {@code ledger.createTable=true} against the local PostgreSQL, on a table no test made before. */
class JdbcTableCreationTest {
    private String table;

    @BeforeEach
    void fresh() {
        LocalPostgres.assumeReachable();
        table = LocalPostgres.uniqueTable();
    }

    @AfterEach
    void drop() throws Exception {
        if (table != null) {
            LocalPostgres.dropLedgerTables(table);
        }
    }

    /**
     * A pool whose connections do not commit by themselves, as many applications configure theirs: the DDL run at
     * start-up must be committed, or the table is rolled back when its connection goes back to the pool and every
     * request then fails on a missing table.
     */
    @Test
    void theTableIsCreatedThroughAPoolThatDoesNotAutoCommit() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(LocalPostgres.URL);
        config.setUsername(LocalPostgres.user());
        config.setMaximumPoolSize(2);
        config.setAutoCommit(false);
        try (HikariDataSource pool = new HikariDataSource(config);
             JdbcReplayLedger ledger = JdbcReplayLedger.builder(pool).table(table).createTable(true).build()) {
            assertEquals(ClaimResult.CLAIMED, ledger.claim("k", Instant.now().plusSeconds(60)));
            assertEquals(ClaimResult.DUPLICATE, ledger.claim("k", Instant.now().plusSeconds(60)));
        }
    }

    /** Instances of one deployment start together; each must find the table made, whichever made it. */
    @Test
    void eightInstancesStartingAtOnceAllFindTheTableReady() throws Exception {
        int instances = 8;
        List<HikariDataSource> pools = new ArrayList<>();
        List<JdbcReplayLedger> ledgers = new ArrayList<>();
        ExecutorService starters = Executors.newFixedThreadPool(instances);
        try {
            for (int i = 0; i < instances; i++) {
                pools.add(LocalPostgres.pool(2));
            }
            for (int round = 0; round < 3; round++) {
                String t = LocalPostgres.uniqueTable();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<JdbcReplayLedger>> started = new ArrayList<>();
                for (HikariDataSource pool : pools) {
                    started.add(starters.submit(() -> {
                        go.await();
                        return JdbcReplayLedger.builder(pool).table(t).createTable(true).build();
                    }));
                }
                go.countDown();
                try {
                    int claimed = 0;
                    for (int i = 0; i < instances; i++) {
                        JdbcReplayLedger ledger = started.get(i).get();
                        ledgers.add(ledger);
                        claimed += ledger.claim("k" + i, Instant.now().plusSeconds(60)) == ClaimResult.CLAIMED ? 1 : 0;
                    }
                    assertEquals(instances, claimed, "round " + round);
                } finally {
                    LocalPostgres.dropLedgerTables(t);
                }
            }
        } finally {
            starters.shutdownNow();
            for (JdbcReplayLedger l : ledgers) {
                l.close();
            }
            for (HikariDataSource p : pools) {
                p.close();
            }
        }
    }
}
