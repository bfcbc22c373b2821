package dev.tollgate.reliability.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.evm.LocalExactEvmPaymentVerifier;
import dev.tollgate.core.gate.Decision;
import dev.tollgate.core.gate.PaymentSession;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.verify.SettleOutcome;
import dev.tollgate.core.wire.SettleResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Really signed proofs, changed after signing or sent where they do not belong, through the whole gate with
 * signatures really checked (main's {@link LocalExactEvmPaymentVerifier}: EIP-712 recovery and field checks). Each is refused with a 402 naming why, nothing is
 * settled, and where it says so, the proof was not burned by the attempt.
 *
 * <p>Routes: /a $0.01, /b $0.02, /c $0.01 (same terms as /a), /other $0.01 to another payTo, /asset $0.01
 * in another token, /multi $0.01 on base-sepolia or base.
 */
class TamperingMatrixTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String OTHER = "0x00000000000000000000000000000000000000aa";
    static final String OTHER_TOKEN = "0x1111111111111111111111111111111111111111";
    static final String V1 = "X-PAYMENT";
    static final String V2 = "PAYMENT-SIGNATURE";

    static FacilitatorDouble facilitator;
    static Tollgate gate;
    static final AtomicInteger SETTLED = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        gate = Tollgate.create(builder(facilitator.url())
                .verifier(new LocalExactEvmPaymentVerifier(Clock.systemUTC()))
                .settler(attempt -> {
                    SETTLED.incrementAndGet();
                    return new SettleOutcome.Settled(new SettleResponse(true, null, "0x" + "ab".repeat(32),
                            attempt.option().network().caip2(), null));
                })
                .build());
    }

    static TollgateConfig.Builder builder(String facilitatorUrl) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("facilitator.url", facilitatorUrl);
        s.put("facilitator.requestTimeout", "2s");
        s.put("payTo", Proofs.PAY_TO);
        s.put("network", "base-sepolia");
        s.put("price", "$0.01");
        s.put("routes", "a,b,c,other,asset,multi");
        s.put("route.a.path", "/a/*");
        s.put("route.b.path", "/b/*");
        s.put("route.b.price", "$0.02");
        s.put("route.c.path", "/c/*");
        s.put("route.other.path", "/other/*");
        s.put("route.other.payTo", OTHER);
        s.put("route.asset.path", "/asset/*");
        s.put("route.asset.asset", OTHER_TOKEN);
        s.put("route.asset.amount", "10000"); // another token's price is never read from dollars
        s.put("route.asset.eip712.name", "Other Token"); // nor its signing domain from USDC's
        s.put("route.asset.eip712.version", "1");
        s.put("route.multi.path", "/multi/*");
        s.put("route.multi.accepts", "sepolia,mainnet");
        s.put("accept.sepolia.network", "base-sepolia");
        s.put("accept.mainnet.network", "base");
        return TollgateConfig.builder().environment(n -> null).settings(s);
    }

    @AfterAll
    static void stop() {
        gate.close();
        facilitator.close();
    }

    static Decision check(Tollgate tollgate, Req r) {
        return tollgate.check(r, tollgate.termsFor(r.method(), r.path()).orElseThrow());
    }

    /** Refused with a 402 whose reason contains {@code reason}, and nothing settled. */
    static void refused(Req r, String reason) {
        int settled = SETTLED.get();
        Decision d = check(gate, r);
        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, d, () -> "admitted: " + d);
        assertEquals(402, c.answer().status());
        assertTrue(c.reason() != null && c.reason().contains(reason), "reason was: " + c.reason());
        assertEquals(settled, SETTLED.get());
    }

    static void admitted(Req r) {
        Decision d = check(gate, r);
        PaymentSession session = assertInstanceOf(Decision.Admit.class, d, () -> "refused: " + d).session();
        assertInstanceOf(dev.tollgate.core.gate.Completion.Deliver.class, session.complete(200));
    }

    static String edited(String header, Consumer<ObjectNode> edit) throws Exception {
        ObjectNode tree = (ObjectNode) JSON.readTree(Base64.getDecoder().decode(header));
        edit.accept(tree);
        return Base64.getEncoder().encodeToString(tree.toString().getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode authorization(ObjectNode proof) {
        return (ObjectNode) proof.path("payload").path("authorization");
    }

    static ObjectNode accepted(ObjectNode proof) {
        return (ObjectNode) proof.path("accepted");
    }

    // --- a proof for route A on route B ---

    @Test
    void aV1ProofForAIsRefusedOnBWhichCostsMore() {
        refused(Req.get("/b/x").with(V1, Proofs.proof().v1()), "invalid_exact_evm_payload_authorization_value");
    }

    @Test
    void aV2ProofForAIsRefusedOnBWhichCostsMore() {
        refused(Req.get("/b/x").with(V2, Proofs.proof().resource("http://127.0.0.1/a/x").v2()),
                "another resource");
        refused(Req.get("/b/x").with(V2, Proofs.proof().v2()), "does not match any requirement");
    }

    @Test
    void aV2ProofNamingResourceAIsRefusedOnCAtTheSamePrice() {
        refused(Req.get("/c/x").with(V2, Proofs.proof().resource("http://127.0.0.1/a/x").v2()), "another resource");
    }

    /** v1 signs no resource: a proof for A fits C's identical terms, pays for C once, and is spent for A. */
    @Test
    void aV1ProofForAPaysForCAtTheSamePriceOnceAndIsThenSpentForA() {
        String proof = Proofs.proof().v1();
        admitted(Req.get("/c/x").with(V1, proof));
        refused(Req.get("/a/x").with(V1, proof), "payment_already_used");
    }

    // --- fields changed after signing ---

    @Test
    void anAmountRaisedAfterSigningToFitADearerRouteFailsTheSignature() throws Exception {
        String v1 = edited(Proofs.proof().v1(), p -> authorization(p).put("value", "20000"));
        refused(Req.get("/b/x").with(V1, v1), "invalid_exact_evm_payload_signature");
        String v2 = edited(Proofs.proof().v2(), p -> {
            authorization(p).put("value", "20000");
            accepted(p).put("amount", "20000");
        });
        refused(Req.get("/b/x").with(V2, v2), "invalid_exact_evm_payload_signature");
    }

    @Test
    void anAmountChangedOnlyInTheV2CopyOfTheOfferIsRefusedBeforeAnyVerifier() throws Exception {
        refused(Req.get("/a/x").with(V2, edited(Proofs.proof().v2(), p -> accepted(p).put("amount", "1"))),
                "does not match any requirement");
    }

    @Test
    void aPayToChangedAfterSigningFailsTheSignatureOrTheRecipientCheck() throws Exception {
        String v1 = edited(Proofs.proof().v1(), p -> authorization(p).put("to", OTHER));
        refused(Req.get("/other/x").with(V1, v1), "invalid_exact_evm_payload_signature");
        refused(Req.get("/a/x").with(V1, v1), "invalid_exact_evm_payload_recipient_mismatch");
        String v2 = edited(Proofs.proof().v2(), p -> {
            authorization(p).put("to", OTHER);
            accepted(p).put("payTo", OTHER);
        });
        refused(Req.get("/other/x").with(V2, v2), "invalid_exact_evm_payload_signature");
    }

    @Test
    void anAssetChangedAfterSigningIsRefused() throws Exception {
        String v2 = edited(Proofs.proof().v2(), p -> accepted(p).put("asset", OTHER_TOKEN));
        refused(Req.get("/a/x").with(V2, v2), "does not match any requirement");
        // Where the other token is what the route charges (its offer, domain and all), the USDC-domain signature
        // does not verify for it.
        String asOffered = edited(Proofs.proof().v2(), p -> {
            accepted(p).put("asset", OTHER_TOKEN);
            ((ObjectNode) accepted(p).path("extra"))
                    .put("name", "Other Token").put("version", "1");
        });
        refused(Req.get("/asset/x").with(V2, v2), "does not match any requirement");
        refused(Req.get("/asset/x").with(V2, asOffered), "invalid_exact_evm_payload_signature");
        refused(Req.get("/asset/x").with(V1, Proofs.proof().v1()), "invalid_exact_evm_payload_signature");
    }

    @Test
    void aNetworkChangedAfterSigningIsRefused() throws Exception {
        String v1 = edited(Proofs.proof().v1(), p -> p.put("network", "base"));
        refused(Req.get("/a/x").with(V1, v1), "does not match any requirement");
        refused(Req.get("/multi/x").with(V1, v1), "invalid_exact_evm_payload_signature");
        // The client's copy of the offer becomes base's offer, exactly as the server lists it.
        Decision.Challenge offer = assertInstanceOf(Decision.Challenge.class, check(gate, Req.get("/multi/x")));
        JsonNode base = JSON.readTree(Base64.getDecoder().decode(offer.answer().headers().get("PAYMENT-REQUIRED")))
                .path("accepts").get(1);
        assertEquals("eip155:8453", base.path("network").asText());
        String v2 = edited(Proofs.proof().v2(), p -> p.set("accepted", base.deepCopy()));
        refused(Req.get("/multi/x").with(V2, v2), "invalid_exact_evm_payload_signature");
    }

    @Test
    void aSchemeChangedAfterSigningIsRefused() throws Exception {
        refused(Req.get("/a/x").with(V1, edited(Proofs.proof().v1(), p -> p.put("scheme", "upto"))),
                "does not match any requirement");
        refused(Req.get("/a/x").with(V2, edited(Proofs.proof().v2(), p -> accepted(p).put("scheme", "upto"))),
                "does not match any requirement");
    }

    @Test
    void anX402VersionChangedAfterSigningIsRefused() throws Exception {
        refused(Req.get("/a/x").with(V1, edited(Proofs.proof().v1(), p -> p.put("x402Version", 2))),
                "carries x402Version 2");
        refused(Req.get("/a/x").with(V2, edited(Proofs.proof().v2(), p -> p.put("x402Version", 1))),
                "carries x402Version 1");
        refused(Req.get("/a/x").with(V1, edited(Proofs.proof().v1(), p -> p.put("x402Version", "1"))),
                "needs an integer x402Version");
    }

    // --- protocol generations ---

    /**
     * The core has no v1-only or v2-only option: every option is offered to both generations (the v1 body
     * and the v2 header list the same options), so a proof of either generation pays it. What exists is the
     * header/generation pairing, and that is enforced.
     */
    @Test
    void everyOptionIsOfferedToBothGenerationsAndEachProofMustComeInItsOwnHeader() throws Exception {
        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, check(gate, Req.get("/multi/x")));
        JsonNode v1Offer = JSON.readTree(c.answer().body()).path("accepts");
        JsonNode v2Offer = JSON.readTree(Base64.getDecoder().decode(c.answer().headers().get("PAYMENT-REQUIRED")))
                .path("accepts");
        assertEquals(2, v1Offer.size());
        assertEquals(2, v2Offer.size());
        refused(Req.get("/a/x").with(V2, Proofs.proof().v1()), "carries x402Version 1");
        refused(Req.get("/a/x").with(V1, Proofs.proof().v2()), "carries x402Version 2");
        admitted(Req.get("/a/x").with(V1, Proofs.proof().v1()));
        admitted(Req.get("/a/x").with(V2, Proofs.proof().v2()));
    }

    // --- time ---

    @Test
    void anExpiredAuthorizationIsRefusedByTheLocalVerifier() {
        String expired = Proofs.proof().at(Instant.now().minusSeconds(3600)).v1();
        refused(Req.get("/a/x").with(V1, expired), "invalid_exact_evm_payload_authorization_valid_before");
    }

    @Test
    void aNotYetValidAuthorizationIsRefusedByTheLocalVerifier() {
        String early = Proofs.proof().at(Instant.now().plusSeconds(3600)).v2();
        refused(Req.get("/a/x").with(V2, early), "invalid_exact_evm_payload_authorization_valid_after");
    }

    @Test
    void aFacilitatorsExpiryVerdictReachesTheClientAndNothingIsSettled() {
        facilitator.onVerify(FacilitatorDouble.invalid("invalid_exact_evm_payload_authorization_valid_before"));
        try (Tollgate viaFacilitator = Tollgate.create(builder(facilitator.url()).build())) {
            int settles = facilitator.settleRequests().size();
            Decision d = check(viaFacilitator, Req.get("/a/x").with(V1,
                    Proofs.proof().at(Instant.now().minusSeconds(3600)).v1()));
            Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, d);
            assertEquals("invalid_exact_evm_payload_authorization_valid_before", c.reason());
            assertEquals(settles, facilitator.settleRequests().size());
        } finally {
            facilitator.onVerify(FacilitatorDouble::acceptVerify);
        }
    }

    // --- both headers ---

    @Test
    void theSameProofInBothHeadersIsRefusedAndNotBurned() {
        String proof = Proofs.proof().v1();
        refused(Req.get("/a/x").with(V1, proof).with(V2, proof), "send exactly one payment header");
        admitted(Req.get("/a/x").with(V1, proof));
    }

    @Test
    void twoDifferentProofsInTheTwoHeadersAreRefusedAndNeitherIsBurned() {
        String v1 = Proofs.proof().v1();
        String v2 = Proofs.proof().v2();
        refused(Req.get("/a/x").with(V1, v1).with(V2, v2), "send exactly one payment header");
        admitted(Req.get("/a/x").with(V1, v1));
        admitted(Req.get("/a/x").with(V2, v2));
    }

    @Test
    void twoProofsInOneHeaderAreRefused() {
        refused(Req.get("/a/x").with(V1, Proofs.proof().v1()).with(V1, Proofs.proof().v1()),
                "send exactly one payment header");
    }
}
