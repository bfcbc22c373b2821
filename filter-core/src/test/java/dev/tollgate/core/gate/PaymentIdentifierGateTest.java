package dev.tollgate.core.gate;

import static dev.tollgate.core.gate.GateHarness.body;
import static dev.tollgate.core.gate.GateHarness.decodeHeader;
import static dev.tollgate.core.gate.GateHarness.edited;
import static dev.tollgate.core.gate.GateHarness.v1;
import static dev.tollgate.core.gate.GateHarness.v2;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.IdentifierRecord;
import dev.tollgate.core.ledger.InMemoryReplayLedger;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.PaymentIdentifierStore;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The x402 v2 payment-identifier extension: idempotent retries, conflicts, and the 402's declaration. */
class PaymentIdentifierGateTest {
    private static final String TX1 = String.format("0x%064x", 1);
    private static final String SETTLE_FAILED = "{\"success\":false,\"errorReason\":\"insufficient_funds\","
            + "\"transaction\":\"\",\"network\":\"base-sepolia\"}";

    static String newId() {
        return "pay_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** A v2 proof carrying {@code id} the way a client echoes the server's declaration. */
    static String withId(String proof, String id) {
        return edited(proof, tree -> {
            ObjectNode ext = tree.putObject("extensions").putObject("payment-identifier");
            ext.putObject("info").put("required", false).put("id", id);
            ext.set("schema", PaymentIdentifiers.declaration(false).get("schema"));
        });
    }

    private static GateHarness gate(List<String> events, String... settings) throws IOException {
        PaymentListener l = new PaymentListener() {
            @Override
            public void retried(String path, PaymentReceipt receipt) {
                events.add("retried " + receipt.transaction());
            }

            @Override
            public void admitted(String path, PaymentReceipt receipt) {
                events.add("admitted");
            }
        };
        return new GateHarness(b -> b.listener(l), settings);
    }

    /** The in-memory ledger, whose identifier store throws when it records an outcome (a store supplied in code). */
    private static final class OutcomeFailsLedger implements ReplayLedger {
        final InMemoryReplayLedger inner = new InMemoryReplayLedger(Clock.systemUTC());
        final PaymentIdentifierStore ids = inner.paymentIdentifiers();

        @Override
        public ClaimResult claim(String key, Instant until) {
            return inner.claim(key, until);
        }

        @Override
        public void settled(String key, Instant until) {
            inner.settled(key, until);
        }

        @Override
        public void release(String key) {
            inner.release(key);
        }

        @Override
        public PaymentIdentifierStore paymentIdentifiers() {
            return new PaymentIdentifierStore() {
                @Override
                public IdentifierRecord begin(String id, String fingerprint, Instant until)
                        throws LedgerUnavailableException {
                    return ids.begin(id, fingerprint, until);
                }

                @Override
                public void finish(String id, String fingerprint, String outcome, Instant until) {
                    throw new IllegalStateException("bug in an identifier store");
                }

                @Override
                public void abandon(String id, String fingerprint) throws LedgerUnavailableException {
                    ids.abandon(id, fingerprint);
                }
            };
        }
    }

    /** Recording the outcome for later retries comes after the payment: a store that throws there loses no answer. */
    @ParameterizedTest(name = "settlement={0}")
    @ValueSource(strings = {"after", "before"})
    void anIdentifierStoreThatThrowsWhileRecordingASettlementLosesNoPaidAnswer(String mode) throws IOException {
        OutcomeFailsLedger ledger = new OutcomeFailsLedger();
        try (GateHarness gate = new GateHarness(b -> b.ledger(ledger), "paymentIdentifier", "optional",
                "settlement", mode)) {
            PaymentSession session = gate.admitted(v2(withId(Proofs.proof().v2(), newId())));

            Completion c = assertDoesNotThrow(() -> session.complete(200));

            assertTrue(assertInstanceOf(Completion.Deliver.class, c).headers().containsKey("PAYMENT-RESPONSE"));
            assertEquals(1, gate.facilitator.settleRequests().size());
        }
    }

    @Test
    void theChallengeDeclaresTheExtensionOnlyWhenEnabled() throws IOException {
        try (GateHarness off = new GateHarness()) {
            JsonNode required = decodeHeader(off.challenged(GateHarness.paid()).answer().headers().get("PAYMENT-REQUIRED"));
            assertTrue(required.path("extensions").isMissingNode());
        }
        try (GateHarness on = new GateHarness("paymentIdentifier", "optional")) {
            JsonNode ext = decodeHeader(on.challenged(GateHarness.paid()).answer().headers().get("PAYMENT-REQUIRED"))
                    .path("extensions").path("payment-identifier");
            assertFalse(ext.path("info").path("required").booleanValue());
            assertEquals(16, ext.path("schema").path("properties").path("id").path("minLength").intValue());
            assertEquals(128, ext.path("schema").path("properties").path("id").path("maxLength").intValue());
        }
        try (GateHarness req = new GateHarness("paymentIdentifier", "required")) {
            JsonNode ext = decodeHeader(req.challenged(GateHarness.paid()).answer().headers().get("PAYMENT-REQUIRED"))
                    .path("extensions").path("payment-identifier");
            assertTrue(ext.path("info").path("required").booleanValue());
        }
    }

    /**
     * The schema describes {@code info} (x402 v2 section 5.1.2), so the declared info must satisfy it: the
     * extension's specification declares {@code required} (a boolean) as the one required property, and the id as
     * optional. A schema requiring the id refused the very info it came with, and every echo from a client without
     * the extension.
     */
    @ParameterizedTest(name = "paymentIdentifier={0}")
    @ValueSource(strings = {"optional", "required"})
    void theDeclaredSchemaIsTheSpecificationsAndAcceptsTheDeclaredInfo(String mode) throws IOException {
        try (GateHarness on = new GateHarness("paymentIdentifier", mode)) {
            JsonNode ext = decodeHeader(on.challenged(GateHarness.paid()).answer().headers().get("PAYMENT-REQUIRED"))
                    .path("extensions").path("payment-identifier");
            JsonNode schema = ext.path("schema");
            assertEquals("object", schema.path("type").asText());
            assertEquals(List.of("required"), texts(schema.path("required")));
            assertEquals("boolean", schema.path("properties").path("required").path("type").asText());
            assertTrue(ext.path("info").path("required").isBoolean());
            assertEquals("string", schema.path("properties").path("id").path("type").asText());
            for (String property : texts(schema.path("required"))) {
                assertTrue(ext.path("info").has(property), "the declared info lacks " + property);
            }
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void theCodeOptionStaysBesideTheDeclaration() throws IOException {
        try (GateHarness both = new GateHarness("paymentIdentifier", "true", "code.destination",
                PaymentGateCodeTest.DESTINATION, "code.amount", "0.05", "code.sequencerUrl", "http://127.0.0.1:9")) {
            JsonNode ext = decodeHeader(both.challenged(GateHarness.paid()).answer().headers().get("PAYMENT-REQUIRED"))
                    .path("extensions");
            assertTrue(ext.has("payment-identifier"));
            assertTrue(ext.has("code"), ext.toString());
        }
    }

    @Test
    void aRetryAfterSettlementIsAdmittedWithTheStoredHeadersAndNotSettledAgain() throws IOException {
        List<String> events = new CopyOnWriteArrayList<>();
        try (GateHarness gate = gate(events, "paymentIdentifier", "optional")) {
            String proof = withId(Proofs.proof().v2(), newId());
            Completion.Deliver first = assertInstanceOf(Completion.Deliver.class, gate.admitted(v2(proof)).complete(200));
            assertEquals(TX1, first.transaction());

            PaymentSession retry = gate.admitted(v2(proof));
            assertEquals(TX1, retry.receipt().transaction());
            Completion.Deliver again = assertInstanceOf(Completion.Deliver.class, retry.complete(200));
            assertEquals(first.headers(), again.headers());
            assertEquals(TX1, again.transaction());
            assertEquals(1, gate.facilitator.verifyRequests().size());
            assertEquals(1, gate.facilitator.settleRequests().size());
            assertEquals(List.of("admitted", "retried " + TX1), events);
        }
    }

    @Test
    void inSettleBeforeModeTheRetryCarriesTheTransactionBeforeTheHandlerRuns() throws IOException {
        try (GateHarness gate = new GateHarness("paymentIdentifier", "optional", "settlement", "before")) {
            String proof = withId(Proofs.proof().v2(), newId());
            PaymentSession first = gate.admitted(v2(proof));
            assertEquals(TX1, first.receipt().transaction());
            first.complete(200);
            PaymentSession retry = gate.admitted(v2(proof));
            assertEquals(TX1, retry.receipt().transaction());
            assertInstanceOf(Completion.Deliver.class, retry.complete(200));
            assertEquals(1, gate.facilitator.settleRequests().size());
        }
    }

    @Test
    void aSettledIdentifierIsNoPaymentForAnotherResourceOfTheSameTerms() throws IOException {
        try (GateHarness gate = new GateHarness("paymentIdentifier", "optional")) {
            // A v2 payload need not name its resource: then only the request it was settled for pins it.
            String proof = withId(Proofs.proof().v2(), newId());
            gate.admitted(v2(proof)).complete(200);

            Decision elsewhere = gate.check(TestRequest.get("/premium/other").with("PAYMENT-SIGNATURE", proof));

            Decision.Reject r = assertInstanceOf(Decision.Reject.class, elsewhere);
            assertEquals(409, r.answer().status());
            assertTrue(r.reason().startsWith(PaymentIdentifiers.REASON_CONFLICT), r.reason());
            assertEquals(1, gate.facilitator.settleRequests().size());
        }
    }

    @Test
    void withoutAnIdentifierTheSameProofIsAReplay() throws IOException {
        try (GateHarness gate = new GateHarness("paymentIdentifier", "optional")) {
            String proof = Proofs.proof().v2();
            gate.admitted(v2(proof)).complete(200);
            assertEquals(PaymentGate.REASON_REPLAYED, gate.challenged(v2(proof)).reason());
        }
    }

    @Test
    void whenTheExtensionIsOffAnIdentifierChangesNothing() throws IOException {
        try (GateHarness gate = new GateHarness()) {
            String proof = withId(Proofs.proof().v2(), newId());
            gate.admitted(v2(proof)).complete(200);
            assertEquals(PaymentGate.REASON_REPLAYED, gate.challenged(v2(proof)).reason());
        }
    }

    @Test
    void theSameIdentifierWithAnotherPayloadIsA409Conflict() throws IOException {
        try (GateHarness gate = new GateHarness("paymentIdentifier", "optional")) {
            String id = newId();
            gate.admitted(v2(withId(Proofs.proof().v2(), id))).complete(200);
            Decision.Reject r = assertInstanceOf(Decision.Reject.class, gate.check(v2(withId(Proofs.proof().v2(), id))));
            assertEquals(409, r.answer().status());
            assertTrue(body(r.answer()).path("error").asText().startsWith(PaymentIdentifiers.REASON_CONFLICT));
            assertEquals(1, gate.facilitator.verifyRequests().size());
        }
    }

    @Test
    void aRetryWhileTheFirstIsInProgressIs409WithRetryAfterAndNothingSettlesTwice() throws IOException {
        try (GateHarness gate = new GateHarness("paymentIdentifier", "optional")) {
            String proof = withId(Proofs.proof().v2(), newId());
            PaymentSession first = gate.admitted(v2(proof));
            Decision.Reject r = assertInstanceOf(Decision.Reject.class, gate.check(v2(proof)));
            assertEquals(409, r.answer().status());
            assertEquals("1", r.answer().headers().get("Retry-After"));
            assertTrue(r.reason().startsWith(PaymentIdentifiers.REASON_IN_PROGRESS));
            first.complete(200);
            assertInstanceOf(Completion.Deliver.class, gate.admitted(v2(proof)).complete(200));
            assertEquals(1, gate.facilitator.settleRequests().size());
        }
    }

    @Test
    void concurrentRequestsWithOneIdentifierAdmitOneAndSettleOnce() throws Exception {
        try (GateHarness gate = new GateHarness("paymentIdentifier", "optional")) {
            String proof = withId(Proofs.proof().v2(), newId());
            int n = 8;
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Decision>> futures = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    futures.add(pool.submit(() -> {
                        go.await();
                        return gate.check(v2(proof));
                    }));
                }
                go.countDown();
                // Every decision is taken before any is completed: a request still on its way when the admitted one
                // settles would rightly be admitted again as a retry of a settled payment, and the count would race.
                List<Decision> decisions = new ArrayList<>();
                for (Future<Decision> f : futures) {
                    decisions.add(f.get(10, TimeUnit.SECONDS));
                }
                int admitted = 0;
                for (Decision d : decisions) {
                    if (d instanceof Decision.Admit a) {
                        admitted++;
                        a.session().complete(200);
                    } else {
                        assertEquals(409, assertInstanceOf(Decision.Reject.class, d).answer().status());
                    }
                }
                assertEquals(1, admitted);
                assertEquals(1, gate.facilitator.settleRequests().size());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aRefusedSettlementIsAnsweredAgainWithoutAskingTheFacilitator() throws IOException {
        try (GateHarness gate = new GateHarness("paymentIdentifier", "optional")) {
            gate.facilitator.onSettle(FacilitatorDouble.answer(200, SETTLE_FAILED));
            String proof = withId(Proofs.proof().v2(), newId());
            Completion.Withhold w = assertInstanceOf(Completion.Withhold.class, gate.admitted(v2(proof)).complete(200));
            Decision.Challenge again = gate.challenged(v2(proof));
            assertEquals("insufficient_funds", again.reason());
            JsonNode r = decodeHeader(again.answer().headers().get("PAYMENT-RESPONSE"));
            assertFalse(r.path("success").booleanValue());
            assertEquals("insufficient_funds", r.path("errorReason").asText());
            assertEquals(w.answer().headers().get("PAYMENT-RESPONSE"), again.answer().headers().get("PAYMENT-RESPONSE"));
            assertEquals(1, gate.facilitator.settleRequests().size());
        }
    }

    @Test
    void aSettlementLeftPendingIsNoRefusalAndItsRetryAsksTheFacilitatorAgain() throws IOException {
        try (GateHarness gate = new GateHarness("paymentIdentifier", "optional")) {
            String tx = "0x" + "ef".repeat(32);
            gate.facilitator.onSettle(FacilitatorDouble.inTurn(
                    FacilitatorDouble.answer(200, FacilitatorDouble.pendingSettlement(tx)),
                    FacilitatorDouble.answer(200, FacilitatorDouble.pendingSettlement(tx)),
                    FacilitatorDouble.answer(200, "{\"success\":true,\"transaction\":\"" + tx
                            + "\",\"network\":\"base-sepolia\"}")));
            String proof = withId(Proofs.proof().v2(), newId());
            assertEquals("settlement_pending", assertInstanceOf(Completion.Withhold.class,
                    gate.admitted(v2(proof)).complete(200)).reason());
            Completion.Deliver d = assertInstanceOf(Completion.Deliver.class, gate.admitted(v2(proof)).complete(200));
            assertEquals(tx, d.transaction());
            assertEquals(3, gate.facilitator.settleRequests().size());
        }
    }

    @Test
    void aFailedHandlerFreesTheIdentifierForTheRetry() throws IOException {
        try (GateHarness gate = new GateHarness("paymentIdentifier", "optional")) {
            String proof = withId(Proofs.proof().v2(), newId());
            gate.admitted(v2(proof)).complete(500);
            gate.admitted(v2(proof)).complete(200);
            assertEquals(1, gate.facilitator.settleRequests().size());
        }
    }

    @Test
    void aFailedHandlerWhoseMarkLapsedLeavesTheRetrysMarkInProgress() throws IOException {
        dev.tollgate.core.testing.HandClock clock = new dev.tollgate.core.testing.HandClock(Instant.now());
        try (GateHarness gate = new GateHarness(b -> b.clock(clock), "paymentIdentifier", "optional",
                "verify", "facilitator")) {
            String proof = withId(Proofs.proof().v2(), newId());
            PaymentSession slow = gate.admitted(v2(proof));
            // The slow handler outlives its claim and its mark; the payer's retry takes both again.
            clock.advance(java.time.Duration.ofMinutes(11));
            PaymentSession retry = gate.admitted(v2(proof));
            slow.complete(500);
            Decision.Reject r = assertInstanceOf(Decision.Reject.class, gate.check(v2(proof)),
                    "the slow request's abandon freed the mark of the retry still running");
            assertEquals(409, r.answer().status());
            assertTrue(r.reason().startsWith(PaymentIdentifiers.REASON_IN_PROGRESS), r.reason());
            assertInstanceOf(Completion.Deliver.class, retry.complete(200));
            assertInstanceOf(Completion.Deliver.class, gate.admitted(v2(proof)).complete(200));
            assertEquals(1, gate.facilitator.settleRequests().size());
        }
    }

    /**
     * The slow request's mark lapsed and the payer's retry took it again; the slow one settles, the retry's
     * settlement is refused (the nonce is used) and finishes last: the id must keep the payment.
     */
    @Test
    void aRefusedRetryOfAPaymentThatWentThroughLeavesTheIdPaid() throws IOException {
        dev.tollgate.core.testing.HandClock clock = new dev.tollgate.core.testing.HandClock(Instant.now());
        try (GateHarness gate = new GateHarness(b -> b.clock(clock), "paymentIdentifier", "optional",
                "verify", "facilitator")) {
            gate.facilitator.onSettle(FacilitatorDouble.inTurn(
                    FacilitatorDouble.answer(200, "{\"success\":true,\"transaction\":\"" + TX1
                            + "\",\"network\":\"base-sepolia\"}"),
                    FacilitatorDouble.answer(200, "{\"success\":false,\"errorReason\":"
                            + "\"invalid_exact_evm_payload_authorization_nonce\",\"transaction\":\"\","
                            + "\"network\":\"base-sepolia\"}")));
            String proof = withId(Proofs.proof().v2(), newId());
            PaymentSession slow = gate.admitted(v2(proof));
            clock.advance(java.time.Duration.ofMinutes(11));
            PaymentSession retry = gate.admitted(v2(proof));
            assertInstanceOf(Completion.Deliver.class, slow.complete(200));
            assertInstanceOf(Completion.Withhold.class, retry.complete(200));
            Completion.Deliver again = assertInstanceOf(Completion.Deliver.class,
                    gate.admitted(v2(proof)).complete(200), "the refused retry's outcome overwrote the payment that was made");
            assertEquals(TX1, again.transaction());
            assertEquals(2, gate.facilitator.settleRequests().size());
        }
    }

    @Test
    void anInvalidProofFreesTheIdentifier() throws IOException {
        try (GateHarness gate = new GateHarness("paymentIdentifier", "optional")) {
            String id = newId();
            gate.facilitator.onVerify(FacilitatorDouble.invalid("invalid_exact_evm_payload_signature"));
            gate.challenged(v2(withId(Proofs.proof().v2(), id)));
            gate.facilitator.onVerify(FacilitatorDouble::acceptVerify);
            gate.admitted(v2(withId(Proofs.proof().v2(), id))).complete(200);
        }
    }

    @Test
    void malformedIdentifiersAreRefused() throws IOException {
        try (GateHarness gate = new GateHarness("paymentIdentifier", "optional")) {
            for (String bad : new String[] {"short_id", "x".repeat(129), "pay_0123456789abcdef!", "pay 0123456789abcdef"}) {
                Decision.Challenge c = gate.challenged(v2(withId(Proofs.proof().v2(), bad)));
                assertTrue(c.reason().startsWith(PaymentIdentifiers.REASON_INVALID), c.reason());
            }
            String notText = edited(Proofs.proof().v2(), t -> t.putObject("extensions")
                    .putObject("payment-identifier").putObject("info").put("id", 12345678901234567L));
            assertTrue(gate.challenged(v2(notText)).reason().startsWith(PaymentIdentifiers.REASON_INVALID));
            assertEquals(0, gate.facilitator.verifyRequests().size());
            // Exactly 16 and exactly 128 characters are fine.
            gate.admitted(v2(withId(Proofs.proof().v2(), "a".repeat(16)))).abandon();
            gate.admitted(v2(withId(Proofs.proof().v2(), "A-_9".repeat(32)))).abandon();
        }
    }

    /**
     * The reference v2 client copies the 402's {@code extensions} into every payload, whether or not it implements
     * them: a client without the payment-identifier extension sends the declaration back without an id.
     */
    static String echoingTheDeclaration(String proof, boolean required) {
        return edited(proof, tree -> tree.putObject("extensions")
                .set(PaymentIdentifiers.EXTENSION, PaymentIdentifiers.declaration(required)));
    }

    @Test
    void aClientThatEchoesTheDeclarationWithoutAnIdPaysWhenTheIdentifierIsOptional() throws IOException {
        try (GateHarness gate = new GateHarness("paymentIdentifier", "optional")) {
            PaymentSession session = gate.admitted(v2(echoingTheDeclaration(Proofs.proof().v2(), false)));

            assertInstanceOf(Completion.Deliver.class, session.complete(200));
            assertEquals(1, gate.facilitator.settleRequests().size());
        }
    }

    /**
     * The extension's specification answers a missing id under {@code required: true} with 400 Bad Request, not with
     * a 402 that reads as "pay again".
     */
    @Test
    void aClientThatEchoesTheDeclarationWithoutAnIdIsToldTheIdIsRequiredWithA400() throws IOException {
        try (GateHarness gate = new GateHarness("paymentIdentifier", "required")) {
            Decision.Reject r = assertInstanceOf(Decision.Reject.class,
                    gate.check(v2(echoingTheDeclaration(Proofs.proof().v2(), true))));

            assertEquals(400, r.answer().status());
            assertTrue(r.reason().startsWith(PaymentIdentifiers.REASON_REQUIRED), r.reason());
            assertTrue(body(r.answer()).path("error").asText().startsWith(PaymentIdentifiers.REASON_REQUIRED));
            assertEquals(0, gate.facilitator.verifyRequests().size());
        }
    }

    @Test
    void whenRequiredAV2ProofWithoutAnIdentifierIsRefusedWithA400ButV1IsNot() throws IOException {
        try (GateHarness gate = new GateHarness("paymentIdentifier", "required")) {
            Decision.Reject r = assertInstanceOf(Decision.Reject.class, gate.check(v2(Proofs.proof().v2())));
            assertEquals(400, r.answer().status());
            assertTrue(r.reason().startsWith(PaymentIdentifiers.REASON_REQUIRED), r.reason());
            gate.admitted(v1(Proofs.proof().v1())).abandon();
            gate.admitted(v2(withId(Proofs.proof().v2(), newId()))).abandon();
        }
    }

    @Test
    void theRecordLivesForTheTtl() throws IOException {
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(
                Instant.now());
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        try (GateHarness gate = new GateHarness(b -> b.clock(clock), "paymentIdentifier", "optional",
                "paymentIdentifier.ttl", "10m", "verify", "facilitator")) {
            String proof = withId(Proofs.proof().v2(), newId());
            gate.admitted(v2(proof)).complete(200);
            now.set(now.get().plusSeconds(9 * 60));
            gate.admitted(v2(proof)).complete(200);
            assertEquals(1, gate.facilitator.settleRequests().size());
            now.set(now.get().plusSeconds(2 * 60));
            // Past the ttl the record is gone: the request is a new admission, not a retry (the ledger's claim
            // has lapsed too, the authorization being long expired; the facilitator would refuse to settle it).
            PaymentSession fresh = gate.admitted(v2(proof));
            assertNull(fresh.receipt().transaction());
            fresh.abandon();
        }
    }

    @Test
    void aLedgerWithoutIdentifiersCannotBeUsedWithTheExtension() {
        ReplayLedger bare = new ReplayLedger() {
            @Override
            public ClaimResult claim(String key, Instant until) {
                return ClaimResult.CLAIMED;
            }

            @Override
            public void settled(String key, Instant until) {
            }

            @Override
            public void release(String key) {
            }
        };
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> new GateHarness(b -> b.ledger(bare), "paymentIdentifier", "optional").close());
        assertEquals("paymentIdentifier", e.setting());
    }
}
