package dev.tollgate.core.evm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.gate.AssetTransferMethod;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.wire.ExactEvmPermit2Payload;
import dev.tollgate.core.wire.WireJson;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The in-process Permit2 checks against signatures Tollgate did not make: vectors/permit2.json, written by viem
 * through interop/vectors/permit2-vectors.mjs (valid ones, ones tampered with after signing, and ones signed for
 * other terms), each judged at the file's "now".
 */
class Permit2VectorsTest {
    private static final JsonNode FILE = read();
    private static final JsonNode REQUIREMENT = FILE.path("requirement");
    private static final Clock NOW = Clock.fixed(Instant.ofEpochSecond(FILE.path("now").asLong()), ZoneOffset.UTC);

    private static JsonNode read() {
        try (InputStream in = Permit2VectorsTest.class.getResourceAsStream("/vectors/permit2.json")) {
            return WireJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ExactEvmRequirement requirement() {
        return new ExactEvmRequirement("exact", REQUIREMENT.path("network").asText(),
                REQUIREMENT.path("chainId").asLong(), EvmAddress.parse(REQUIREMENT.path("asset").asText()), null, null,
                EvmAddress.parse(REQUIREMENT.path("payTo").asText()), new BigInteger(REQUIREMENT.path("amount").asText()));
    }

    private static ExactEvmPermit2Payload payload(JsonNode vector) throws IOException {
        return WireJson.mapper().treeToValue(vector.path("payload"), ExactEvmPermit2Payload.class);
    }

    static Stream<Arguments> vectors() {
        List<Arguments> out = new ArrayList<>();
        FILE.path("vectors").forEach(v -> out.add(Arguments.of(v.path("name").asText(), v)));
        return out.stream();
    }

    @Test
    void theValidVectorsHashesAreTheOnesViemComputed() throws IOException {
        JsonNode hashes = FILE.path("hashes");
        Permit2Authorization a = Permit2Authorization.parse(payload(FILE.path("vectors").get(0)).permit2Authorization());
        long chainId = REQUIREMENT.path("chainId").asLong();
        assertEquals(FILE.path("permit2").asText(), PermitWitnessTransferFrom.PERMIT2.toChecksumHex());
        assertEquals(FILE.path("proxy").asText(), PermitWitnessTransferFrom.X402_EXACT_PERMIT2_PROXY.toChecksumHex());
        assertArrayEquals(Hex.decode(hashes.path("domainSeparator").asText()),
                PermitWitnessTransferFrom.domainSeparator(chainId));
        assertArrayEquals(Hex.decode(hashes.path("structHash").asText()), PermitWitnessTransferFrom.structHash(a));
        assertArrayEquals(Hex.decode(hashes.path("digest").asText()), PermitWitnessTransferFrom.digest(chainId, a));
    }

    @Test
    void theFileHoldsValidAndRefusedVectorsOfEveryCheck() {
        List<String> expected = new ArrayList<>();
        FILE.path("vectors").forEach(v -> expected.add(v.path("expect").asText()));
        for (ExactEvmInvalidReason r : new ExactEvmInvalidReason[] {ExactEvmInvalidReason.PERMIT2_INVALID_SIGNATURE,
                ExactEvmInvalidReason.PERMIT2_INVALID_SPENDER, ExactEvmInvalidReason.PERMIT2_RECIPIENT_MISMATCH,
                ExactEvmInvalidReason.PERMIT2_DEADLINE_EXPIRED, ExactEvmInvalidReason.PERMIT2_NOT_YET_VALID,
                ExactEvmInvalidReason.PERMIT2_AMOUNT_MISMATCH, ExactEvmInvalidReason.PERMIT2_TOKEN_MISMATCH}) {
            assertTrue(expected.contains(r.code()), r.code());
        }
        assertTrue(expected.contains("valid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void eachVectorIsJudgedAsTheFileSays(String name, JsonNode vector) throws IOException {
        ExactEvmPermit2Payload p = payload(vector);
        ExactEvmVerification result = new LocalExactEvmVerifier(NOW)
                .verifyPermit2(requirement(), p.signature(), Permit2Authorization.parse(p.permit2Authorization()));
        String expect = vector.path("expect").asText();
        if ("valid".equals(expect)) {
            assertTrue(result.valid(), result.toString());
            assertEquals(FILE.path("payer").asText(), result.payer());
        } else {
            assertFalse(result.valid(), result.toString());
            assertEquals(expect, result.invalidReason(), result.toString());
        }
        assertFalse(result.onChainStateChecked());
        assertFalse(result.contractSignature());
    }

    // --- through the PaymentVerifier, as the gate calls it ------------------------------------------------

    private static PaymentOption permit2Option() {
        return new PaymentOption("exact", NetworkRegistry.defaults().find("base-sepolia").orElseThrow(),
                new BigInteger(REQUIREMENT.path("amount").asText()), REQUIREMENT.path("asset").asText(),
                REQUIREMENT.path("payTo").asText(), 60, "USDC", "2", AssetTransferMethod.PERMIT2);
    }

    private static PaymentAttempt attempt(JsonNode vector) {
        PaymentOption option = permit2Option();
        ObjectNode proof = WireJson.mapper().createObjectNode().put("x402Version", 2);
        proof.set("accepted", WireJson.mapper().valueToTree(option.requirementsV2()));
        proof.set("payload", vector.path("payload"));
        return new PaymentAttempt(2, proof, option.requirementsV2(), option, null);
    }

    private static JsonNode vector(String name) {
        for (JsonNode v : FILE.path("vectors")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new IllegalArgumentException(name);
    }

    @Test
    void thePaymentVerifierAdmitsTheValidVectorAndSaysTheChainWasNotAsked() {
        VerifyOutcome.Valid valid = assertInstanceOf(VerifyOutcome.Valid.class,
                new LocalExactEvmPaymentVerifier(NOW).verify(attempt(vector("valid"))));
        assertEquals(FILE.path("payer").asText(), valid.payer());
        assertEquals(LocalExactEvmPaymentVerifier.NOT_CHECKED_ON_CHAIN, valid.detail());
    }

    @Test
    void thePaymentVerifierRefusesATamperedVectorWithItsReason() {
        VerifyOutcome.Invalid invalid = assertInstanceOf(VerifyOutcome.Invalid.class,
                new LocalExactEvmPaymentVerifier(NOW).verify(attempt(vector("nonce changed"))));
        assertEquals("invalid_permit2_signature", invalid.reason());
    }

    @Test
    void thePaymentVerifierRefusesAMalformedPermit2AuthorizationNamingTheField() {
        ObjectNode broken = vector("valid").deepCopy();
        ((ObjectNode) broken.path("payload").path("permit2Authorization")).remove("witness");
        VerifyOutcome.Invalid invalid = assertInstanceOf(VerifyOutcome.Invalid.class,
                new LocalExactEvmPaymentVerifier(NOW).verify(attempt(broken)));
        assertEquals(LocalExactEvmPaymentVerifier.REASON_INVALID_PAYLOAD, invalid.reason());
        assertTrue(invalid.message().contains("permit2Authorization.witness.to"), invalid.message());
    }
}
