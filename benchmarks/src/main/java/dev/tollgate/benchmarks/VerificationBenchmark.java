package dev.tollgate.benchmarks;

import dev.tollgate.core.evm.ExactEvmPayment;
import dev.tollgate.core.evm.ExactEvmRequirement;
import dev.tollgate.core.evm.ExactEvmVerification;
import dev.tollgate.core.evm.LocalExactEvmVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-thread EIP-3009 verifications per second over the vectors file that viem is timed on
 * ({@code -p vectors=FILE}, written by {@link VerificationVectors}): EIP-712 digest, secp256k1 recovery on
 * Bouncy Castle's custom curve, and the exact scheme's field checks, cycling through every vector.
 *
 * <p>Three forks when run alone: in the twenty-second session's record one fork ran a fifth slower than two run
 * alone right after it. {@code run.sh} runs one fork at a time instead, each beside a viem run, in three pairs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 3, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class VerificationBenchmark {
    @Param("")
    public String vectors;

    private LocalExactEvmVerifier verifier;
    private ExactEvmRequirement[] requirements;
    private ExactEvmPayment[] payments;
    private int next;

    @Setup
    public void setUp() throws IOException {
        verifier = new LocalExactEvmVerifier(Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC));
        List<Object[]> all = VerificationVectors.read(Path.of(vectors));
        requirements = all.stream().map(v -> (ExactEvmRequirement) v[0]).toArray(ExactEvmRequirement[]::new);
        payments = all.stream().map(v -> (ExactEvmPayment) v[1]).toArray(ExactEvmPayment[]::new);
        for (int i = 0; i < payments.length; i++) {
            ExactEvmVerification v = verifier.verify(requirements[i], payments[i]);
            if (!v.valid()) {
                throw new IllegalStateException("vector " + i + " does not verify: " + v);
            }
        }
    }

    @Benchmark
    public ExactEvmVerification verify() {
        int i = next;
        next = i + 1 == payments.length ? 0 : i + 1;
        ExactEvmVerification v = verifier.verify(requirements[i], payments[i]);
        // Every verification checked, as recover.mjs checks every recovery against the payer: a refusal that
        // came back faster than a recovery would otherwise count as a verification.
        if (!v.valid()) {
            throw new IllegalStateException("vector " + i + " does not verify: " + v);
        }
        return v;
    }
}
