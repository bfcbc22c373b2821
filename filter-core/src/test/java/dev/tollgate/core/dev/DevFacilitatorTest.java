package dev.tollgate.core.dev;

import static dev.tollgate.core.dev.DevRequests.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.evm.ExactEvmInvalidReason;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.testing.HandClock;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.evm.EvmAddress;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class DevFacilitatorTest {
    private static final BigInteger FUNDS = BigInteger.valueOf(1_000_000);

    private final DevFacilitator facilitator = new DevFacilitator(new SimulatedLedger(Clock.fixed(NOW, ZoneOffset.UTC)),
            NetworkRegistry.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));
    private final SimulatedLedger.Token usdc = DevFacilitator.token(DevRequests.BASE_SEPOLIA, Proofs.BASE_SEPOLIA_USDC);
    private final EvmAddress payer = Proofs.PAYER.address();
    private final EvmAddress payTo = EvmAddress.parse(Proofs.PAY_TO);

    DevFacilitatorTest() {
        facilitator.ledger().fund(usdc, payer, FUNDS);
    }

    private static Proofs proof() {
        return Proofs.proof().at(NOW);
    }

    @Test
    void verifyAcceptsASignedV2PaymentAndNamesThePayer() {
        DevFacilitator.Answer a = facilitator.verify(DevRequests.v2(proof().v2()));

        assertEquals(200, a.status());
        assertTrue(a.body().path("isValid").asBoolean(), a.body().toString());
        assertEquals(payer.toChecksumHex(), a.body().path("payer").asText());
        assertFalse(a.body().has("invalidReason"));
    }

    @Test
    void aPermit2PaymentIsRefusedSayingTheDevFacilitatorSimulatesEip3009Only() {
        ObjectNode request = DevRequests.v2(proof().v2());
        ((ObjectNode) request.path("paymentRequirements").path("extra")).put("assetTransferMethod", "permit2");
        ObjectNode payload = (ObjectNode) request.path("paymentPayload").path("payload");
        payload.set("permit2Authorization", payload.remove("authorization"));

        DevFacilitator.Answer verified = facilitator.verify(request);
        assertFalse(verified.body().path("isValid").asBoolean(), verified.body().toString());
        assertEquals("unsupported_asset_transfer_method", verified.body().path("invalidReason").asText());
        assertTrue(verified.body().path("invalidMessage").asText().contains("permit2"), verified.body().toString());
        DevFacilitator.Answer settled = facilitator.settle(request);
        assertFalse(settled.body().path("success").asBoolean(), settled.body().toString());
        assertEquals("unsupported_asset_transfer_method", settled.body().path("errorReason").asText());
    }

    @Test
    void verifyAcceptsASignedV1Payment() {
        assertTrue(facilitator.verify(DevRequests.v1(proof().v1())).body().path("isValid").asBoolean());
    }

    @Test
    void verifyMovesNoMoney() {
        facilitator.verify(DevRequests.v2(proof().v2()));

        assertEquals(FUNDS, facilitator.ledger().balanceOf(usdc, payer));
    }

    @Test
    void settleTransfersTheValueAndAnswersASyntheticTransaction() {
        JsonNode r = facilitator.settle(DevRequests.v1(proof().v1())).body();

        assertTrue(r.path("success").asBoolean(), r.toString());
        assertTrue(r.path("transaction").asText().matches("0x[0-9a-f]{64}"), r.toString());
        assertEquals("base-sepolia", r.path("network").asText());
        assertEquals(payer.toChecksumHex(), r.path("payer").asText());
        assertEquals(FUNDS.subtract(BigInteger.valueOf(10_000)), facilitator.ledger().balanceOf(usdc, payer));
        assertEquals(BigInteger.valueOf(10_000), facilitator.ledger().balanceOf(usdc, payTo));
    }

    @Test
    void settleOfAV2PaymentAnswersTheCaip2Network() {
        JsonNode r = facilitator.settle(DevRequests.v2(proof().v2())).body();

        assertTrue(r.path("success").asBoolean(), r.toString());
        assertEquals("eip155:84532", r.path("network").asText());
    }

    @Test
    void aSettledAuthorizationPresentedAgainAfterTheLedgerForgotItIsRefusedAsExpired() {
        HandClock clock = new HandClock(NOW);
        DevFacilitator timed = new DevFacilitator(new SimulatedLedger(clock), NetworkRegistry.defaults(), clock);
        timed.ledger().fund(usdc, payer, FUNDS);
        ObjectNode request = DevRequests.v2(proof().v2());
        assertTrue(timed.settle(request).body().path("success").asBoolean());
        clock.advance(Duration.ofMinutes(10)); // past its validBefore: the next settlement lets the ledger forget it
        assertTrue(timed.settle(DevRequests.v2(Proofs.proof().at(clock.instant()).v2())).body().path("success").asBoolean());
        assertEquals(1, timed.ledger().remembered());

        DevFacilitator.Answer again = timed.settle(request);

        assertFalse(again.body().path("success").asBoolean());
        assertEquals(ExactEvmInvalidReason.VALID_BEFORE.code(), again.body().path("errorReason").asText());
        assertEquals(FUNDS.subtract(BigInteger.valueOf(20_000)), timed.ledger().balanceOf(usdc, payer));
    }

    @Test
    void secondSettlementOfTheSameAuthorizationFailsLikeTheChainWould() {
        ObjectNode request = DevRequests.v2(proof().v2());
        assertTrue(facilitator.settle(request).body().path("success").asBoolean());

        DevFacilitator.Answer again = facilitator.settle(request);

        assertFalse(again.body().path("success").asBoolean());
        assertEquals(SimulatedLedger.REASON_NONCE_USED, again.body().path("errorReason").asText());
        assertEquals("", again.body().path("transaction").asText());
        assertEquals(FUNDS.subtract(BigInteger.valueOf(10_000)), facilitator.ledger().balanceOf(usdc, payer));
    }

    @Test
    void verifyRefusesAnAuthorizationThatWasAlreadySettled() {
        ObjectNode request = DevRequests.v1(proof().v1());
        facilitator.settle(request);

        JsonNode r = facilitator.verify(request).body();

        assertFalse(r.path("isValid").asBoolean());
        assertEquals(SimulatedLedger.REASON_NONCE_USED, r.path("invalidReason").asText());
    }

    @Test
    void concurrentSettlementsOfOneAuthorizationSucceedOnce() throws Exception {
        ObjectNode request = DevRequests.v2(proof().v2());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> facilitator.settle(request).body().path("success").asBoolean());
            }
            int successes = 0;
            for (Future<Boolean> f : pool.invokeAll(calls)) {
                successes += f.get() ? 1 : 0;
            }
            assertEquals(1, successes);
            assertEquals(1, facilitator.ledger().transfers().size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eachSettlementHasItsOwnTransaction() {
        String first = facilitator.settle(DevRequests.v2(proof().v2())).body().path("transaction").asText();
        String second = facilitator.settle(DevRequests.v2(proof().v2())).body().path("transaction").asText();

        assertNotEquals(first, second);
    }

    @Test
    void anUnfundedPayerHasInsufficientFunds() {
        DevFacilitator empty = new DevFacilitator(new SimulatedLedger(Clock.fixed(NOW, ZoneOffset.UTC)),
                NetworkRegistry.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));

        JsonNode verify = empty.verify(DevRequests.v2(proof().v2())).body();
        JsonNode settle = empty.settle(DevRequests.v2(proof().v2())).body();

        assertEquals(SimulatedLedger.REASON_INSUFFICIENT_FUNDS, verify.path("invalidReason").asText());
        assertEquals(SimulatedLedger.REASON_INSUFFICIENT_FUNDS, settle.path("errorReason").asText());
        assertTrue(empty.ledger().transfers().isEmpty());
    }

    @Test
    void aTamperedValueIsRefusedAsAnInvalidSignatureAndNothingMoves() {
        ObjectNode request = DevRequests.v1(proof().v1());
        DevRequests.authorization(request).put("value", "9999");
        ((ObjectNode) request.get("paymentRequirements")).put("maxAmountRequired", "9999");

        JsonNode r = facilitator.settle(request).body();

        assertEquals(ExactEvmInvalidReason.INVALID_SIGNATURE.code(), r.path("errorReason").asText());
        assertEquals(FUNDS, facilitator.ledger().balanceOf(usdc, payer));
    }

    @Test
    void aPaymentForLessThanRequiredIsRefusedForItsValueUnderEachGenerationsName() {
        JsonNode v2 = facilitator.verify(DevRequests.v2(proof().value(9_999).v2())).body();
        JsonNode v1 = facilitator.verify(DevRequests.v1(proof().value(9_999).v1())).body();

        assertEquals("invalid_exact_evm_payload_authorization_value_mismatch", v2.path("invalidReason").asText());
        assertEquals("invalid_exact_evm_payload_authorization_value", v1.path("invalidReason").asText());
    }

    @Test
    void anExpiredAuthorizationIsRefusedForValidBefore() {
        ObjectNode request = DevRequests.v2(Proofs.proof().at(NOW.minusSeconds(3600)).v2());

        assertEquals(ExactEvmInvalidReason.VALID_BEFORE.code(),
                facilitator.verify(request).body().path("invalidReason").asText());
    }

    @Test
    void anUnknownNetworkIsInvalidNetwork() {
        ObjectNode request = DevRequests.v1(proof().v1());
        ((ObjectNode) request.get("paymentRequirements")).put("network", "solana-devnet");

        DevFacilitator.Answer a = facilitator.verify(request);

        assertEquals(200, a.status());
        assertEquals(DevFacilitator.REASON_INVALID_NETWORK, a.body().path("invalidReason").asText());
    }

    @Test
    void aBodyThatIsNotJsonIsA400() {
        DevFacilitator.Answer verify = facilitator.verify("nope".getBytes(StandardCharsets.UTF_8));
        DevFacilitator.Answer settle = facilitator.settle("[1]".getBytes(StandardCharsets.UTF_8));

        assertEquals(400, verify.status());
        assertFalse(verify.body().path("isValid").asBoolean(true));
        assertEquals(400, settle.status());
        assertFalse(settle.body().path("success").asBoolean(true));
        assertEquals("", settle.body().path("transaction").asText());
    }

    @Test
    void anOversizedBodyIsA400() {
        byte[] big = new byte[DevFacilitator.MAX_REQUEST_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');

        assertEquals(400, facilitator.verify(big).status());
    }

    @Test
    void anUnknownProtocolVersionIsA400() {
        ObjectNode request = DevRequests.v2(proof().v2()).put("x402Version", 3);

        DevFacilitator.Answer a = facilitator.verify(request);

        assertEquals(400, a.status());
        assertEquals(DevFacilitator.REASON_INVALID_VERSION, a.body().path("invalidReason").asText());
    }

    @Test
    void aV1PayloadInAV2RequestIsA400() {
        ObjectNode request = DevRequests.request(2, DevRequests.decode(proof().v1()),
                DevRequests.v2(proof().v2()).get("paymentRequirements"));

        assertEquals(400, facilitator.verify(request).status());
    }

    @Test
    void requirementsWithoutAPayToAreA400() {
        ObjectNode request = DevRequests.v2(proof().v2());
        ((ObjectNode) request.get("paymentRequirements")).remove("payTo");

        DevFacilitator.Answer a = facilitator.verify(request);

        assertEquals(400, a.status());
        assertEquals(DevFacilitator.REASON_INVALID_REQUIREMENTS, a.body().path("invalidReason").asText());
    }

    @Test
    void aPayloadWithoutASignatureIsAnInvalidSignature() {
        ObjectNode request = DevRequests.v2(proof().v2());
        ((ObjectNode) request.path("paymentPayload").path("payload")).remove("signature");

        assertEquals(ExactEvmInvalidReason.INVALID_SIGNATURE.code(),
                facilitator.verify(request).body().path("invalidReason").asText());
    }

    @Test
    void supportedListsExactOnEveryNetworkForBothVersions() {
        JsonNode kinds = facilitator.supported().path("kinds");
        List<String> listed = StreamSupport.stream(kinds.spliterator(), false)
                .map(k -> k.path("x402Version").asInt() + " " + k.path("scheme").asText() + " "
                        + k.path("network").asText())
                .toList();

        assertTrue(listed.contains("1 exact base-sepolia"), listed.toString());
        assertTrue(listed.contains("2 exact eip155:84532"), listed.toString());
        assertTrue(listed.contains("1 exact base"), listed.toString());
        assertTrue(listed.contains("2 exact eip155:8453"), listed.toString());
    }

    @Test
    void theDemoPayerIsFundedOnEveryNetworksDefaultToken() {
        DevFacilitator demo = DevFacilitator.withDemoFunds(NetworkRegistry.defaults(), Clock.systemUTC());

        for (var n : NetworkRegistry.defaults().all()) {
            assertEquals(DemoAccounts.DEMO_FUNDS,
                    demo.ledger().balanceOf(DevFacilitator.token(n, n.usdcAddress()), DemoAccounts.DEMO_PAYER),
                    n.v1Name());
        }
    }
}
