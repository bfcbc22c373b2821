package dev.tollgate.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.SharedCodeIntentStoreContract;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Code intent contract in the local PostgreSQL, through two ledgers on two pools sharing the tables, and
 * what only the table does: purging, the shipped DDL.
 */
class JdbcCodeIntentStoreTest extends SharedCodeIntentStoreContract<JdbcReplayLedger> {
    @RegisterExtension
    static final TwoPools INSTANCES = new TwoPools(4, 100);

    private String table;

    @BeforeEach
    void open() {
        ledger = INSTANCES.first();
        otherLedger = INSTANCES.second();
        table = INSTANCES.table();
    }

    @Override
    protected void storeRaw(String id, String text) throws Exception {
        LocalPostgres.execute("INSERT INTO " + JdbcReplayLedger.codeIntentTable(table) + " (intent_id, intent, expires_at)"
                + " VALUES ('" + id + "', '" + text.replace("'", "''") + "', now() + interval '1 minute')");
    }

    @Test
    void theShippedDdlCreatesTheIntentTableBesideTheLedger() throws Exception {
        String intents = JdbcReplayLedger.codeIntentTable(table);
        assertEquals(1, LocalPostgres.count("SELECT count(*) FROM pg_indexes WHERE tablename = '" + intents
                + "' AND indexname = '" + intents + "_expires_at_idx'"));
        List<String> ddl = JdbcReplayLedger.ddl("app.ledger");
        assertTrue(ddl.get(4).contains("CREATE TABLE IF NOT EXISTS app.ledger_code_intent ("), ddl.get(4));
        assertTrue(ddl.get(5).contains("ledger_code_intent_expires_at_idx ON app.ledger_code_intent"), ddl.get(5));
    }

    @Test
    void expiredIntentsArePurgedWithTheLedgersRowsAndLiveOnesKept() throws Exception {
        String intents = JdbcReplayLedger.codeIntentTable(table);
        LocalPostgres.execute("INSERT INTO " + intents + " (intent_id, intent, expires_at) SELECT 'old-' || g, '{}',"
                + " now() - interval '1 second' FROM generate_series(1, 250) g");
        store().remember(intent(60_000));
        assertEquals(250, ledger.purgeExpired());
        assertEquals(1, LocalPostgres.count("SELECT count(*) FROM " + intents));
    }

    @Test
    void aDatabaseSetUpBeforeCodeIntentsWereKeptStillPurgesItsLedger() throws Exception {
        // ledger.createTable=false on the tables of an earlier version: no intent table.
        String old = LocalPostgres.uniqueTable();
        try {
            for (String statement : JdbcReplayLedger.ddl(old).subList(0, 4)) {
                LocalPostgres.execute(statement);
            }
            LocalPostgres.execute("INSERT INTO " + old + " (proof_key, state, expires_at) VALUES ('gone', 's',"
                    + " now() - interval '1 second')");
            try (JdbcReplayLedger earlier = JdbcReplayLedger.builder(INSTANCES.firstPool()).table(old).build()) {
                assertEquals(1, earlier.purgeExpired());
            }
        } finally {
            LocalPostgres.dropLedgerTables(old);
        }
    }

    @Test
    void theShippedDdlNamesEachTableOnceWhateverTheSchemaIsCalled() {
        List<String> ddl = JdbcReplayLedger.ddl("tollgate_ledger.shop");
        assertTrue(ddl.get(0).contains("CREATE TABLE IF NOT EXISTS tollgate_ledger.shop ("), ddl.get(0));
        assertTrue(ddl.get(2).contains("CREATE TABLE IF NOT EXISTS tollgate_ledger.shop_payment_id ("), ddl.get(2));
        assertTrue(ddl.get(4).contains("CREATE TABLE IF NOT EXISTS tollgate_ledger.shop_code_intent ("), ddl.get(4));
        assertTrue(ddl.get(5).contains("shop_code_intent_expires_at_idx ON tollgate_ledger.shop_code_intent"), ddl.get(5));
    }
}
