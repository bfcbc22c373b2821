package dev.tollgate.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.InMemoryReplayLedger;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.store.jdbc.JdbcReplayLedger;
import dev.tollgate.store.redis.RedisReplayLedger;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Claims per second against each ledger: {@code freshClaim} is the admission path (a new proof, so the store
 * writes), {@code duplicateClaim} the replay path (a held proof, refused). Redis and PostgreSQL are the local
 * servers; set {@code -Dtollgate.redis=redis://...} or {@code -Dtollgate.jdbc=jdbc:postgresql://...} and
 * {@code -Dtollgate.jdbc.user=...} for others.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LedgerClaimBenchmark {
    @Param({"memory", "redis", "jdbc"})
    public String store;

    private final AtomicLong counter = new AtomicLong();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private ReplayLedger ledger;
    private HikariDataSource pool;
    private String table;

    @Setup(Level.Trial)
    public void open() throws Exception {
        switch (store) {
            case "memory" -> ledger = new InMemoryReplayLedger();
            case "redis" -> ledger = RedisReplayLedger.create(System.getProperty("tollgate.redis",
                    "redis://127.0.0.1:6379"), "tollgate-bench:" + run + ":", Duration.ofSeconds(2), Duration.ofSeconds(2));
            case "jdbc" -> {
                HikariConfig config = new HikariConfig();
                config.setJdbcUrl(System.getProperty("tollgate.jdbc", "jdbc:postgresql://127.0.0.1:5432/test"));
                config.setUsername(System.getProperty("tollgate.jdbc.user", "postgres"));
                config.setMaximumPoolSize(16);
                pool = new HikariDataSource(config);
                table = "tollgate_bench_" + run;
                ledger = JdbcReplayLedger.builder(pool).table(table).createTable(true).build();
            }
            default -> throw new IllegalArgumentException(store);
        }
        ledger.claim("held", Instant.now().plusSeconds(3600));
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        ledger.close();
        if (pool != null) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
            pool.close();
        }
    }

    @Benchmark
    public ClaimResult freshClaim() throws LedgerUnavailableException {
        // Short expiry: Redis drops the keys by itself soon after the run.
        return ledger.claim("k" + counter.incrementAndGet(), Instant.now().plusSeconds(120));
    }

    @Benchmark
    public ClaimResult duplicateClaim() throws LedgerUnavailableException {
        return ledger.claim("held", Instant.now().plusSeconds(3600));
    }
}
