package dev.tollgate.store.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.CapturedLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis's clock, read with TIME when the ledger connects, against an instance clock set two minutes off. */
class RedisClockSkewTest {
    private final CapturedLog log = CapturedLog.warningsOf("dev.tollgate.ledger");

    @BeforeEach
    void listen() {
        LocalRedis.assumeReachable();
    }

    @AfterEach
    void stop() {
        log.close();
    }

    private String warningAfterConnecting(Duration instanceClockOffset) throws Exception {
        String prefix = LocalRedis.uniquePrefix();
        Clock offClock = Clock.offset(Clock.systemUTC(), instanceClockOffset);
        try (RedisReplayLedger ledger = RedisReplayLedger.create(LocalRedis.URL, prefix, Duration.ofSeconds(1),
                Duration.ofSeconds(2), offClock)) {
            ledger.claim("clock-check", Instant.now().plusSeconds(60)); // connected
            // The reply to TIME comes on the ledger's connection; wait for it, boundedly.
            for (int i = 0; i < 100 && log.warnings().isEmpty(); i++) {
                Thread.sleep(20);
            }
        } finally {
            LocalRedis.deleteKeys(prefix);
        }
        List<String> warnings = log.warnings();
        assertTrue(warnings.size() == 1, "warnings: " + warnings);
        return warnings.get(0);
    }

    @Test
    void anInstanceClockTwoMinutesAheadIsReportedAsRedisBehind() throws Exception {
        String warning = warningAfterConnecting(Duration.ofMinutes(2));
        assertTrue(warning.contains("Redis at 127.0.0.1:6379 is 1") && warning.contains(" s behind this instance's"),
                warning);
    }

    @Test
    void anInstanceClockTwoMinutesBehindIsReportedAsRedisAhead() throws Exception {
        String warning = warningAfterConnecting(Duration.ofMinutes(-2));
        assertTrue(warning.contains(" s ahead of this instance's"), warning);
    }
}
