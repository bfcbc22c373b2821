package dev.tollgate.store.jdbc;

import dev.tollgate.servlet.testing.PaidCluster;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.Proofs;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;
import org.junit.jupiter.api.Test;

/** Choosing the JDBC ledger by settings; none of this needs a running database. */
class JdbcLedgerProviderTest {

    private static TollgateConfig.Builder base() {
        return TollgateConfig.builder().facilitatorUrl("http://127.0.0.1:9").payTo(Proofs.PAY_TO).price("$0.01")
                .environment(n -> null);
    }

    @Test
    void aMisspeltLedgerKeyFailsAtStartUpNamingTheKeyMeant() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> base().set("ledger", "jdbc")
                .set("ledger.url", "jdbc:postgresql://127.0.0.1:5432/test").set("ledger.poolsize", "5").build());
        assertEquals("ledger.poolsize", e.setting());
        assertTrue(e.getMessage().contains("did you mean 'ledger.poolSize'"), e.getMessage());
    }

    @Test
    void ledgerJdbcWithAUrlAndTableMakesAJdbcLedgerOnThatTable() {
        TollgateConfig config = base().set("ledger", "jdbc").set("ledger.url", "jdbc:postgresql://127.0.0.1:1/none")
                .set("ledger.table", "ledger.replay").set("ledger.purgeInterval", "off").build();
        try {
            JdbcReplayLedger ledger = assertInstanceOf(JdbcReplayLedger.class, config.ledger());
            assertEquals("ledger.replay", ledger.table());
            assertTrue(config.ownsLedger());
        } finally {
            config.ledger().close();
        }
    }

    @Test
    void aJdbcUrlAsTheLedgerSettingSelectsJdbcWithTheDefaultTable() {
        TollgateConfig config = base().set("ledger", "jdbc:postgresql://127.0.0.1:1/none").build();
        try {
            assertEquals("tollgate_ledger", assertInstanceOf(JdbcReplayLedger.class, config.ledger()).table());
        } finally {
            config.ledger().close();
        }
    }

    @Test
    void ledgerJdbcWithoutAUrlFailsAtStartUpNamingLedgerUrl() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> base().set("ledger", "jdbc").build());
        assertEquals("ledger.url", e.setting());
    }

    @Test
    void aTableNameThatIsNotAPlainIdentifierFailsAtStartUpNamingIt() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> base()
                .set("ledger", "jdbc:postgresql://127.0.0.1:1/none").set("ledger.table", "t; DROP TABLE x").build());
        assertEquals("ledger.table", e.setting());
    }

    /**
     * A reserved word passes as an identifier but cannot name a table unquoted: every statement then failed with a
     * syntax error, and every paid request got 503, with nothing said at start-up.
     */
    @Test
    void aTableOrSchemaNamedByAReservedWordFailsAtStartUpNamingTheSetting() {
        for (String table : new String[] {"user", "ORDER", "public.table", "user.ledger", "left"}) {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> base()
                    .set("ledger", "jdbc:postgresql://127.0.0.1:1/none").set("ledger.table", table).build(), table);
            assertEquals("ledger.table", e.setting(), table);
            assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        }
    }

    @Test
    void aTableNameTooLongForTheNamesMadeFromItFailsAtStartUpNamingIt() {
        String longest = "t".repeat(36);
        assertDoesNotThrow(() -> JdbcReplayLedger.builder(new PGSimpleDataSource()).table("a_schema." + longest));

        ConfigurationException e = assertThrows(ConfigurationException.class, () -> base()
                .set("ledger", "jdbc:postgresql://127.0.0.1:1/none").set("ledger.table", longest + "t").build());

        assertEquals("ledger.table", e.setting());
        assertTrue(e.getMessage().contains("at most 36 characters"), e.getMessage());
    }

    @Test
    void badNumbersAndSwitchesFailAtStartUpNamingTheSetting() {
        assertEquals("ledger.poolSize", assertThrows(ConfigurationException.class, () -> base()
                .set("ledger", "jdbc:postgresql://127.0.0.1:1/none").set("ledger.poolSize", "0").build()).setting());
        assertEquals("ledger.createTable", assertThrows(ConfigurationException.class, () -> base()
                .set("ledger", "jdbc:postgresql://127.0.0.1:1/none").set("ledger.createTable", "yes").build()).setting());
        assertEquals("ledger.purgeInterval", assertThrows(ConfigurationException.class, () -> base()
                .set("ledger", "jdbc:postgresql://127.0.0.1:1/none").set("ledger.purgeInterval", "daily").build())
                .setting());
    }

    @Test
    void anUnreachableDatabaseMakesThePaidRouteAnswer503WithRetryAfterAndNoContent() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (PaidCluster cluster = new PaidCluster(1, Map.of("ledger", "jdbc:postgresql://127.0.0.1:" + port + "/test",
                "ledger.user", "postgres", "ledger.connectTimeout", "500ms", "ledger.createTable", "true"))) {
            // The first request pays for a cold server and client; the time asserted is the store's.
            assertEquals(503, cluster.get(0, "/paid/x", PaidCluster.freshProof(0)).statusCode());
            long start = System.nanoTime();
            HttpResponse<String> r = cluster.get(0, "/paid/x", PaidCluster.freshProof(1));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Retry-After").isPresent());
            assertTrue(!r.body().contains(PaidCluster.PAID_MARKER));
            assertTrue(ms < 1500, "took " + ms + " ms");
            assertEquals(0, cluster.handlerRuns(0));
            assertEquals(0, cluster.facilitator.verifyRequests().size());
        }
    }
}
