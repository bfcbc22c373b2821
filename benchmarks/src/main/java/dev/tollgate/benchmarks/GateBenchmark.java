package dev.tollgate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.gate.Completion;
import dev.tollgate.core.gate.Decision;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.RequestView;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gate alone, without a container: what one paid request costs in {@code Tollgate.check} and
 * {@code PaymentSession.complete}, with BenchServer's accept-all verifier and settler and the in-memory ledger.
 * Every operation carries a new proof (its nonce spliced in as {@code paid.lua} does), so each is claimed and
 * settled as in the load runs. It isolates the gate's share of target 2 from the container's, and with
 * {@code -prof gc} gives the bytes allocated per paid request, a figure the shared machine cannot blur.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GateBenchmark {
    private static final String URL = "http://127.0.0.1:8091/bench/paid";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Tollgate tollgate;
    private PaymentTerms terms;
    /** The template's base64 before and after its 24 variable nonce digits (3-byte aligned, as for wrk). */
    private String prefix;
    private String suffix;
    private final byte[] digits = new byte[ProofTemplate.VARIABLE_HEX];
    private long counter;
    private final Base64.Encoder base64 = Base64.getEncoder();

    /**
     * A new Tollgate, so a new in-memory ledger, for every iteration: every operation leaves a settled claim behind,
     * and with one ledger for the whole fork each iteration ran against a larger table and heap than the one
     * before it. Now every iteration measures the same thing: a ledger filling from empty.
     */
    @Setup(Level.Iteration)
    public void setUp() throws Exception {
        tollgate = Tollgate.create(TollgateConfig.builder()
                .payTo(BenchServer.PAY_TO).network("base-sepolia").price("$0.01")
                .set("description", "Benchmark").set("mimeType", "application/json")
                .verifier(BenchServer.ACCEPT_ALL).settler(BenchServer.SETTLE_ALL)
                .build());
        terms = tollgate.termsFor("GET", "/bench/paid").orElseThrow();
        Decision challenge = tollgate.check(new View(null), terms);
        String required = ((Decision.Challenge) challenge).answer().headers().get("PAYMENT-REQUIRED");
        ObjectMapper json = new ObjectMapper();
        JsonNode offer = json.readTree(Base64.getDecoder().decode(required));
        String[] parts = ProofTemplate.template(json, offer.get("resource"), offer.get("accepts").get(0));
        prefix = parts[0];
        suffix = parts[1];
        java.util.Arrays.fill(digits, (byte) '0');
        counter = System.nanoTime();
        if (!(paid() instanceof Completion.Deliver)) {
            throw new IllegalStateException("the gate did not admit and settle the template proof");
        }
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        tollgate.close();
    }

    @Benchmark
    public Completion paid() {
        long c = ++counter;
        for (int i = digits.length - 1; i >= digits.length - 16; i--) {
            digits[i] = (byte) HEX[(int) (c & 0xF)];
            c >>>= 4;
        }
        Decision d = tollgate.check(new View(prefix + base64.encodeToString(digits) + suffix), terms);
        if (!(d instanceof Decision.Admit admit)) {
            throw new IllegalStateException("not admitted: " + d);
        }
        return admit.session().complete(200);
    }

    private record View(String signature) implements RequestView {
        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return "/bench/paid";
        }

        @Override
        public String resourceUrl() {
            return URL;
        }

        @Override
        public List<String> headers(String name) {
            return signature != null && name.equalsIgnoreCase("PAYMENT-SIGNATURE") ? List.of(signature) : List.of();
        }
    }
}
