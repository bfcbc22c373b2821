package dev.tollgate.core.evm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.pricing.Network;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.verify.PaymentVerifier;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.wire.ExactEvmPayload;
import dev.tollgate.core.wire.WireJson;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PaymentVerifier face of the local checks, fed the golden vector as a gate would feed it. The checks
 * themselves (golden recovery, "USD Coin" and chain 8453 failing, the order of the checks, y-parity) are
 * specified in {@link LocalExactEvmVerifierTest}, {@link Eip712Test} and {@link Secp256k1Test}; here each
 * tampering goes through the attempt mapping and must come out with the right reason.
 */
class LocalExactEvmPaymentVerifierTest {

    private static final Network BASE_SEPOLIA = NetworkRegistry.defaults().find("base-sepolia").orElseThrow();
    private static final Clock INSIDE_WINDOW =
            Clock.fixed(Instant.ofEpochSecond(GoldenVector.INSIDE_WINDOW_EPOCH_SECOND), ZoneOffset.UTC);

    private final LocalExactEvmPaymentVerifier verifier = new LocalExactEvmPaymentVerifier(INSIDE_WINDOW);

    private static PaymentOption option(String eip712Name) {
        return new PaymentOption("exact", BASE_SEPOLIA, new BigInteger(GoldenVector.VALUE),
                GoldenVector.VERIFYING_CONTRACT, GoldenVector.TO, 60, eip712Name, GoldenVector.VERSION);
    }

    private static ObjectNode goldenPayload() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("signature", GoldenVector.SIGNATURE);
        payload.putObject("authorization")
                .put("from", GoldenVector.FROM)
                .put("to", GoldenVector.TO)
                .put("value", GoldenVector.VALUE)
                .put("validAfter", GoldenVector.VALID_AFTER)
                .put("validBefore", GoldenVector.VALID_BEFORE)
                .put("nonce", GoldenVector.NONCE);
        return payload;
    }

    /** A v2 attempt for the golden payment, after {@code tamper} changed its payload. */
    private static PaymentAttempt v2(PaymentOption option, Consumer<ObjectNode> tamper) {
        ObjectNode payload = goldenPayload();
        tamper.accept(payload);
        ObjectNode proof = JsonNodeFactory.instance.objectNode().put("x402Version", 2);
        proof.set("accepted", WireJson.mapper().valueToTree(option.requirementsV2()));
        proof.set("payload", payload);
        return new PaymentAttempt(2, proof, option.requirementsV2(), option, evm(payload));
    }

    private static PaymentAttempt v1(PaymentOption option, Consumer<ObjectNode> tamper) {
        ObjectNode payload = goldenPayload();
        tamper.accept(payload);
        ObjectNode proof = JsonNodeFactory.instance.objectNode()
                .put("x402Version", 1).put("scheme", "exact").put("network", "base-sepolia");
        proof.set("payload", payload);
        return new PaymentAttempt(1, proof, option.requirementsV1("http://localhost/r", "r", null), option,
                evm(payload));
    }

    private static ExactEvmPayload evm(ObjectNode payload) {
        return WireJson.mapper().convertValue(payload, ExactEvmPayload.class);
    }

    private static Consumer<ObjectNode> authorization(String field, String value) {
        return p -> ((ObjectNode) p.get("authorization")).put(field, value);
    }

    private static Consumer<ObjectNode> signatureByte(int index, int value) {
        return p -> {
            byte[] signature = Hex.decode(p.get("signature").asText());
            signature[index] = (byte) value;
            p.put("signature", Hex.encode(signature));
        };
    }

    private void assertInvalid(ExactEvmInvalidReason reason, PaymentAttempt attempt) {
        VerifyOutcome outcome = verifier.verify(attempt);
        VerifyOutcome.Invalid invalid = assertInstanceOf(VerifyOutcome.Invalid.class, outcome);
        assertEquals(reason.code(), invalid.reason(), invalid.message());
    }

    @Test
    void goldenV2PaymentIsValidForItsPayerAndSaysTheChainWasNotChecked() {
        VerifyOutcome.Valid valid = assertInstanceOf(VerifyOutcome.Valid.class,
                verifier.verify(v2(option("USDC"), p -> { })));

        assertEquals(GoldenVector.FROM, valid.payer());
        assertEquals(LocalExactEvmPaymentVerifier.NOT_CHECKED_ON_CHAIN, valid.detail());
        assertTrue(valid.detail().contains("not checked"));
    }

    @Test
    void goldenV1PaymentIsValidUnderTheV1NetworkName() {
        assertInstanceOf(VerifyOutcome.Valid.class, verifier.verify(v1(option("USDC"), p -> { })));
    }

    @Test
    void theDetailedResultAdmitsOnChainStateWasNotChecked() {
        ExactEvmVerification result = verifier.check(v2(option("USDC"), p -> { }));

        assertTrue(result.valid());
        assertFalse(result.onChainStateChecked());
    }

    @Test
    void theServersTokenNameIsTheDomainSoUsdCoinBreaksTheGoldenSignature() {
        assertInvalid(ExactEvmInvalidReason.INVALID_SIGNATURE, v2(option("USD Coin"), p -> { }));
    }

    @Test
    void tamperedValueIsAnInvalidSignature() {
        assertInvalid(ExactEvmInvalidReason.INVALID_SIGNATURE, v2(option("USDC"), authorization("value", "10001")));
    }

    @Test
    void tamperedRecipientIsAnInvalidSignature() {
        assertInvalid(ExactEvmInvalidReason.INVALID_SIGNATURE,
                v2(option("USDC"), authorization("to", "0x0000000000000000000000000000000000000001")));
    }

    @Test
    void tamperedNonceIsAnInvalidSignature() {
        assertInvalid(ExactEvmInvalidReason.INVALID_SIGNATURE, v1(option("USDC"),
                authorization("nonce", "0x" + "00".repeat(31) + "01")));
    }

    @Test
    void tamperedValidBeforeIsAnInvalidSignature() {
        assertInvalid(ExactEvmInvalidReason.INVALID_SIGNATURE,
                v2(option("USDC"), authorization("validBefore", "1740672999")));
    }

    @Test
    void tamperedSignatureIsAnInvalidSignature() {
        assertInvalid(ExactEvmInvalidReason.INVALID_SIGNATURE, v2(option("USDC"), signatureByte(10, 0x42)));
    }

    @Test
    void highSTwinOfTheGoldenSignatureIsRefusedAsInvalidSignatureNamingHighS() {
        byte[] signature = Hex.decode(GoldenVector.SIGNATURE);
        BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(signature, 32, 64));
        byte[] highS = Uint256.word(Secp256k1.N.subtract(s));
        System.arraycopy(highS, 0, signature, 32, 32);
        signature[64] = (byte) (signature[64] == 27 ? 28 : 27);
        String twin = Hex.encode(signature);

        VerifyOutcome.Invalid invalid = assertInstanceOf(VerifyOutcome.Invalid.class,
                verifier.verify(v2(option("USDC"), p -> p.put("signature", twin))));

        assertEquals(ExactEvmInvalidReason.INVALID_SIGNATURE.code(), invalid.reason());
        assertTrue(invalid.message().toLowerCase(java.util.Locale.ROOT).contains("high"), invalid.message());
    }

    private static final String SMART_WALLET_SIGNATURE =
            Proofs.erc6492(Proofs.SMART_WALLET_FACTORY, Hex.decode("0x5fbfb9cf"), GoldenVector.SIGNATURE);

    /** A verifier standing in for a facilitator's: it answers Valid for one payer and counts its calls. */
    private static final class OnChain implements PaymentVerifier {
        final List<PaymentAttempt> asked = new CopyOnWriteArrayList<>();

        @Override
        public VerifyOutcome verify(PaymentAttempt attempt) {
            asked.add(attempt);
            return new VerifyOutcome.Valid(GoldenVector.FROM, null, "checked by the wallet's contract");
        }
    }

    @Test
    void aloneItRefusesASmartWalletsSignatureSayingWhy() {
        VerifyOutcome.Invalid invalid = assertInstanceOf(VerifyOutcome.Invalid.class,
                verifier.verify(v2(option("USDC"), p -> p.put("signature", SMART_WALLET_SIGNATURE))));

        assertEquals(ExactEvmInvalidReason.INVALID_SIGNATURE.code(), invalid.reason());
        assertTrue(invalid.message().contains("smart wallet"), invalid.message());
    }

    @Test
    void withAFacilitatorItHandsOnlyASmartWalletsSignatureOn() {
        OnChain onChain = new OnChain();
        LocalExactEvmPaymentVerifier hybrid = verifier.withContractSignaturesFrom(onChain);
        PaymentAttempt smartWallet = v2(option("USDC"), p -> p.put("signature", SMART_WALLET_SIGNATURE));

        VerifyOutcome.Valid valid = assertInstanceOf(VerifyOutcome.Valid.class, hybrid.verify(smartWallet));
        assertEquals("checked by the wallet's contract", valid.detail());
        assertEquals(List.of(smartWallet), onChain.asked);

        assertEquals(LocalExactEvmPaymentVerifier.NOT_CHECKED_ON_CHAIN,
                assertInstanceOf(VerifyOutcome.Valid.class, hybrid.verify(v2(option("USDC"), p -> { }))).detail());
        assertInstanceOf(VerifyOutcome.Invalid.class, hybrid.verify(v2(option("USDC"), signatureByte(10, 0x42))));
        assertInstanceOf(VerifyOutcome.Invalid.class, hybrid.verify(v2(option("USDC"),
                authorization("value", "10001").andThen(p -> p.put("signature", SMART_WALLET_SIGNATURE)))));
        assertEquals(1, onChain.asked.size(), "an account's signature, or a failed field, is settled here");
        assertSame(hybrid, hybrid.withContractSignaturesFrom(new OnChain()));
    }

    @Test
    void flippedVIsAnInvalidSignature() {
        int v = Hex.decode(GoldenVector.SIGNATURE)[64];
        assertInvalid(ExactEvmInvalidReason.INVALID_SIGNATURE, v2(option("USDC"), signatureByte(64, v == 27 ? 28 : 27)));
    }

    @Test
    void vOutsideBothEncodingsIsAnInvalidSignature() {
        assertInvalid(ExactEvmInvalidReason.INVALID_SIGNATURE, v2(option("USDC"), signatureByte(64, 29)));
    }

    @Test
    void vAsBareYParityIsAcceptedLikeTwentySevenOrTwentyEight() {
        int v = Hex.decode(GoldenVector.SIGNATURE)[64];

        assertInstanceOf(VerifyOutcome.Valid.class, verifier.verify(v2(option("USDC"), signatureByte(64, v - 27))));
    }

    @Test
    void payloadStatingAnotherNetworkIsInvalidNetwork() {
        PaymentOption option = option("USDC");
        // Only an attempt the gate did not make can state another network than its option's: the gate matches
        // the stated scheme and network to the option before it hands over its own reading of the payload.
        PaymentAttempt golden = withoutGateReading(v1(option, p -> { }));
        ((ObjectNode) golden.paymentPayload()).put("network", "base");

        assertInvalid(ExactEvmInvalidReason.INVALID_NETWORK, golden);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attempts")
    void theGatesReadingOfThePayloadGivesTheSameOutcomeAsItsJsonTree(String name, PaymentAttempt attempt) {
        ExactEvmVerification fromReading = verifier.check(attempt);
        ExactEvmVerification fromTree = verifier.check(withoutGateReading(attempt));

        assertEquals(fromTree, fromReading);
    }

    static Stream<Arguments> attempts() {
        int v = Hex.decode(GoldenVector.SIGNATURE)[64];
        return Stream.of(
                Arguments.of("golden v2", v2(option("USDC"), p -> { })),
                Arguments.of("golden v1", v1(option("USDC"), p -> { })),
                Arguments.of("another token name", v2(option("USD Coin"), p -> { })),
                Arguments.of("tampered value", v2(option("USDC"), authorization("value", "10001"))),
                Arguments.of("tampered nonce", v1(option("USDC"), authorization("nonce", "0x" + "00".repeat(31) + "01"))),
                Arguments.of("flipped v", v2(option("USDC"), signatureByte(64, v == 27 ? 28 : 27))),
                Arguments.of("bare y-parity", v2(option("USDC"), signatureByte(64, v - 27))),
                Arguments.of("no nonce", v2(option("USDC"), p -> ((ObjectNode) p.get("authorization")).remove("nonce"))),
                Arguments.of("short nonce", v2(option("USDC"), authorization("nonce", "0x0102"))),
                Arguments.of("no signature", v2(option("USDC"), p -> p.remove("signature"))));
    }

    /** The same attempt without the gate's reading of its payload, as a verifier outside the gate may build it. */
    private static PaymentAttempt withoutGateReading(PaymentAttempt attempt) {
        return new PaymentAttempt(attempt.x402Version(), attempt.paymentPayload(), attempt.requirements(),
                attempt.option(), null);
    }

    @Test
    void goldenPaymentAfterItsExpiryIsRefusedForValidBefore() {
        LocalExactEvmPaymentVerifier later = new LocalExactEvmPaymentVerifier(
                Clock.fixed(Instant.ofEpochSecond(Long.parseLong(GoldenVector.VALID_BEFORE)), ZoneOffset.UTC));

        VerifyOutcome.Invalid invalid = assertInstanceOf(VerifyOutcome.Invalid.class,
                later.verify(v2(option("USDC"), p -> { })));

        assertEquals(ExactEvmInvalidReason.VALID_BEFORE.code(), invalid.reason());
    }

    @Test
    void optionOfAnotherSchemeIsUnsupported() {
        PaymentOption other = new PaymentOption("upto", BASE_SEPOLIA, BigInteger.TEN, GoldenVector.VERIFYING_CONTRACT,
                GoldenVector.TO, 60, "USDC", "2");

        assertInvalid(ExactEvmInvalidReason.UNSUPPORTED_SCHEME, v2(other, p -> { }));
    }

    @Test
    void payloadWithoutAnAuthorizationNonceIsAnInvalidPayload() {
        VerifyOutcome.Invalid invalid = assertInstanceOf(VerifyOutcome.Invalid.class,
                verifier.verify(v2(option("USDC"), p -> ((ObjectNode) p.get("authorization")).remove("nonce"))));

        assertEquals(LocalExactEvmPaymentVerifier.REASON_INVALID_PAYLOAD, invalid.reason());
        assertEquals("paymentPayload.payload.authorization.nonce is missing or not a string", invalid.message());
    }
}
