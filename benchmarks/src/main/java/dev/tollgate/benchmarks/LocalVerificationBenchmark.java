package dev.tollgate.benchmarks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.evm.EvmAddress;
import dev.tollgate.core.evm.ExactEvmAuthorization;
import dev.tollgate.core.evm.ExactEvmPayment;
import dev.tollgate.core.evm.ExactEvmRequirement;
import dev.tollgate.core.evm.ExactEvmVerification;
import dev.tollgate.core.evm.LocalExactEvmPaymentVerifier;
import dev.tollgate.core.evm.LocalExactEvmVerifier;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.wire.ExactEvmPayload;
import dev.tollgate.core.wire.WireJson;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Local exact-EVM verifications per second on one thread: the golden vector of the x402 v2 transport spec
 * (PROTOCOL.md section 2), under a clock fixed inside its validity window so that every check runs and passes.
 *
 * <ul>
 *   <li>{@code checks}: {@link LocalExactEvmVerifier#verify} on parsed inputs: EIP-712 digest (keccak), secp256k1
 *       public-key recovery, field checks. The cost of the cryptography.</li>
 *   <li>{@code attempt}: {@link LocalExactEvmPaymentVerifier#verify} on a PaymentAttempt made as the gate makes
 *       one per request (the client's bytes and the gate's reading of them): the above plus the requirement
 *       and whatever the verifier reads of the attempt. What a paid request costs in hybrid mode.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LocalVerificationBenchmark {
    static final String ASSET = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
    static final String FROM = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
    static final String TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
    static final String VALUE = "10000";
    static final String VALID_AFTER = "1740672089";
    static final String VALID_BEFORE = "1740672154";
    static final String NONCE = "0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480";
    static final String SIGNATURE = "0x2d6a7588d6acca505cbf0d9a4a227e0c52c6c34008c8e8986a1283259764173608a2ce64"
            + "96642e377d6da8dbbf5836e9bd15092f9ecab05ded3d6293af148b571c";
    /** Inside the golden authorization's window. */
    static final Instant NOW = Instant.ofEpochSecond(1740672100L);

    private LocalExactEvmVerifier verifier;
    private ExactEvmRequirement requirement;
    private ExactEvmPayment payment;
    private LocalExactEvmPaymentVerifier paymentVerifier;
    private byte[] proofJson;
    private PaymentOption attemptOption;
    private ExactEvmPayload attemptEvm;

    @Setup
    public void setUp() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        verifier = new LocalExactEvmVerifier(clock);
        requirement = new ExactEvmRequirement("exact", "eip155:84532", 84532, EvmAddress.parse(ASSET), "USDC", "2",
                EvmAddress.parse(TO), new BigInteger(VALUE));
        payment = new ExactEvmPayment("exact", "eip155:84532",
                ExactEvmAuthorization.parse(FROM, TO, VALUE, VALID_AFTER, VALID_BEFORE, NONCE), SIGNATURE);

        paymentVerifier = new LocalExactEvmPaymentVerifier(clock);
        PaymentOption option = new PaymentOption("exact", NetworkRegistry.defaults().find("base-sepolia").orElseThrow(),
                new BigInteger(VALUE), ASSET, TO, 60, "USDC", "2");
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("signature", SIGNATURE);
        payload.putObject("authorization").put("from", FROM).put("to", TO).put("value", VALUE)
                .put("validAfter", VALID_AFTER).put("validBefore", VALID_BEFORE).put("nonce", NONCE);
        ObjectNode proof = JsonNodeFactory.instance.objectNode().put("x402Version", 2);
        proof.set("accepted", WireJson.mapper().valueToTree(option.requirementsV2()));
        proof.set("payload", payload);
        proofJson = WireJson.mapper().writeValueAsBytes(proof);
        attemptOption = option;
        attemptEvm = WireJson.mapper().convertValue(payload, ExactEvmPayload.class);

        // A benchmark of a refusal would measure nothing worth knowing: fail fast instead.
        if (!checks().valid() || !(attempt() instanceof VerifyOutcome.Valid)) {
            throw new IllegalStateException("the golden vector must verify inside its window");
        }
    }

    @Benchmark
    public ExactEvmVerification checks() {
        return verifier.verify(requirement, payment);
    }

    /** A new attempt each time, made as the gate makes it: the client's bytes and the gate's reading of them. */
    @Benchmark
    public VerifyOutcome attempt() {
        return paymentVerifier.verify(PaymentAttempt.ofJson(2, proofJson, attemptOption.requirementsV2(), attemptOption,
                attemptEvm));
    }
}
