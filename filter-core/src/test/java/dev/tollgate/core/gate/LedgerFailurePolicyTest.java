package dev.tollgate.core.gate;

import static dev.tollgate.core.gate.GateHarness.v1;
import static dev.tollgate.core.gate.GateHarness.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.IdentifierRecord;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.PaymentIdentifierStore;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.testing.ProofApiFacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@code ledger.onUnavailable} and {@code ledger.retryAfter}: what a paid request gets while the store is down. */
class LedgerFailurePolicyTest {

    /** A ledger whose store is down, payment identifiers included. */
    static final class DownLedger implements ReplayLedger, PaymentIdentifierStore {
        @Override
        public ClaimResult claim(String key, Instant until) throws LedgerUnavailableException {
            throw new LedgerUnavailableException("store down", null);
        }

        @Override
        public void settled(String key, Instant until) throws LedgerUnavailableException {
            throw new LedgerUnavailableException("store down", null);
        }

        @Override
        public void release(String key) throws LedgerUnavailableException {
            throw new LedgerUnavailableException("store down", null);
        }

        @Override
        public PaymentIdentifierStore paymentIdentifiers() {
            return this;
        }

        @Override
        public IdentifierRecord begin(String id, String fingerprint, Instant until) throws LedgerUnavailableException {
            throw new LedgerUnavailableException("store down", null);
        }

        @Override
        public void finish(String id, String fingerprint, String outcome, Instant until)
                throws LedgerUnavailableException {
            throw new LedgerUnavailableException("store down", null);
        }

        @Override
        public void abandon(String id, String fingerprint) throws LedgerUnavailableException {
            throw new LedgerUnavailableException("store down", null);
        }
    }

    private static GateHarness gate(List<String> events, String... settings) throws IOException {
        PaymentListener l = new PaymentListener() {
            @Override
            public void ledgerUnavailable(String path, boolean admitted, String detail) {
                events.add((admitted ? "open " : "closed ") + detail);
            }
        };
        return new GateHarness(b -> b.ledger(new DownLedger()).listener(l), settings);
    }

    @Test
    void byDefaultAnUnreachableStoreIs503WithRetryAfterTwoSeconds() throws IOException {
        List<String> events = new CopyOnWriteArrayList<>();
        try (GateHarness gate = gate(events)) {
            Decision.Reject r = assertInstanceOf(Decision.Reject.class, gate.check(v1(Proofs.proof().v1())));
            assertEquals(503, r.answer().status());
            assertEquals("2", r.answer().headers().get("Retry-After"));
            assertEquals(0, gate.facilitator.verifyRequests().size());
            assertEquals(List.of("closed store down"), events);
        }
    }

    @Test
    void closedAnswersWithTheConfiguredRetryAfter() throws IOException {
        try (GateHarness gate = gate(new CopyOnWriteArrayList<>(), "ledger.onUnavailable", "closed",
                "ledger.retryAfter", "7s")) {
            Decision.Reject r = assertInstanceOf(Decision.Reject.class, gate.check(v2(Proofs.proof().v2())));
            assertEquals(503, r.answer().status());
            assertEquals("7", r.answer().headers().get("Retry-After"));
        }
    }

    @Test
    void openAdmitsAndSettlesWithoutReplayProtectionAndSaysSoEveryTime() throws IOException {
        List<String> events = new CopyOnWriteArrayList<>();
        try (GateHarness gate = gate(events, "ledger.onUnavailable", "open")) {
            String proof = Proofs.proof().v1();
            assertInstanceOf(Completion.Deliver.class, gate.admitted(v1(proof)).complete(200));
            // No ledger: the same proof is admitted again; only the facilitator's nonce check remains.
            gate.admitted(v1(proof)).abandon();
            assertEquals(List.of("open store down", "open store down"), events);
            assertEquals(1, gate.facilitator.settleRequests().size());
        }
    }

    @Test
    void openStillRefusesWhatTheVerifierRefuses() throws IOException {
        try (GateHarness gate = gate(new CopyOnWriteArrayList<>(), "ledger.onUnavailable", "open")) {
            gate.facilitator.onVerify(dev.tollgate.core.testing.FacilitatorDouble.invalid("invalid_exact_evm_payload_signature"));
            assertEquals("invalid_exact_evm_payload_signature", gate.challenged(v1(Proofs.proof().v1())).reason());
        }
    }

    @Test
    void aProofRefusedWhileTheStoreIsDownIsNotLoggedAsAdmitted() throws IOException {
        PaymentObservabilityTest.CapturingLogger log = new PaymentObservabilityTest.CapturingLogger();
        java.util.logging.Logger ledgerLog = java.util.logging.Logger.getLogger("dev.tollgate.ledger");
        List<String> gateLines = new CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                gateLines.add(new java.util.logging.SimpleFormatter().formatMessage(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        try (GateHarness gate = new GateHarness(b -> b.ledger(new DownLedger())
                .listener(new dev.tollgate.core.event.LoggingPaymentListener(log)), "ledger.onUnavailable", "open")) {
            gate.facilitator.onVerify(dev.tollgate.core.testing.FacilitatorDouble.invalid("invalid_exact_evm_payload_signature"));
            ledgerLog.addHandler(handler); // after start-up, whose warning states the policy
            gate.challenged(v1(Proofs.proof().v1()));
        } finally {
            ledgerLog.removeHandler(handler);
        }
        // Nothing was admitted: an operator reading "admitted without replay protection" would hunt for replays.
        String all = String.join("\n", log.lines) + "\n" + String.join("\n", gateLines);
        assertTrue(all.contains("WITHOUT REPLAY PROTECTION"), all);
        assertFalse(all.toLowerCase(java.util.Locale.ROOT).contains("admitted"), all);
    }

    @Test
    void withPaymentIdentifiersClosedIs503AndOpenGoesOnWithoutIdempotency() throws IOException {
        String proof = PaymentIdentifierGateTest.withId(Proofs.proof().v2(), PaymentIdentifierGateTest.newId());
        try (GateHarness closed = gate(new CopyOnWriteArrayList<>(), "paymentIdentifier", "optional",
                "ledger.retryAfter", "3s")) {
            Decision.Reject r = assertInstanceOf(Decision.Reject.class, closed.check(v2(proof)));
            assertEquals(503, r.answer().status());
            assertEquals("3", r.answer().headers().get("Retry-After"));
        }
        try (GateHarness open = gate(new CopyOnWriteArrayList<>(), "paymentIdentifier", "optional",
                "ledger.onUnavailable", "open")) {
            assertInstanceOf(Completion.Deliver.class, open.admitted(v2(proof)).complete(200));
        }
    }

    @Test
    void aRequestWhoseIdentifierAndClaimBothMeetTheDownStoreIsReportedOnce() throws IOException {
        String proof = PaymentIdentifierGateTest.withId(Proofs.proof().v2(), PaymentIdentifierGateTest.newId());
        List<String> events = new CopyOnWriteArrayList<>();
        try (GateHarness open = gate(events, "paymentIdentifier", "optional", "ledger.onUnavailable", "open")) {
            assertInstanceOf(Completion.Deliver.class, open.admitted(v2(proof)).complete(200));
        }
        // One request went on without replay protection: a metric or an alert counting these must see one.
        assertEquals(List.of("open store down"), events);
    }

    @Test
    void aProofApiPaymentWhoseProofAndTransactionClaimsBothMeetTheDownStoreIsReportedOnce() throws IOException {
        List<String> events = new CopyOnWriteArrayList<>();
        PaymentListener l = new PaymentListener() {
            @Override
            public void ledgerUnavailable(String path, boolean admitted, String detail) {
                events.add((admitted ? "open " : "closed ") + detail);
            }
        };
        String paid = "proof-" + "7".repeat(40);
        try (ProofApiFacilitatorDouble f = new ProofApiFacilitatorDouble();
             Tollgate t = Tollgate.create(TollgateConfig.builder().environment(n -> null).facilitatorUrl(f.url())
                     .set("facilitator.dialect", "proof-api").set("ledger.onUnavailable", "open")
                     .ledger(new DownLedger()).listener(l)
                     .payTo(Proofs.PAY_TO).network("base-sepolia").price("$0.01").build())) {
            f.pay(paid, "0.01", "base-sepolia");
            Decision d = t.check(TestRequest.get("/data").with("x-402-payment", paid),
                    t.termsFor("GET", "/data").orElseThrow());
            assertInstanceOf(Completion.Deliver.class, assertInstanceOf(Decision.Admit.class, d).session().complete(200));
        }
        assertEquals(List.of("open store down"), events);
    }

    @Test
    void theLedgersCloseWaitsThirtySecondsForTheRequestsUsingItUnlessLedgerCloseTimeoutSaysOtherwise()
            throws IOException {
        try (GateHarness byDefault = gate(List.of()); GateHarness set = gate(List.of(), "ledger.closeTimeout", "5s")) {
            assertEquals(Duration.ofSeconds(30), byDefault.tollgate.config().ledgerCloseTimeout());
            assertEquals(Duration.ofSeconds(5), set.tollgate.config().ledgerCloseTimeout());
        }
    }

    @Test
    void badValuesAreRefusedAtStartUpNamingTheSetting() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> gate(List.of(), "ledger.onUnavailable", "maybe").close());
        assertEquals("ledger.onUnavailable", e.setting());
        e = assertThrows(ConfigurationException.class, () -> gate(List.of(), "ledger.retryAfter", "soon").close());
        assertEquals("ledger.retryAfter", e.setting());
        e = assertThrows(ConfigurationException.class, () -> gate(List.of(), "paymentIdentifier", "always").close());
        assertEquals("paymentIdentifier", e.setting());
        e = assertThrows(ConfigurationException.class, () -> gate(List.of(), "paymentIdentifier", "on",
                "paymentIdentifier.ttl", "200h").close());
        assertEquals("paymentIdentifier", e.setting());
        e = assertThrows(ConfigurationException.class, () -> gate(List.of(), "paymentIdentifier", "optional",
                "paymentIdentifier.ttl", "200h").close());
        assertEquals("paymentIdentifier.ttl", e.setting());
        e = assertThrows(ConfigurationException.class, () -> gate(List.of(), "ledger.closeTimeout", "later").close());
        assertEquals("ledger.closeTimeout", e.setting());
        e = assertThrows(ConfigurationException.class, () -> gate(List.of(), "ledger.closeTimeout", "2h").close());
        assertEquals("ledger.closeTimeout", e.setting());
        assertTrue(e.getMessage().contains("at most 1h"), e.getMessage());
    }
}
