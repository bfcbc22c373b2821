package dev.tollgate.core.gate;

import static dev.tollgate.core.gate.GateHarness.PAYER;
import static dev.tollgate.core.gate.GateHarness.RESOURCE;
import static dev.tollgate.core.gate.GateHarness.body;
import static dev.tollgate.core.gate.GateHarness.decodeHeader;
import static dev.tollgate.core.gate.GateHarness.edited;
import static dev.tollgate.core.gate.GateHarness.v1;
import static dev.tollgate.core.gate.GateHarness.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.wire.WireJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which proofs are admitted, which are refused, and that each is admitted at most once. */
class PaymentGateAdmissionTest {
    private static final String OTHER_ADDRESS = "0x1111111111111111111111111111111111111111";

    private GateHarness gate;

    @BeforeEach
    void start() throws IOException {
        gate = new GateHarness();
    }

    @AfterEach
    void stop() {
        gate.close();
    }

    private void assertRefusedWithoutAskingTheFacilitator(TestRequest request, String reasonPart) {
        Decision.Challenge c = gate.challenged(request);
        assertEquals(402, c.answer().status());
        assertTrue(c.reason() != null && c.reason().contains(reasonPart), c.reason());
        assertEquals(0, gate.facilitator.verifyRequests().size(), "the facilitator was asked");
    }

    // --- valid proofs -------------------------------------------------------------------------------------

    @Test
    void anEip3009LedgerKeyIsNetworkAssetPayerAndNonceEachInLowerCase() throws Refusal {
        String header = edited(Proofs.proof().v2(), p -> {
            ObjectNode a = (ObjectNode) p.path("payload").path("authorization");
            a.put("nonce", a.path("nonce").asText().toUpperCase(java.util.Locale.ROOT).replace("0X", "0x"));
        });
        MatchedProof proof = new ProofMatcher(new dev.tollgate.core.wire.HeaderCodec())
                .matchV2(header, GateHarness.paid(), gate.tollgate.termsFor("GET", GateHarness.PATH).orElseThrow());
        String nonce = decodeHeader(header).path("payload").path("authorization").path("nonce").asText();
        assertNotEquals(nonce.toLowerCase(java.util.Locale.ROOT), nonce, "the nonce has upper-case digits");
        assertEquals("x402:eip155:84532:" + GateHarness.SEPOLIA_USDC.toLowerCase(java.util.Locale.ROOT) + ":"
                + PAYER.toLowerCase(java.util.Locale.ROOT) + ":" + nonce.toLowerCase(java.util.Locale.ROOT),
                proof.ledgerKey());
    }

    @Test
    void aValidV1ProofIsAdmittedWithAReceiptInV1Terms() {
        PaymentSession session = gate.admitted(v1(Proofs.proof().v1()));
        PaymentReceipt r = session.receipt();
        assertEquals(1, r.x402Version());
        assertEquals("exact", r.scheme());
        assertEquals("base-sepolia", r.network());
        assertEquals(GateHarness.SEPOLIA_USDC, r.asset());
        assertEquals("10000", r.amount());
        assertEquals(Proofs.PAY_TO, r.payTo());
        assertEquals(PAYER, r.payer());
        assertNull(r.transaction(), "nothing is settled before the handler runs");
        assertEquals(SettlementMode.AFTER, session.settlement());
    }

    @Test
    void aValidV2ProofIsAdmittedWithAReceiptInV2Terms() {
        PaymentReceipt r = gate.admitted(v2(Proofs.proof().resource(RESOURCE).v2())).receipt();
        assertEquals(2, r.x402Version());
        assertEquals("eip155:84532", r.network());
        assertEquals(PAYER, r.payer());
    }

    @Test
    void aV2ProofWithoutAResourceIsAdmitted() {
        gate.admitted(v2(Proofs.proof().v2()));
    }

    @Test
    void admissionVerifiesOnceAndSettlesNothingYet() {
        gate.admitted(v1(Proofs.proof().v1()));
        assertEquals(1, gate.facilitator.verifyRequests().size());
        assertEquals(0, gate.facilitator.settleRequests().size());
    }

    @Test
    void theFacilitatorVerifiesTheClientsPayloadAgainstTheServersOwnV1Requirement() {
        String header = Proofs.proof().v1();
        gate.admitted(v1(header));
        JsonNode request = gate.facilitator.verifyRequests().get(0);
        assertEquals(1, request.path("x402Version").intValue());
        assertEquals(GateHarness.decodeHeader(header), request.path("paymentPayload"));
        JsonNode req = request.path("paymentRequirements");
        assertEquals("base-sepolia", req.path("network").asText());
        assertEquals("10000", req.path("maxAmountRequired").asText());
        assertEquals(RESOURCE, req.path("resource").asText());
        assertEquals(Proofs.PAY_TO, req.path("payTo").asText());
    }

    /** v1 facilitators built on the reference schemas (x402 1.x, Python x402 1.x) refuse a requirement without it. */
    @Test
    void aV1RequirementSentToTheFacilitatorStatesAMimeTypeEvenWhenTheRouteSetsNone() throws IOException {
        try (GateHarness plain = new GateHarness("mimeType", null)) {
            plain.admitted(v1(Proofs.proof().v1()));
            JsonNode req = plain.facilitator.verifyRequests().get(0).path("paymentRequirements");
            assertTrue(req.path("mimeType").isTextual(), req.toString());
            assertEquals("", req.path("mimeType").asText());
        }
    }

    @Test
    void theFacilitatorVerifiesAV2ProofAgainstTheOfferNotTheClientsCopy() {
        String header = Proofs.proof().resource(RESOURCE).v2();
        gate.admitted(v2(header));
        JsonNode request = gate.facilitator.verifyRequests().get(0);
        assertEquals(2, request.path("x402Version").intValue());
        assertEquals(GateHarness.decodeHeader(header), request.path("paymentPayload"));
        PaymentOption offered = gate.tollgate.termsFor("GET", GateHarness.PATH).orElseThrow().options().get(0);
        assertEquals(WireJson.mapper().valueToTree(offered.requirementsV2()), request.path("paymentRequirements"));
    }

    @Test
    void headerNamesAreMatchedWithoutRegardToCase() {
        gate.admitted(GateHarness.paid().with("x-payment", Proofs.proof().v1()));
    }

    // --- HEAD ----------------------------------------------------------------------------------------------

    @Test
    void aProofSentWithHeadIsNeitherVerifiedNorClaimedAndStillPaysForTheGet() {
        String proof = Proofs.proof().v1();
        TestRequest head = v1(proof);
        head = new TestRequest("HEAD", head.path(), head.resourceUrl(), head.headerMap());
        assertRefusedWithoutAskingTheFacilitator(head, "HEAD");
        // Unclaimed: the same proof is admitted with GET and then settled once.
        gate.admitted(v1(proof)).complete(200);
        assertEquals(1, gate.facilitator.settleRequests().size());
    }

    @Test
    void aHeadWithoutProofIsTheUsualChallenge() {
        TestRequest get = GateHarness.paid();
        TestRequest head = new TestRequest("HEAD", get.path(), get.resourceUrl(), get.headerMap());
        Decision.Challenge c = gate.challenged(head);
        assertEquals(402, c.answer().status());
        assertNull(c.reason());
    }

    // --- replay -------------------------------------------------------------------------------------------

    @Test
    void aSettledProofPresentedAgainIsRefusedAsReplayedAndSettledOnlyOnce() {
        String header = Proofs.proof().v1();
        gate.admitted(v1(header)).complete(200);
        Decision.Challenge again = gate.challenged(v1(header));
        assertEquals("payment_already_used", again.reason());
        assertEquals("payment_already_used", body(again.answer()).path("error").asText());
        assertEquals(1, gate.facilitator.settleRequests().size());
        assertEquals(1, gate.facilitator.verifyRequests().size());
    }

    @Test
    void aProofStillBeingServedCannotBeUsedForASecondRequest() {
        String header = Proofs.proof().v2();
        gate.admitted(v2(header));
        assertEquals("payment_already_used", gate.challenged(v2(header)).reason());
    }

    @Test
    void reEncodingTheSameAuthorizationWithReorderedFieldsIsStillAReplay() {
        String header = Proofs.proof().v1();
        gate.admitted(v1(header)).complete(200);
        String reordered = edited(header, tree -> {
            JsonNode payload = tree.remove("payload");
            tree.set("payload", payload);
            tree.put("somethingNew", true);
        });
        assertEquals("payment_already_used", gate.challenged(v1(reordered)).reason());
    }

    @Test
    void theSameAuthorizationSentAsV1AndThenAsV2IsAReplay() {
        ObjectNode evm = Proofs.proof().evmPayload();
        ObjectNode p1 = GateHarness.JSON.createObjectNode().put("x402Version", 1).put("scheme", "exact")
                .put("network", "base-sepolia");
        p1.set("payload", evm);
        gate.admitted(v1(Proofs.base64(p1))).complete(200);
        ObjectNode p2 = (ObjectNode) GateHarness.decodeHeader(Proofs.proof().v2());
        p2.set("payload", evm);
        assertEquals("payment_already_used", gate.challenged(v2(Proofs.base64(p2))).reason());
    }

    @Test
    void fiftyConcurrentCopiesOfOneProofAreAdmittedExactlyOnce() throws Exception {
        String header = Proofs.proof().v1();
        int n = 50;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Decision>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<Decision> call = () -> {
                    ready.countDown();
                    go.await();
                    return gate.check(v1(header));
                };
                results.add(pool.submit(call));
            }
            assertTrue(ready.await(10, TimeUnit.SECONDS));
            go.countDown();
            int admitted = 0;
            int replayed = 0;
            for (Future<Decision> f : results) {
                Decision d = f.get(20, TimeUnit.SECONDS);
                if (d instanceof Decision.Admit) {
                    admitted++;
                } else if (d instanceof Decision.Challenge c && "payment_already_used".equals(c.reason())) {
                    replayed++;
                }
            }
            assertEquals(1, admitted);
            assertEquals(n - 1, replayed);
            assertEquals(1, gate.facilitator.verifyRequests().size(), "copies are stopped before verification");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoDifferentProofsFromOnePayerAreBothAdmitted() {
        gate.admitted(v1(Proofs.proof().v1())).complete(200);
        gate.admitted(v1(Proofs.proof().v1())).complete(200);
        assertEquals(2, gate.facilitator.settleRequests().size());
    }

    // --- proofs for other terms ------------------------------------------------------------------------------

    @Test
    void aProofForTheWrongAmountIsRefusedWithoutVerification() {
        assertRefusedWithoutAskingTheFacilitator(v1(Proofs.proof().value(9_999).v1()),
                "invalid_exact_evm_payload_authorization_value");
    }

    @Test
    void aProofPayingMoreThanThePriceIsAlsoRefused() {
        assertRefusedWithoutAskingTheFacilitator(v1(Proofs.proof().value(1_000_000).v1()),
                "invalid_exact_evm_payload_authorization_value");
    }

    @Test
    void aProofPayingSomeoneElseIsRefusedWithoutVerification() {
        assertRefusedWithoutAskingTheFacilitator(v1(Proofs.proof().payTo(OTHER_ADDRESS).v1()),
                "invalid_exact_evm_payload_recipient_mismatch");
    }

    @Test
    void aV1ProofOnAnotherNetworkIsRefusedWithoutVerification() {
        assertRefusedWithoutAskingTheFacilitator(v1(Proofs.proof()
                        .network("base", "eip155:8453", 8453, GateHarness.BASE_USDC).v1()),
                "does not match any requirement");
    }

    @Test
    void aV1ProofForAnotherSchemeIsRefusedWithoutVerification() {
        assertRefusedWithoutAskingTheFacilitator(v1(edited(Proofs.proof().v1(), t -> t.put("scheme", "upto"))),
                "does not match any requirement");
    }

    @Test
    void aV2ProofOnAnotherNetworkIsRefusedWithoutVerification() {
        assertRefusedWithoutAskingTheFacilitator(v2(Proofs.proof()
                        .network("base", "eip155:8453", 8453, GateHarness.BASE_USDC).v2()),
                "does not match any requirement");
    }

    @Test
    void aV2ProofWhoseAcceptedDiffersFromTheOfferInAnyFieldIsRefused() {
        String header = Proofs.proof().v2();
        List<java.util.function.Consumer<ObjectNode>> edits = List.of(
                a -> a.put("maxTimeoutSeconds", 3600),
                a -> a.put("asset", OTHER_ADDRESS),
                a -> a.put("amount", "1"),
                a -> a.put("payTo", OTHER_ADDRESS),
                a -> ((ObjectNode) a.get("extra")).put("name", "USD Coin"),
                a -> a.put("scheme", "upto"),
                a -> a.remove("extra"));
        for (java.util.function.Consumer<ObjectNode> edit : edits) {
            String changed = edited(header, t -> edit.accept((ObjectNode) t.get("accepted")));
            assertRefusedWithoutAskingTheFacilitator(v2(changed), "does not match any requirement");
        }
    }

    @Test
    void aV2ProofWhoseAuthorizationPaysLessThanItsAcceptedIsRefused() {
        ObjectNode cheap = Proofs.proof().value(1).evmPayload();
        String header = edited(Proofs.proof().v2(), t -> t.set("payload", cheap));
        assertRefusedWithoutAskingTheFacilitator(v2(header), "invalid_exact_evm_payload_authorization_value");
    }

    /**
     * Each generation's specification names the refusal of another value: v1 {@code ..._authorization_value}, v2
     * {@code ..._authorization_value_mismatch}; the gate answers each proof under its own generation's name.
     */
    @Test
    void aProofOfAnotherValueIsRefusedUnderItsGenerationsName() {
        assertEquals("invalid_exact_evm_payload_authorization_value",
                gate.challenged(v1(Proofs.proof().value(9_999).v1())).reason());
        ObjectNode cheap = Proofs.proof().value(9_999).evmPayload();
        String header = edited(Proofs.proof().v2(), t -> t.set("payload", cheap));
        Decision.Challenge c = gate.challenged(v2(header));
        assertEquals("invalid_exact_evm_payload_authorization_value_mismatch", c.reason());
        assertEquals(c.reason(), decodeHeader(c.answer().headers().get("PAYMENT-REQUIRED")).path("error").asText());
        assertEquals(0, gate.facilitator.verifyRequests().size());
    }

    @Test
    void aV2ProofMadeForAnotherPathIsRefused() {
        assertRefusedWithoutAskingTheFacilitator(v2(Proofs.proof().resource(TestRequest.ORIGIN + "/premium/cheap").v2()),
                "another resource");
    }

    @Test
    void anXPaymentHeaderCarryingAV2PayloadIsRefused() {
        assertRefusedWithoutAskingTheFacilitator(v1(Proofs.proof().v2()), "use PAYMENT-SIGNATURE");
    }

    @Test
    void aPaymentSignatureHeaderCarryingAV1PayloadIsRefused() {
        assertRefusedWithoutAskingTheFacilitator(v2(Proofs.proof().v1()), "use X-PAYMENT");
    }

    @Test
    void bothPaymentHeadersTogetherAreRefused() {
        assertRefusedWithoutAskingTheFacilitator(v1(Proofs.proof().v1()).with("PAYMENT-SIGNATURE", Proofs.proof().v2()),
                "exactly one payment header");
    }

    @Test
    void twoXPaymentHeadersAreRefused() {
        assertRefusedWithoutAskingTheFacilitator(v1(Proofs.proof().v1()).with("X-PAYMENT", Proofs.proof().v1()),
                "exactly one payment header");
    }

    @Test
    void aProofThatIsNotBase64IsRefusedWithThePreciseError() {
        assertRefusedWithoutAskingTheFacilitator(v1("%%% not base64 %%%"), "not valid base64");
    }

    @Test
    void aProofLargerThanTheHeaderLimitIsRefused() {
        assertRefusedWithoutAskingTheFacilitator(v1("A".repeat(16 * 1024 + 4)), "larger than");
    }

    @Test
    void aProofWithoutAVersionIsRefused() {
        assertRefusedWithoutAskingTheFacilitator(v1(edited(Proofs.proof().v1(), t -> t.remove("x402Version"))),
                "integer x402Version");
    }

    @Test
    void aProofWithoutASignatureIsRefused() {
        assertRefusedWithoutAskingTheFacilitator(v1(edited(Proofs.proof().v1(),
                t -> ((ObjectNode) t.get("payload")).remove("signature"))), "invalid_exact_evm_payload");
    }

    @Test
    void aProofWhosePayloadIsJsonNullIsRefusedNotAnError() {
        // Jackson binds a JSON null to a JsonNode field as NullNode, not as null: it must still count as absent.
        assertRefusedWithoutAskingTheFacilitator(v1(edited(Proofs.proof().v1(), t -> t.putNull("payload"))),
                "payload");
        assertRefusedWithoutAskingTheFacilitator(v2(edited(Proofs.proof().v2(), t -> t.putNull("payload"))),
                "payload");
    }

    @Test
    void aSmartWalletsProofGoesToTheFacilitatorWithItsSignatureAsItCame() {
        String proof = Proofs.proof().smartWallet(Proofs.SMART_WALLET).v2();
        String signature = GateHarness.decodeHeader(proof).path("payload")
                .path("signature").asText();

        PaymentSession session = gate.admitted(v2(proof));

        assertTrue(signature.length() > 2 + 130 && signature.endsWith(Proofs.ERC6492_MAGIC), signature);
        assertEquals(1, gate.facilitator.verifyRequests().size());
        assertEquals(signature, gate.facilitator.verifyRequests().get(0).path("paymentPayload").path("payload")
                .path("signature").asText());
        assertEquals(Proofs.SMART_WALLET, session.receipt().payer().toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void aLongSignatureIsBoundedByTheHeaderLimitAlone() {
        // Grown until the header is just under, then just over, the 16 KiB limit (base64: 4 characters per 3 bytes).
        String under = withSignatureOfHeaderLength(16 * 1024 - 4);
        String over = withSignatureOfHeaderLength(16 * 1024 + 4);

        assertTrue(under.length() <= 16 * 1024 && over.length() > 16 * 1024, under.length() + " / " + over.length());
        assertRefusedWithoutAskingTheFacilitator(v2(over), "larger than");
        gate.admitted(v2(under));
    }

    /** A v2 proof whose signature is padded with whole bytes until the header is about {@code length} long. */
    private static String withSignatureOfHeaderLength(int length) {
        String proof = Proofs.proof().v2();
        int bytes = (length - proof.length()) * 3 / 4 / 2;
        return edited(proof, t -> {
            ObjectNode payload = (ObjectNode) t.get("payload");
            payload.put("signature", payload.get("signature").asText() + "ab".repeat(bytes));
        });
    }

    @Test
    void aSignatureThatIsNotWholeBytesOfHexIsRefused() {
        for (String signature : new String[] {"0x", "0x" + "ab".repeat(65) + "c", "0x" + "zz".repeat(65), "ab".repeat(66)}) {
            assertRefusedWithoutAskingTheFacilitator(v1(edited(Proofs.proof().v1(),
                    t -> ((ObjectNode) t.get("payload")).put("signature", signature))), "signature");
        }
    }

    @Test
    void aProofWithAMalformedNonceIsRefused() {
        assertRefusedWithoutAskingTheFacilitator(v1(edited(Proofs.proof().v1(),
                        t -> ((ObjectNode) t.get("payload").get("authorization")).put("nonce", "0x1234"))),
                "authorization.nonce");
    }

    @Test
    void aValueWrittenAsANumberIsRefused() {
        assertRefusedWithoutAskingTheFacilitator(v1(edited(Proofs.proof().v1(),
                        t -> ((ObjectNode) t.get("payload").get("authorization")).put("value", "1e4"))),
                "authorization.value");
    }

    // --- the verifier's verdict ---------------------------------------------------------------------------

    @Test
    void aProofTheFacilitatorRefusesIsChallengedWithItsReasonAndReleasedForALaterTry() {
        String header = Proofs.proof().v1();
        gate.facilitator.onVerify(FacilitatorDouble.invalid("insufficient_funds"));
        Decision.Challenge c = gate.challenged(v1(header));
        assertEquals("insufficient_funds", c.reason());
        assertEquals("insufficient_funds", body(c.answer()).path("error").asText());

        gate.facilitator.onVerify(FacilitatorDouble::acceptVerify);
        gate.admitted(v1(header));
        assertEquals(2, gate.facilitator.verifyRequests().size());
    }

    @Test
    void aVerifierNamingAnotherPayerThanTheAuthorizationIsRejectedAs502() {
        gate.facilitator.onVerify(FacilitatorDouble.answer(200,
                "{\"isValid\":true,\"payer\":\"" + OTHER_ADDRESS + "\"}"));
        Decision.Reject r = assertInstanceOf(Decision.Reject.class, gate.check(v1(Proofs.proof().v1())));
        assertEquals(502, r.answer().status());
        assertEquals(0, gate.facilitator.settleRequests().size());
    }

    @Test
    void aVerifierNamingThePayerInAnotherCaseIsTheSamePayer() {
        gate.facilitator.onVerify(FacilitatorDouble.answer(200,
                "{\"isValid\":true,\"payer\":\"" + PAYER.toLowerCase(java.util.Locale.ROOT) + "\"}"));
        gate.admitted(v1(Proofs.proof().v1()));
    }

    @Test
    void anUnreachableVerifierIsRejectedAs503WithRetryAfterAndTheProofStaysUsable() {
        String header = Proofs.proof().v1();
        gate.facilitator.onVerify((ex, req) -> {
            ex.getResponseHeaders().set("Retry-After", "7");
            FacilitatorDouble.respond(ex, 503, "{}");
        });
        Decision.Reject r = assertInstanceOf(Decision.Reject.class, gate.check(v1(header)));
        assertEquals(503, r.answer().status());
        assertEquals("7", r.answer().headers().get("Retry-After"));
        assertEquals("application/json", r.answer().contentType());
        assertTrue(body(r.answer()).path("error").isTextual());

        gate.facilitator.onVerify(FacilitatorDouble::acceptVerify);
        gate.admitted(v1(header));
    }

    @Test
    void aVerifierAnsweringGarbageIsRejectedAs502() {
        gate.facilitator.onVerify(FacilitatorDouble.answer(200, "<html>"));
        Decision.Reject r = assertInstanceOf(Decision.Reject.class, gate.check(v1(Proofs.proof().v1())));
        assertEquals(502, r.answer().status());
        assertEquals(null, r.answer().headers().get("Retry-After"));
    }
}
