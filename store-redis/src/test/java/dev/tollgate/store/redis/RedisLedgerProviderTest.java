package dev.tollgate.store.redis;

import dev.tollgate.servlet.testing.PaidCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Choosing the Redis ledger by settings; none of this needs a running Redis. */
class RedisLedgerProviderTest {

    private static TollgateConfig.Builder base() {
        return TollgateConfig.builder().facilitatorUrl("http://127.0.0.1:9").payTo(Proofs.PAY_TO).price("$0.01")
                .environment(n -> null);
    }

    @Test
    void aMisspeltLedgerKeyFailsAtStartUpNamingTheKeyMeant() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> base().set("ledger", "redis")
                .set("ledger.url", "redis://127.0.0.1:6379").set("ledger.keyprefx", "5").build());
        assertEquals("ledger.keyprefx", e.setting());
        assertTrue(e.getMessage().contains("did you mean 'ledger.keyPrefix'"), e.getMessage());
    }

    @Test
    void ledgerRedisWithAUrlAndPrefixMakesARedisLedgerWithThatPrefix() {
        TollgateConfig config = base().set("ledger", "redis").set("ledger.url", "redis://127.0.0.1:6379")
                .set("ledger.keyPrefix", "shop:").build();
        try {
            RedisReplayLedger ledger = assertInstanceOf(RedisReplayLedger.class, config.ledger());
            assertEquals("shop:", ledger.keyPrefix());
            assertTrue(config.ownsLedger());
        } finally {
            config.ledger().close();
        }
    }

    @Test
    void aRedisUrlAsTheLedgerSettingSelectsRedisWithTheDefaultPrefix() {
        TollgateConfig config = base().set("ledger", "redis://127.0.0.1:6379").build();
        try {
            RedisReplayLedger ledger = assertInstanceOf(RedisReplayLedger.class, config.ledger());
            assertEquals("tollgate:", ledger.keyPrefix());
        } finally {
            config.ledger().close();
        }
    }

    @Test
    void anEmptyKeyPrefixTakesTheDefaultAsAnyEmptySettingDoes() {
        // Before, ledger.keyPrefix=${REDIS_PREFIX:-} with the variable unset gave keys without any prefix.
        TollgateConfig config = base().set("ledger", "redis://127.0.0.1:6379").set("ledger.keyPrefix", "${REDIS_PREFIX:-}")
                .build();
        try {
            assertEquals("tollgate:", assertInstanceOf(RedisReplayLedger.class, config.ledger()).keyPrefix());
        } finally {
            config.ledger().close();
        }
    }

    @Test
    void aLedgerUrlOfAnotherSchemeFailsAtStartUpWithoutQuotingItsPassword() {
        for (String url : new String[] {"REDIS://:s3cret@cache.internal:6379", "tcp://:s3cret@cache.internal:6379"}) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> base().set("ledger", "redis").set("ledger.url", url).build());
            assertEquals("ledger.url", e.setting());
            assertTrue(!e.getMessage().contains("s3cret"), e.getMessage());
        }
    }

    @Test
    void ledgerRedisWithoutAUrlFailsAtStartUpNamingLedgerUrl() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> base().set("ledger", "redis").build());
        assertEquals("ledger.url", e.setting());
    }

    @Test
    void aTimeoutThatIsNotADurationFailsAtStartUpNamingIt() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> base().set("ledger", "redis")
                .set("ledger.url", "redis://127.0.0.1:6379").set("ledger.timeout", "quick").build());
        assertEquals("ledger.timeout", e.setting());
    }

    @Test
    void aTollgateThatFailsToStartClosesTheLedgerItsSettingsMade() throws Exception {
        try (FacilitatorDouble f = new FacilitatorDouble()) {
            // The facilitator lacks the configured network (base-sepolia): start-up fails after the ledger was made.
            f.onSupported(FacilitatorDouble.answer(200, FacilitatorDouble.supportedKinds("base", "eip155:8453")));
            TollgateConfig config = base().facilitatorUrl(f.url()).set("ledger", "redis://127.0.0.1:6379").build();

            assertThrows(ConfigurationException.class, () -> Tollgate.create(config));

            LedgerUnavailableException e = assertThrows(LedgerUnavailableException.class,
                    () -> config.ledger().claim("startup-failure", Instant.now().plusSeconds(60)));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }

    @Test
    void anUnreachableRedisMakesThePaidRouteAnswer503WithRetryAfterAndNoContent() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (PaidCluster cluster = new PaidCluster(1, Map.of("ledger", "redis://127.0.0.1:" + port,
                "ledger.timeout", "500ms", "ledger.connectTimeout", "500ms"))) {
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
