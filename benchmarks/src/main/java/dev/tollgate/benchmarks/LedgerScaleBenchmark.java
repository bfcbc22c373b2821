package dev.tollgate.benchmarks;

import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.InMemoryReplayLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-memory ledger's claim rate when empty and when holding 1,000,000 live claims. Each operation claims
 * a fresh key (from a pool made before measuring) (as the gate does for a new proof) and releases it, so the ledger stays at its size for the
 * whole measurement; claims every 1024 trigger the ledger's sweep of expired entries, as in production.
 *
 * <p>Three forks, each filling its own ledger: where one fork's heap layout decides the memory misses, the ratio
 * of two single forks spanned a factor of four within its error bars (the twenty-second session's record).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LedgerScaleBenchmark {
    @Param({"0", "1000000"})
    public int live;

    private InMemoryReplayLedger ledger;
    private Instant until;
    /** Fresh keys made before measuring, so the figure is the ledger's and not the key formatting's. */
    private final String[] fresh = new String[1 << 16];
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        ledger = new InMemoryReplayLedger();
        until = Instant.now().plus(Duration.ofHours(1));
        for (int i = 0; i < live; i++) {
            ledger.claim(LedgerFootprint.key(i), until);
        }
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = LedgerFootprint.key((1L << 40) + i);
        }
    }

    @Benchmark
    public ClaimResult claimAndRelease() {
        String key = fresh[next++ & (fresh.length - 1)]; // released at once, so each is fresh again next time
        ClaimResult r = ledger.claim(key, until);
        ledger.release(key);
        return r;
    }
}
