package dev.tollgate.core.gate;

import static dev.tollgate.core.gate.GateHarness.PAYER;
import static dev.tollgate.core.gate.GateHarness.RESOURCE;
import static dev.tollgate.core.gate.GateHarness.SEPOLIA_USDC;
import static dev.tollgate.core.gate.GateHarness.decodeHeader;
import static dev.tollgate.core.gate.GateHarness.v1;
import static dev.tollgate.core.gate.GateHarness.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.evm.LocalExactEvmPaymentVerifier;
import dev.tollgate.core.evm.Permit2Authorization;
import dev.tollgate.core.evm.PermitWitnessTransferFrom;
import dev.tollgate.core.evm.Secp256k1;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.wire.WireJson;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Permit2 asset transfer method of x402 v2's exact scheme on EVM: offered per option
 * ({@code assetTransferMethod=permit2}), checked against the offer before any facilitator is asked, verified and
 * settled by the facilitator, and remembered in the replay ledger by payer and Permit2 nonce.
 */
class Permit2GateTest {
    /** The x402 specification's canonical x402ExactPermit2Proxy, the spender every payer signs for. */
    static final String PROXY = "0x402085c248EeA27D92E8b30b2C58ed07f9E20001";

    private GateHarness gate;

    @AfterEach
    void stop() {
        if (gate != null) {
            gate.close();
        }
    }

    private static GateHarness permit2Route(String... more) throws IOException {
        String[] settings = new String[more.length + 2];
        settings[0] = "assetTransferMethod";
        settings[1] = "permit2";
        System.arraycopy(more, 0, settings, 2, more.length);
        return new GateHarness(settings);
    }

    /** A v2 proof for the route's (only) offer, copied from the 402 as a client copies it, with a Permit2 payload. */
    private String permit2Proof(Consumer<ObjectNode> editPayload) {
        Decision.Challenge c = gate.challenged(GateHarness.paid());
        JsonNode required = decodeHeader(c.answer().headers().get("PAYMENT-REQUIRED"));
        ObjectNode proof = WireJson.mapper().createObjectNode().put("x402Version", 2);
        proof.putObject("resource").put("url", RESOURCE);
        proof.set("accepted", required.path("accepts").get(0).deepCopy());
        ObjectNode payload = permit2Payload(new BigInteger("33247007178036348590600198031289925668252061821958005840077069883511451257277"));
        editPayload.accept(payload);
        proof.set("payload", payload);
        return Proofs.base64(proof);
    }

    static ObjectNode permit2Payload(BigInteger nonce) {
        long now = Instant.now().getEpochSecond();
        ObjectNode payload = WireJson.mapper().createObjectNode().put("signature", "0x" + "11".repeat(65));
        ObjectNode a = payload.putObject("permit2Authorization");
        a.putObject("permitted").put("token", SEPOLIA_USDC).put("amount", "10000");
        a.put("from", PAYER).put("spender", PROXY).put("nonce", nonce.toString())
                .put("deadline", Long.toString(now + 60));
        a.putObject("witness").put("to", Proofs.PAY_TO).put("validAfter", Long.toString(now - 60));
        return payload;
    }

    private static ObjectNode authorization(ObjectNode payload) {
        return (ObjectNode) payload.get("permit2Authorization");
    }

    private void assertRefusedWithoutAskingTheFacilitator(String header, String reasonPart) {
        Decision.Challenge c = gate.challenged(v2(header));
        assertEquals(402, c.answer().status());
        assertTrue(c.reason() != null && c.reason().contains(reasonPart), c.reason());
        assertEquals(0, gate.facilitator.verifyRequests().size(), "the facilitator was asked");
    }

    // --- a route that offers EIP-3009 only ---------------------------------------------------------------

    @Test
    void aPermit2PayloadOnAnEip3009OfferIsRefusedNamingTheMethods() throws IOException {
        gate = new GateHarness();
        assertRefusedWithoutAskingTheFacilitator(permit2Proof(p -> { }), "permit2");
        assertRefusedWithoutAskingTheFacilitator(permit2Proof(p -> { }), "eip3009");
    }

    @Test
    void anAcceptedThatAsksForPermit2WhereNoOptionOffersItIsRefusedNamingIt() throws IOException {
        gate = new GateHarness();
        String header = GateHarness.edited(permit2Proof(p -> { }),
                t -> ((ObjectNode) t.path("accepted").path("extra")).put("assetTransferMethod", "permit2"));
        assertRefusedWithoutAskingTheFacilitator(header, "assetTransferMethod permit2");
    }

    @Test
    void anOfferWithoutAssetTransferMethodIsWrittenAsBefore() throws IOException {
        gate = new GateHarness();
        JsonNode extra = decodeHeader(gate.challenged(GateHarness.paid()).answer().headers().get("PAYMENT-REQUIRED"))
                .path("accepts").get(0).path("extra");
        assertEquals(2, extra.size(), extra.toString());
        assertFalse(extra.has("assetTransferMethod"));
    }

    // --- a route that offers Permit2 ---------------------------------------------------------------------

    @Test
    void aPermit2OfferNamesItsMethodInExtra() throws IOException {
        gate = permit2Route();
        Decision.Challenge c = gate.challenged(GateHarness.paid());
        JsonNode offer = decodeHeader(c.answer().headers().get("PAYMENT-REQUIRED")).path("accepts").get(0);
        assertEquals("permit2", offer.path("extra").path("assetTransferMethod").asText(), offer.toString());
        assertEquals("USDC", offer.path("extra").path("name").asText());
    }

    @Test
    void aPermit2OptionForATokenWithoutEip3009NeedsNoEip712DomainOfIt() throws IOException {
        gate = permit2Route("asset", "0x1111111111111111111111111111111111111111", "price", null, "amount", "5");
        JsonNode extra = decodeHeader(gate.challenged(GateHarness.paid()).answer().headers().get("PAYMENT-REQUIRED"))
                .path("accepts").get(0).path("extra");
        assertEquals("{\"assetTransferMethod\":\"permit2\"}", extra.toString());
    }

    @Test
    void eachOptionOffersItsOwnMethodAndEachPayloadPaysItsOwnOffer() throws IOException {
        gate = new GateHarness("route.premium.accepts", "usdc,permit", "accept.usdc.network", "base-sepolia",
                "accept.permit.assetTransferMethod", "permit2");
        JsonNode accepts = decodeHeader(gate.challenged(GateHarness.paid()).answer().headers()
                .get("PAYMENT-REQUIRED")).path("accepts");
        assertFalse(accepts.get(0).path("extra").has("assetTransferMethod"));
        assertEquals("permit2", accepts.get(1).path("extra").path("assetTransferMethod").asText());
        gate.admitted(v2(Proofs.proof().resource(RESOURCE).v2()));
        ObjectNode proof = (ObjectNode) decodeHeader(Proofs.proof().resource(RESOURCE).v2());
        proof.set("accepted", accepts.get(1));
        proof.set("payload", permit2Payload(BigInteger.TWO));
        assertEquals(PAYER, gate.admitted(v2(Proofs.base64(proof))).receipt().payer());
        assertEquals(2, gate.facilitator.verifyRequests().size());
    }

    @Test
    void permit2BesideTheProofApiDialectStopsStartUp() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> permit2Route(
                "facilitator.dialect", "proof-api").close());
        assertTrue(e.getMessage().contains("assetTransferMethod") && e.getMessage().contains("proof-api"),
                e.getMessage());
    }

    @Test
    void anUnknownAssetTransferMethodStopsStartUpNamingTheKey() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> new GateHarness("route.premium.assetTransferMethod", "permit3").close());
        assertTrue(e.getMessage().contains("route.premium.assetTransferMethod"), e.getMessage());
        assertTrue(e.getMessage().contains("eip3009") && e.getMessage().contains("permit2"), e.getMessage());
    }

    @Test
    void aPermit2PaymentIsVerifiedAndSettledByTheFacilitatorWithTheClientsPayload() throws IOException {
        gate = permit2Route();
        String header = permit2Proof(p -> { });
        PaymentSession session = gate.admitted(v2(header));
        assertEquals(PAYER, session.receipt().payer());
        JsonNode asked = gate.facilitator.verifyRequests().get(0);
        assertEquals(decodeHeader(header), asked.path("paymentPayload"));
        assertEquals("permit2", asked.path("paymentRequirements").path("extra").path("assetTransferMethod").asText());
        assertInstanceOf(Completion.Deliver.class, session.complete(200));
        assertEquals(1, gate.facilitator.settleRequests().size());
    }

    @Test
    void aPermit2NonceIsAdmittedOnceAndItsReplayIsRefused() throws IOException {
        gate = permit2Route();
        String header = permit2Proof(p -> { });
        gate.admitted(v2(header)).complete(200);
        Decision.Challenge replay = gate.challenged(v2(header));
        assertEquals(402, replay.answer().status());
        // Another spelling of the same nonce is the same Permit2 nonce.
        String padded = permit2Proof(p -> authorization(p).put("nonce",
                "0" + authorization(p).path("nonce").asText()));
        assertEquals(402, gate.challenged(v2(padded)).answer().status());
        assertEquals(1, gate.facilitator.verifyRequests().size());
    }

    @Test
    void aPermit2LedgerKeyIsScopedApartFromEip3009Nonces() throws IOException, Refusal {
        gate = permit2Route();
        String header = permit2Proof(p -> authorization(p).put("nonce", "1"));
        MatchedProof proof = new ProofMatcher(new dev.tollgate.core.wire.HeaderCodec(1 << 16))
                .matchV2(header, GateHarness.paid(), gate.tollgate.termsFor("GET", GateHarness.PATH).orElseThrow());
        assertEquals("x402:eip155:84532:permit2:" + PAYER.toLowerCase(java.util.Locale.ROOT) + ":1",
                proof.ledgerKey());
        assertNotEquals(proof.ledgerKey(), "x402:eip155:84532:" + SEPOLIA_USDC.toLowerCase(java.util.Locale.ROOT)
                + ":" + PAYER.toLowerCase(java.util.Locale.ROOT) + ":0x" + "0".repeat(63) + "1");
        assertEquals(PAYER, proof.payer());
    }

    @Test
    void anEip3009PayloadOnAPermit2OfferIsRefusedNamingTheMethods() throws IOException {
        gate = permit2Route();
        String header = GateHarness.edited(permit2Proof(p -> { }),
                t -> t.set("payload", Proofs.proof().evmPayload()));
        assertRefusedWithoutAskingTheFacilitator(header, "eip3009");
        assertRefusedWithoutAskingTheFacilitator(header, "permit2");
    }

    @Test
    void aV1ProofOnAPermit2OnlyRouteIsRefusedSayingPermit2IsV2() throws IOException {
        gate = permit2Route();
        Decision.Challenge c = gate.challenged(v1(Proofs.proof().v1()));
        assertEquals(402, c.answer().status());
        assertTrue(c.reason().contains("permit2"), c.reason());
        assertEquals(0, gate.facilitator.verifyRequests().size());
    }

    @Test
    void aPermit2AuthorizationForOtherTermsIsRefusedBeforeTheFacilitator() throws IOException {
        gate = permit2Route();
        assertRefusedWithoutAskingTheFacilitator(permit2Proof(p -> ((ObjectNode) authorization(p).get("witness"))
                .put("to", "0x1111111111111111111111111111111111111111")), "invalid_permit2_recipient_mismatch");
        assertRefusedWithoutAskingTheFacilitator(permit2Proof(p -> ((ObjectNode) authorization(p).get("permitted"))
                .put("amount", "9999")), "permit2_amount_mismatch");
        assertRefusedWithoutAskingTheFacilitator(permit2Proof(p -> ((ObjectNode) authorization(p).get("permitted"))
                .put("token", GateHarness.BASE_USDC)), "permit2_token_mismatch");
        assertRefusedWithoutAskingTheFacilitator(permit2Proof(p -> authorization(p)
                .put("spender", "0x1111111111111111111111111111111111111111")), "invalid_permit2_spender");
    }

    @Test
    void aMalformedPermit2AuthorizationIsRefusedNamingTheField() throws IOException {
        gate = permit2Route();
        assertRefusedWithoutAskingTheFacilitator(permit2Proof(p -> authorization(p).put("nonce", "-1")),
                "permit2Authorization.nonce");
        assertRefusedWithoutAskingTheFacilitator(permit2Proof(p -> authorization(p).remove("witness")),
                "permit2Authorization.witness");
        assertRefusedWithoutAskingTheFacilitator(permit2Proof(p -> authorization(p).put("deadline", "soon")),
                "permit2Authorization.deadline");
        assertRefusedWithoutAskingTheFacilitator(permit2Proof(p -> p.putNull("permit2Authorization")),
                "permit2Authorization");
        assertRefusedWithoutAskingTheFacilitator(permit2Proof(p -> p.remove("signature")), "signature");
    }

    // --- the in-process verifier -------------------------------------------------------------------------

    /** The payload of {@link #permit2Payload} signed by the test payer, as a wallet signs it. */
    private static ObjectNode signedPermit2Payload(BigInteger nonce) {
        ObjectNode payload = permit2Payload(nonce);
        JsonNode a = payload.path("permit2Authorization");
        Permit2Authorization parsed = Permit2Authorization.parse(WireJson.mapper().convertValue(a,
                dev.tollgate.core.wire.ExactEvmPermit2Payload.Permit2Authorization.class));
        payload.put("signature", Secp256k1.sign(PermitWitnessTransferFrom.digest(84532, parsed), Proofs.PAYER).toHex());
        return payload;
    }

    @Test
    void theInProcessVerifierRefusesAPermit2SignatureThatDoesNotRecoverToFrom() throws IOException {
        gate = permit2Route();
        PaymentOption option = gate.tollgate.termsFor("GET", GateHarness.PATH).orElseThrow().options().get(0);
        JsonNode proof = decodeHeader(permit2Proof(p -> { }));
        VerifyOutcome.Invalid invalid = assertInstanceOf(VerifyOutcome.Invalid.class,
                new LocalExactEvmPaymentVerifier(Clock.systemUTC())
                        .verify(new PaymentAttempt(2, proof, option.requirementsV2(), option, null)));
        assertEquals("invalid_permit2_signature", invalid.reason(), invalid.toString());
    }

    @Test
    void inHybridModeAPermit2PaymentIsVerifiedInProcessAndSettledByTheFacilitator() throws IOException {
        gate = permit2Route("verify", "local");
        PaymentSession session = gate.admitted(v2(permit2Proof(p -> p.setAll(signedPermit2Payload(BigInteger.TEN)))));
        assertEquals(PAYER, session.receipt().payer());
        assertEquals(0, gate.facilitator.verifyRequests().size(), "verified in-process");
        assertInstanceOf(Completion.Deliver.class, session.complete(200));
        assertEquals(1, gate.facilitator.settleRequests().size());
        // Not by another key.
        assertEquals(402, gate.challenged(v2(permit2Proof(p -> { }))).answer().status());
        assertEquals(0, gate.facilitator.verifyRequests().size());
    }

    @Test
    void inHybridModeASmartWalletsPermit2SignatureGoesToTheFacilitatorsVerify() throws IOException {
        gate = permit2Route("verify", "local");
        gate.admitted(v2(permit2Proof(p -> p.put("signature", "0x" + "11".repeat(70)))));
        assertEquals(1, gate.facilitator.verifyRequests().size());
    }
}
