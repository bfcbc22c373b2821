package dev.tollgate.core.gate;

import static dev.tollgate.core.gate.GateHarness.PAYER;
import static dev.tollgate.core.gate.GateHarness.body;
import static dev.tollgate.core.gate.GateHarness.decodeHeader;
import static dev.tollgate.core.gate.GateHarness.v1;
import static dev.tollgate.core.gate.GateHarness.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.ledger.InMemoryReplayLedger;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.HandClock;
import dev.tollgate.core.testing.Proofs;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What happens after the handler: settle and deliver, or withhold the content. */
class PaymentGateSettlementTest {
    private static final String TX1 = String.format("0x%064x", 1);
    private static final String SETTLE_FAILED = "{\"success\":false,\"errorReason\":\"insufficient_funds\","
            + "\"transaction\":\"\",\"network\":\"base-sepolia\"}";

    private GateHarness gate;

    @BeforeEach
    void start() throws IOException {
        gate = new GateHarness();
    }

    @AfterEach
    void stop() {
        gate.close();
    }

    private static Completion.Deliver delivered(Completion c) {
        return assertInstanceOf(Completion.Deliver.class, c);
    }

    private static Completion.Withhold withheld(Completion c) {
        return assertInstanceOf(Completion.Withhold.class, c);
    }

    // --- settled --------------------------------------------------------------------------------------------

    @Test
    void aSuccessfulHandlerIsSettledAndDeliveredWithTheV2SettlementHeader() {
        Completion.Deliver d = delivered(gate.admitted(v1(Proofs.proof().v1())).complete(200));
        JsonNode r = decodeHeader(d.headers().get("PAYMENT-RESPONSE"));
        assertTrue(r.path("success").booleanValue());
        assertEquals(TX1, r.path("transaction").asText());
        assertEquals("eip155:84532", r.path("network").asText());
        assertEquals(PAYER, r.path("payer").asText());
        assertEquals(TX1, d.transaction());
    }

    @Test
    void theV1SettlementHeaderNamesTheNetworkByItsV1Name() {
        Completion.Deliver d = delivered(gate.admitted(v2(Proofs.proof().v2())).complete(200));
        JsonNode r = decodeHeader(d.headers().get("X-PAYMENT-RESPONSE"));
        assertTrue(r.path("success").booleanValue());
        assertEquals(TX1, r.path("transaction").asText());
        assertEquals("base-sepolia", r.path("network").asText());
        assertEquals("eip155:84532", decodeHeader(d.headers().get("PAYMENT-RESPONSE")).path("network").asText());
    }

    /**
     * x402 v1's SettlementResponse requires {@code payer} (v1 section 5.3.2); v2 made it optional, so a facilitator
     * may leave it out. The gate knows the payer from the proof it verified.
     */
    @Test
    void theSettlementHeadersNameThePayerWhenTheFacilitatorLeftItOut() {
        gate.facilitator.onSettle(FacilitatorDouble.answer(200,
                "{\"success\":true,\"transaction\":\"" + TX1 + "\",\"network\":\"base-sepolia\"}"));
        Completion.Deliver d = delivered(gate.admitted(v1(Proofs.proof().v1())).complete(200));
        assertEquals(PAYER, decodeHeader(d.headers().get("X-PAYMENT-RESPONSE")).path("payer").asText());
        assertEquals(PAYER, decodeHeader(d.headers().get("PAYMENT-RESPONSE")).path("payer").asText());
    }

    /**
     * An empty payer or network in a successful settlement says nothing, like an absent one: taking it for "another
     * payer" would withhold the content of a request whose payment went through.
     */
    @Test
    void aSettlementNamingAnEmptyPayerAndNetworkDeliversWithTheProofsPayer() {
        gate.facilitator.onSettle(FacilitatorDouble.answer(200,
                "{\"success\":true,\"transaction\":\"" + TX1 + "\",\"network\":\"\",\"payer\":\"\"}"));
        Completion.Deliver d = delivered(gate.admitted(v1(Proofs.proof().v1())).complete(200));
        assertEquals(PAYER, decodeHeader(d.headers().get("X-PAYMENT-RESPONSE")).path("payer").asText());
        assertEquals(TX1, decodeHeader(d.headers().get("PAYMENT-RESPONSE")).path("transaction").asText());
    }

    /**
     * v2 §5.3.2 makes {@code amount}, {@code payer}, {@code errorReason} and {@code extensions} optional: a success
     * whose optional fields are empty or unreadable reports the payment all the same, and its content goes out with
     * the receipt rather than a 502 after the payer was charged.
     */
    @Test
    void aSettlementWithEmptyOrUnreadableOptionalFieldsDeliversWithTheReceipt() {
        gate.facilitator.onSettle(FacilitatorDouble.answer(200, "{\"success\":true,\"transaction\":\"" + TX1
                + "\",\"network\":\"eip155:84532\",\"amount\":\"\",\"payer\":{},\"errorReason\":[],"
                + "\"extensions\":\"\"}"));
        Completion.Deliver d = delivered(gate.admitted(v1(Proofs.proof().v1())).complete(200));
        JsonNode v1 = decodeHeader(d.headers().get("X-PAYMENT-RESPONSE"));
        assertEquals(PAYER, v1.path("payer").asText());
        assertEquals(TX1, v1.path("transaction").asText());
        assertFalse(v1.has("errorReason"));
        assertEquals(TX1, decodeHeader(d.headers().get("PAYMENT-RESPONSE")).path("transaction").asText());
    }

    @Test
    void theSettlementHeadersAreExposedToScripts() {
        Completion.Deliver d = delivered(gate.admitted(v1(Proofs.proof().v1())).complete(200));
        assertTrue(d.headers().get("Access-Control-Expose-Headers").contains("PAYMENT-RESPONSE"));
    }

    @Test
    void settlementSendsTheSameRequestTheVerifierSaw() {
        gate.admitted(v2(Proofs.proof().v2())).complete(200);
        assertEquals(gate.facilitator.verifyRequests(), gate.facilitator.settleRequests());
    }

    @Test
    void theReceiptLearnsTheTransactionOnceSettled() {
        PaymentSession session = gate.admitted(v1(Proofs.proof().v1()));
        session.complete(204);
        assertEquals(TX1, session.receipt().transaction());
    }

    @Test
    void aRedirectFromTheHandlerIsStillSettled() {
        delivered(gate.admitted(v1(Proofs.proof().v1())).complete(302));
        assertEquals(1, gate.facilitator.settleRequests().size());
    }

    @Test
    void aSessionCompletesOnlyOnce() {
        PaymentSession session = gate.admitted(v1(Proofs.proof().v1()));
        session.complete(200);
        assertThrows(IllegalStateException.class, () -> session.complete(200));
        assertEquals(1, gate.facilitator.settleRequests().size());
    }

    // --- failed handler ------------------------------------------------------------------------------------

    @Test
    void aFailedHandlerIsDeliveredAsIsWithoutSettlementAndTheProofCanBeUsedAgain() {
        String header = Proofs.proof().v1();
        Completion.Deliver d = delivered(gate.admitted(v1(header)).complete(500));
        assertTrue(d.headers().isEmpty(), d.headers().toString());
        assertNull(d.transaction());
        assertEquals(0, gate.facilitator.settleRequests().size());

        delivered(gate.admitted(v1(header)).complete(200));
        assertEquals(1, gate.facilitator.settleRequests().size());
    }

    /**
     * A slow request whose claim lapsed (its handler outlived the proof's {@code validBefore} by more than the minute
     * of slack), a second request with the same proof admitted meanwhile (by a facilitator whose clock lags ours; the
     * double accepts any time), and then the slow handler fails: its release must not free the second request's
     * claim, or a third copy of the proof is admitted while the second is being served.
     */
    @Test
    void aFailedHandlerWhoseClaimLapsedDoesNotFreeTheClaimOfTheRequestThatTookTheProofAgain() throws IOException {
        HandClock clock = new HandClock(Instant.now());
        InMemoryReplayLedger ledger = new InMemoryReplayLedger(clock);
        try (GateHarness lagging = new GateHarness(b -> b.clock(clock).ledger(ledger))) {
            String header = Proofs.proof().at(clock.instant()).v1();
            PaymentSession slow = lagging.admitted(v1(header));
            clock.advance(Duration.ofMinutes(3)); // past validBefore (60 s) and the claim's minute beyond it
            PaymentSession second = lagging.admitted(v1(header));
            slow.complete(500);
            assertEquals("payment_already_used", lagging.challenged(v1(header)).reason());
            delivered(second.complete(200));
        }
    }

    @Test
    void aClientErrorFromTheHandlerSettlesNothing() {
        delivered(gate.admitted(v1(Proofs.proof().v1())).complete(404));
        assertEquals(0, gate.facilitator.settleRequests().size());
    }

    @Test
    void anAbandonedSessionSettlesNothingAndReleasesTheProof() {
        String header = Proofs.proof().v2();
        gate.admitted(v2(header)).abandon();
        assertEquals(0, gate.facilitator.settleRequests().size());
        gate.admitted(v2(header));
    }

    // --- failed settlement ------------------------------------------------------------------------------

    @Test
    void aRefusedSettlementWithholdsTheContentBehindA402ThatReportsTheFailure() {
        gate.facilitator.onSettle(FacilitatorDouble.answer(200, SETTLE_FAILED));
        Completion.Withhold w = withheld(gate.admitted(v1(Proofs.proof().v1())).complete(200));
        assertEquals("insufficient_funds", w.reason());
        HttpAnswer a = w.answer();
        assertEquals(402, a.status());
        JsonNode v2 = decodeHeader(a.headers().get("PAYMENT-RESPONSE"));
        assertFalse(v2.path("success").booleanValue());
        assertEquals("insufficient_funds", v2.path("errorReason").asText());
        assertEquals("", v2.path("transaction").asText());
        assertEquals("eip155:84532", v2.path("network").asText());
        assertEquals(PAYER, v2.path("payer").asText());
        assertEquals("base-sepolia", decodeHeader(a.headers().get("X-PAYMENT-RESPONSE")).path("network").asText());
        assertEquals("insufficient_funds", body(a).path("error").asText());
        assertTrue(a.headers().containsKey("PAYMENT-REQUIRED"), "the 402 also says how to pay again");
        assertEquals("no-store", a.headers().get("Cache-Control"));
    }

    /**
     * A facilitator's reason is repeated in three headers of the 402 (PAYMENT-REQUIRED, PAYMENT-RESPONSE,
     * X-PAYMENT-RESPONSE), base64 each: a revert message or stack trace of a few kilobytes would pass the 8 KiB
     * that servlet containers allow a response's headers by default (Jetty's responseHeaderSize, Tomcat's
     * maxHttpResponseHeaderSize), and the payer would get the container's 500 instead of the failure.
     */
    @Test
    void aLongFailureReasonFromTheFacilitatorStillFitsTheHeadersOfA402() {
        String revert = "execution reverted: " + "0123456789abcdef".repeat(250);
        gate.facilitator.onSettle(FacilitatorDouble.answer(200, "{\"success\":false,\"errorReason\":\"" + revert
                + "\",\"transaction\":\"\",\"network\":\"base-sepolia\"}"));

        HttpAnswer a = withheld(gate.admitted(v1(Proofs.proof().v1())).complete(200)).answer();

        assertEquals(402, a.status());
        int headerBytes = a.headers().entrySet().stream()
                .mapToInt(e -> e.getKey().length() + e.getValue().length() + 4).sum();
        assertTrue(headerBytes < 8 * 1024, headerBytes + " bytes of headers");
        String reported = decodeHeader(a.headers().get("PAYMENT-RESPONSE")).path("errorReason").asText();
        assertTrue(reported.startsWith("execution reverted: 0123456789abcdef"), reported);
        assertFalse(decodeHeader(a.headers().get("PAYMENT-RESPONSE")).path("success").booleanValue());
    }

    @Test
    void aLongRefusalReasonFromTheFacilitatorStillFitsTheHeadersOfA402() {
        gate.facilitator.onVerify(FacilitatorDouble.answer(200, "{\"isValid\":false,\"invalidReason\":\""
                + "x".repeat(20_000) + "\"}"));

        HttpAnswer a = gate.challenged(v1(Proofs.proof().v1())).answer();

        int headerBytes = a.headers().entrySet().stream()
                .mapToInt(e -> e.getKey().length() + e.getValue().length() + 4).sum();
        assertTrue(headerBytes < 8 * 1024, headerBytes + " bytes of headers");
        assertTrue(decodeHeader(a.headers().get("PAYMENT-REQUIRED")).path("error").asText().startsWith("xxxx"));
    }

    @Test
    void aRefusedSettlementReleasesTheProof() {
        String header = Proofs.proof().v1();
        gate.facilitator.onSettle(FacilitatorDouble.answer(200, SETTLE_FAILED));
        withheld(gate.admitted(v1(header)).complete(200));
        gate.admitted(v1(header));
    }

    @Test
    void aSettlementFailureOnTheSecondOptionReportsThatOptionsNetwork() throws IOException {
        try (GateHarness multi = new GateHarness("route.premium.accepts", "a,b", "accept.a.network", "base-sepolia",
                "accept.b.network", "base")) {
            multi.facilitator.onSettle(FacilitatorDouble.answer(200, "{\"success\":false,"
                    + "\"errorReason\":\"insufficient_funds\",\"transaction\":\"\",\"network\":\"base\"}"));
            String header = Proofs.proof().network("base", "eip155:8453", 8453, GateHarness.BASE_USDC).v1();
            Completion.Withhold w = withheld(multi.admitted(v1(header)).complete(200));
            assertEquals("eip155:8453", decodeHeader(w.answer().headers().get("PAYMENT-RESPONSE"))
                    .path("network").asText());
            assertEquals("base", decodeHeader(w.answer().headers().get("X-PAYMENT-RESPONSE"))
                    .path("network").asText());
        }
    }

    @Test
    void aProofForTheSecondOptionIsSettledOnThatOptionsNetwork() throws IOException {
        try (GateHarness multi = new GateHarness("route.premium.accepts", "a,b", "accept.a.network", "base-sepolia",
                "accept.b.network", "base")) {
            String header = Proofs.proof().network("base", "eip155:8453", 8453, GateHarness.BASE_USDC).v1();
            PaymentSession s = multi.admitted(v1(header));
            assertEquals("base", s.receipt().network());
            assertEquals(GateHarness.BASE_USDC, s.receipt().asset());
            Completion.Deliver d = delivered(s.complete(200));
            assertEquals("eip155:8453", decodeHeader(d.headers().get("PAYMENT-RESPONSE")).path("network").asText());
            assertEquals("base", multi.facilitator.settleRequests().get(0).path("paymentRequirements")
                    .path("network").asText());
        }
    }

    // --- settlement_pending ----------------------------------------------------------------------------

    private static final String BROADCAST = "0x" + "cd".repeat(32);
    private static final String CONFIRMED = "{\"success\":true,\"transaction\":\"" + BROADCAST + "\","
            + "\"network\":\"base-sepolia\",\"payer\":\"" + PAYER + "\"}";

    @Test
    void aSettlementPendingThatTheSecondAskConfirmsIsDeliveredWithThatTransaction() {
        gate.facilitator.onSettle(FacilitatorDouble.inTurn(
                FacilitatorDouble.answer(200, FacilitatorDouble.pendingSettlement(BROADCAST)),
                FacilitatorDouble.answer(200, CONFIRMED)));
        PaymentSession session = gate.admitted(v2(Proofs.proof().v2()));
        Completion.Deliver d = delivered(session.complete(200));
        assertEquals(BROADCAST, d.transaction());
        assertEquals(BROADCAST, decodeHeader(d.headers().get("PAYMENT-RESPONSE")).path("transaction").asText());
        assertEquals(BROADCAST, session.receipt().transaction());
        assertEquals(2, gate.facilitator.settleRequests().size());
    }

    @Test
    void aSettlementStillPendingIsWithheldBehindA402ThatNamesTheBroadcastTransaction() {
        gate.facilitator.onSettle(FacilitatorDouble.answer(200, FacilitatorDouble.pendingSettlement(BROADCAST)));
        Completion.Withhold w = withheld(gate.admitted(v1(Proofs.proof().v1())).complete(200));
        assertEquals(402, w.answer().status());
        assertEquals("settlement_pending", w.reason());
        for (String header : List.of("PAYMENT-RESPONSE", "X-PAYMENT-RESPONSE")) {
            JsonNode r = decodeHeader(w.answer().headers().get(header));
            assertFalse(r.path("success").booleanValue());
            assertEquals("settlement_pending", r.path("errorReason").asText());
            assertEquals(BROADCAST, r.path("transaction").asText(), header + " keeps the payer's evidence");
        }
        assertEquals(2, gate.facilitator.settleRequests().size());
    }

    @Test
    void theSameProofSentAgainAfterA402PendingReachesSettlementThroughTheCachedVerificationAndIsDelivered() {
        // Once the transfer is mined a fresh /verify finds its nonce used; the cached "valid" lets the retry ask
        // /settle, where a reconciling facilitator confirms the transaction it broadcast.
        gate.facilitator.onSettle(FacilitatorDouble.inTurn(
                FacilitatorDouble.answer(200, FacilitatorDouble.pendingSettlement(BROADCAST)),
                FacilitatorDouble.answer(200, FacilitatorDouble.pendingSettlement(BROADCAST)),
                FacilitatorDouble.answer(200, CONFIRMED)));
        String proof = Proofs.proof().v2();
        assertEquals(402, withheld(gate.admitted(v2(proof)).complete(200)).answer().status());

        Completion.Deliver d = delivered(gate.admitted(v2(proof)).complete(200));

        assertEquals(BROADCAST, d.transaction());
        assertEquals(1, gate.facilitator.verifyRequests().size());
        assertEquals(3, gate.facilitator.settleRequests().size());
    }

    @Test
    void settlementBeforeThatIsPendingAndThenConfirmedAdmitsTheRequest() throws IOException {
        try (GateHarness before = new GateHarness("settlement", "before")) {
            before.facilitator.onSettle(FacilitatorDouble.inTurn(
                    FacilitatorDouble.answer(200, FacilitatorDouble.pendingSettlement(BROADCAST)),
                    FacilitatorDouble.answer(200, CONFIRMED)));
            PaymentSession s = before.admitted(v1(Proofs.proof().v1()));
            assertEquals(BROADCAST, s.receipt().transaction());
            assertEquals(2, before.facilitator.settleRequests().size());
        }
    }

    @Test
    void theListenerIsToldTheTransactionOfASettlementLeftPending() throws IOException {
        List<String> details = new CopyOnWriteArrayList<>();
        PaymentListener recorder = new PaymentListener() {
            @Override
            public void settled(String path, PaymentReceipt receipt, boolean success, String detail, Duration latency) {
                details.add(success + " " + detail);
            }
        };
        try (GateHarness observed = new GateHarness(b -> b.listener(recorder))) {
            observed.facilitator.onSettle(FacilitatorDouble.answer(200, FacilitatorDouble.pendingSettlement(BROADCAST)));
            withheld(observed.admitted(v1(Proofs.proof().v1())).complete(200));
        }
        assertEquals(List.of("false settlement_pending (transaction " + BROADCAST + ")"), details);
    }

    @Test
    void anUnavailableSettlerWithholdsTheContentBehindA503WithRetryAfter() {
        gate.facilitator.onSettle((ex, req) -> {
            ex.getResponseHeaders().set("Retry-After", "3");
            FacilitatorDouble.respond(ex, 503, "{}");
        });
        Completion.Withhold w = withheld(gate.admitted(v1(Proofs.proof().v1())).complete(200));
        assertEquals(503, w.answer().status());
        assertEquals("3", w.answer().headers().get("Retry-After"));
        assertFalse(w.answer().headers().containsKey("PAYMENT-RESPONSE"));
    }

    @Test
    void aSettlerThatTimesOutWithholdsTheContentBehindA503() throws IOException {
        try (GateHarness impatient = new GateHarness("facilitator.requestTimeout", "300ms")) {
            impatient.facilitator.onSettle(FacilitatorDouble.hang());
            Completion.Withhold w = withheld(impatient.admitted(v1(Proofs.proof().v1())).complete(200));
            assertEquals(503, w.answer().status());
            assertTrue(w.answer().headers().containsKey("Retry-After"));
        }
    }

    @Test
    void aSettlementSuccessOnAnotherNetworkIsNotAPaymentAndIsWithheldAs502() {
        gate.facilitator.onSettle(FacilitatorDouble.answer(200, "{\"success\":true,\"transaction\":\"0xabc\","
                + "\"network\":\"eip155:8453\",\"payer\":\"" + PAYER + "\"}"));
        Completion.Withhold w = withheld(gate.admitted(v1(Proofs.proof().v1())).complete(200));
        assertEquals(502, w.answer().status());
        assertFalse(w.answer().headers().containsKey("PAYMENT-RESPONSE"));
    }

    @Test
    void aSettlementSuccessForAnotherPayerIsWithheldAs502() {
        gate.facilitator.onSettle(FacilitatorDouble.answer(200, "{\"success\":true,\"transaction\":\"0xabc\","
                + "\"network\":\"base-sepolia\",\"payer\":\"0x1111111111111111111111111111111111111111\"}"));
        assertEquals(502, withheld(gate.admitted(v1(Proofs.proof().v1())).complete(200)).answer().status());
    }

    @Test
    void aSettlementSuccessWithoutTransactionIsWithheldAs502() {
        gate.facilitator.onSettle(FacilitatorDouble.answer(200, "{\"success\":true,\"network\":\"base-sepolia\"}"));
        assertEquals(502, withheld(gate.admitted(v1(Proofs.proof().v1())).complete(200)).answer().status());
    }

    @Test
    void aSettlementNamingTheNetworkByEitherOfItsIdsIsAccepted() {
        gate.facilitator.onSettle(FacilitatorDouble.answer(200, "{\"success\":true,\"transaction\":\"0xabc\","
                + "\"network\":\"eip155:84532\"}"));
        assertEquals("0xabc", delivered(gate.admitted(v1(Proofs.proof().v1())).complete(200)).transaction());
    }

    // --- settlement before the handler -----------------------------------------------------------------

    @Test
    void settlementBeforeSettlesDuringTheCheckAndTheReceiptCarriesTheTransaction() throws IOException {
        try (GateHarness before = new GateHarness("settlement", "before")) {
            PaymentSession s = before.admitted(v1(Proofs.proof().v1()));
            assertEquals(SettlementMode.BEFORE, s.settlement());
            assertEquals(1, before.facilitator.settleRequests().size());
            assertEquals(TX1, s.receipt().transaction());

            Completion.Deliver d = delivered(s.complete(200));
            assertEquals(TX1, decodeHeader(d.headers().get("PAYMENT-RESPONSE")).path("transaction").asText());
            assertEquals(1, before.facilitator.settleRequests().size());
        }
    }

    @Test
    void settlementBeforeStillReportsThePaymentWhenTheHandlerFails() throws IOException {
        try (GateHarness before = new GateHarness("settlement", "before")) {
            String header = Proofs.proof().v1();
            Completion.Deliver d = delivered(before.admitted(v1(header)).complete(500));
            assertTrue(d.headers().containsKey("PAYMENT-RESPONSE"));
            assertEquals("payment_already_used", before.challenged(v1(header)).reason());
        }
    }

    /**
     * Charged and not served: reported once, as {@code undelivered} with the receipt a refund needs, and not also as
     * {@code rejected}, which is the gate's refusal of a request it charged nothing for.
     */
    @Test
    void settlementBeforeReportsAHandlerThatFailsOnceAsUndeliveredAndNotAsRejected() throws IOException {
        List<String> events = new CopyOnWriteArrayList<>();
        PaymentListener recorder = new PaymentListener() {
            @Override
            public void settled(String path, PaymentReceipt receipt, boolean success, String detail, Duration latency) {
                events.add("settled " + success);
            }

            @Override
            public void rejected(String path, int status, String reason) {
                events.add("rejected " + status + " " + reason);
            }

            @Override
            public void undelivered(String path, PaymentReceipt receipt, String cause) {
                events.add("undelivered " + receipt.transaction() + " " + cause);
            }
        };
        try (GateHarness before = new GateHarness(b -> b.listener(recorder), "settlement", "before")) {
            before.admitted(v1(Proofs.proof().v1())).complete(500);
            before.admitted(v1(Proofs.proof().v1())).abandon();
        }
        assertEquals(4, events.size(), events.toString());
        assertEquals("settled true", events.get(0));
        assertTrue(events.get(1).startsWith("undelivered " + TX1 + " ") && events.get(1).contains("(500)"),
                events.get(1));
        assertEquals("settled true", events.get(2));
        assertTrue(events.get(3).startsWith("undelivered ") && events.get(3).contains("settlement=before"),
                events.get(3));
    }

    /**
     * The operator's one signal to refund: a settled payment whose answer did not reach the payer is reported with
     * what finds it (payer, amount, asset, network, transaction) and the cause, once; nothing unsettled is.
     */
    @Test
    void aSettledPaymentWhoseAnswerWasNotDeliveredIsReportedOnceAndOnlyThen() throws IOException {
        List<String> events = new CopyOnWriteArrayList<>();
        PaymentListener recorder = new PaymentListener() {
            @Override
            public void undelivered(String path, PaymentReceipt r, String cause) {
                events.add(path + " " + r.payer() + " " + r.amount() + " " + r.asset() + " " + r.network() + " "
                        + r.transaction() + " " + cause);
            }
        };
        try (GateHarness after = new GateHarness(b -> b.listener(recorder))) {
            after.admitted(v1(Proofs.proof().v1())).complete(200); // delivered: nothing to report
            assertEquals(List.of(), events);

            PaymentSession settled = after.admitted(v1(Proofs.proof().v1()));
            delivered(settled.complete(200));
            assertTrue(settled.isSettled());
            settled.undelivered("writing failed");
            settled.undelivered("and the container failed too");
            assertEquals(1, events.size(), events.toString());
            assertTrue(events.get(0).contains(PAYER) && events.get(0).contains(settled.receipt().transaction())
                    && events.get(0).endsWith("writing failed"), events.get(0));

            PaymentSession failedHandler = after.admitted(v1(Proofs.proof().v1()));
            failedHandler.complete(500);
            failedHandler.undelivered("an error answer");
            PaymentSession abandoned = after.admitted(v1(Proofs.proof().v1()));
            abandoned.abandon();
            abandoned.undelivered("no answer");
            after.facilitator.onSettle(FacilitatorDouble.answer(200, SETTLE_FAILED));
            PaymentSession refused = after.admitted(v1(Proofs.proof().v1()));
            withheld(refused.complete(200));
            refused.undelivered("the 402 failed to go out");
            assertFalse(refused.isSettled());
            assertEquals(1, events.size(), "nothing was charged for these: " + events);
        }
        events.clear();
        try (GateHarness before = new GateHarness(b -> b.listener(recorder), "settlement", "before")) {
            before.admitted(v1(Proofs.proof().v1())).complete(200);
            assertEquals(List.of(), events);
            PaymentSession failed = before.admitted(v1(Proofs.proof().v1()));
            failed.complete(503);
            failed.undelivered("and its error answer could not be written");
            assertEquals(1, events.size(), events.toString());
            assertTrue(events.get(0).contains(failed.receipt().transaction()) && events.get(0).contains("(503)")
                    && events.get(0).contains("settlement=before"), events.get(0));
        }
    }

    @Test
    void settlementBeforeThatFailsIsAChallengeAndTheHandlerNeverRuns() throws IOException {
        try (GateHarness before = new GateHarness("settlement", "before")) {
            before.facilitator.onSettle(FacilitatorDouble.answer(200, SETTLE_FAILED));
            Decision.Challenge c = before.challenged(v1(Proofs.proof().v1()));
            assertEquals("insufficient_funds", c.reason());
            assertFalse(decodeHeader(c.answer().headers().get("PAYMENT-RESPONSE")).path("success").booleanValue());
        }
    }

    @Test
    void settlementBeforeWithTheSettlerDownIsRejectedAs503() throws IOException {
        try (GateHarness before = new GateHarness("settlement", "before")) {
            before.facilitator.onSettle(FacilitatorDouble.answer(503, "{}"));
            Decision.Reject r = assertInstanceOf(Decision.Reject.class, before.check(v1(Proofs.proof().v1())));
            assertEquals(503, r.answer().status());
        }
    }

    // --- events --------------------------------------------------------------------------------------------

    @Test
    void everyStepOfAPaidRequestIsReportedToTheListener() throws IOException {
        List<String> events = new CopyOnWriteArrayList<>();
        PaymentListener recorder = new PaymentListener() {
            @Override
            public void challenged(String path, String reason) {
                events.add("challenged " + path + " " + reason);
            }

            @Override
            public void verified(String path, String outcome, String reason, Duration latency) {
                events.add("verified " + outcome);
            }

            @Override
            public void admitted(String path, PaymentReceipt receipt) {
                events.add("admitted " + receipt.amount());
            }

            @Override
            public void settled(String path, PaymentReceipt receipt, boolean success, String detail, Duration latency) {
                events.add("settled " + success + " " + detail);
            }
        };
        try (GateHarness observed = new GateHarness(b -> b.listener(recorder))) {
            observed.challenged(GateHarness.paid());
            observed.admitted(v1(Proofs.proof().v1())).complete(200);
        }
        assertEquals(List.of("challenged /premium/data null", "verified Valid", "admitted 10000",
                "settled true " + TX1), events);
    }
}
