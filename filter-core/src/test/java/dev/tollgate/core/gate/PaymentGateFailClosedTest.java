package dev.tollgate.core.gate;

import static dev.tollgate.core.gate.GateHarness.v1;
import static dev.tollgate.core.gate.GateHarness.v2;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.InMemoryReplayLedger;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.verify.SettleOutcome;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** When a part the gate depends on breaks, no content leaves and no proof is burnt. */
class PaymentGateFailClosedTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    /** The in-memory ledger, recording every claim's expiry and every release. */
    static class RecordingLedger implements ReplayLedger {
        final InMemoryReplayLedger inner;
        final List<Instant> claimedUntil = new CopyOnWriteArrayList<>();
        final List<String> released = new CopyOnWriteArrayList<>();

        RecordingLedger(Clock clock) {
            inner = new InMemoryReplayLedger(clock);
        }

        @Override
        public ClaimResult claim(String key, Instant until) {
            claimedUntil.add(until);
            return inner.claim(key, until);
        }

        @Override
        public void settled(String key, Instant until) {
            inner.settled(key, until);
        }

        @Override
        public void release(String key) {
            released.add(key);
            inner.release(key);
        }
    }

    @Test
    void aLedgerThatCannotBeReachedIsRejectedAs503WithoutAskingTheFacilitator() throws IOException {
        ReplayLedger down = new ReplayLedger() {
            @Override
            public ClaimResult claim(String key, Instant until) throws LedgerUnavailableException {
                throw new LedgerUnavailableException("redis down", null);
            }

            @Override
            public void settled(String key, Instant until) {
            }

            @Override
            public void release(String key) {
            }
        };
        try (GateHarness gate = new GateHarness(b -> b.ledger(down))) {
            Decision.Reject r = assertInstanceOf(Decision.Reject.class, gate.check(v1(Proofs.proof().v1())));
            assertEquals(503, r.answer().status());
            assertTrue(r.answer().headers().containsKey("Retry-After"));
            assertEquals(0, gate.facilitator.verifyRequests().size());
        }
    }

    @Test
    void aVerifierThatThrowsIsRejectedAs500AndTheProofIsReleased() throws IOException {
        RecordingLedger ledger = new RecordingLedger(Clock.systemUTC());
        try (GateHarness gate = new GateHarness(b -> b.ledger(ledger).verifier(a -> {
            throw new IllegalStateException("bug in a verifier");
        }))) {
            Decision.Reject r = assertInstanceOf(Decision.Reject.class, gate.check(v1(Proofs.proof().v1())));
            assertEquals(500, r.answer().status());
            assertEquals(1, ledger.released.size());
        }
    }

    @Test
    void aSettlerThatThrowsWithholdsTheContentAs502() throws IOException {
        try (GateHarness gate = new GateHarness(b -> b.settler(a -> {
            throw new IllegalStateException("bug in a settler");
        }))) {
            Completion c = gate.admitted(v1(Proofs.proof().v1())).complete(200);
            assertEquals(502, assertInstanceOf(Completion.Withhold.class, c).answer().status());
        }
    }

    /**
     * The mark after a settlement only confirms what the claim already holds: a ledger supplied in code that throws
     * there must not turn a payment the facilitator has made into an error without the answer or its receipt.
     */
    @ParameterizedTest(name = "settlement={0}")
    @ValueSource(strings = {"after", "before"})
    void aLedgerThatThrowsWhileMarkingASettledPaymentLosesNoPaidAnswer(String mode) throws IOException {
        RecordingLedger ledger = new RecordingLedger(Clock.systemUTC()) {
            @Override
            public void settled(String key, Instant until) {
                throw new IllegalStateException("bug in a ledger");
            }
        };
        try (GateHarness gate = new GateHarness(b -> b.ledger(ledger), "settlement", mode)) {
            String header = Proofs.proof().v1();
            PaymentSession session = gate.admitted(v1(header));

            Completion c = assertDoesNotThrow(() -> session.complete(200));

            Completion.Deliver d = assertInstanceOf(Completion.Deliver.class, c);
            assertTrue(d.headers().containsKey("PAYMENT-RESPONSE"));
            assertEquals(1, gate.facilitator.settleRequests().size());
            assertEquals(List.of(), ledger.released, "the claim keeps the settled proof used");
            assertEquals("payment_already_used", gate.challenged(v1(header)).reason());
        }
    }

    @Test
    void aSettlerInCodeReplacesTheFacilitatorsSettle() throws IOException {
        try (GateHarness gate = new GateHarness(b -> b.settler(a -> new SettleOutcome.Settled(
                new dev.tollgate.core.wire.SettleResponse(true, null, "0xfeed", a.option().network().caip2(), null))))) {
            Completion c = gate.admitted(v1(Proofs.proof().v1())).complete(200);
            assertEquals("0xfeed", assertInstanceOf(Completion.Deliver.class, c).transaction());
            assertEquals(0, gate.facilitator.settleRequests().size());
        }
    }

    @Test
    void aClaimLastsUntilTheAuthorizationExpiresPlusAMinute() throws IOException {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        RecordingLedger ledger = new RecordingLedger(clock);
        try (GateHarness gate = new GateHarness(b -> b.clock(clock).ledger(ledger))) {
            gate.admitted(v1(Proofs.proof().at(NOW).v1()));
            // Proofs are valid for 60 s from their instant.
            assertEquals(List.of(NOW.plusSeconds(60 + 60)), ledger.claimedUntil);
        }
    }

    @Test
    void aClaimNeverOutlastsMaxClaim() throws IOException {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        RecordingLedger ledger = new RecordingLedger(clock);
        try (GateHarness gate = new GateHarness(b -> b.clock(clock).ledger(ledger), "maxClaim", "60s")) {
            // Valid for 60 s, exactly maxClaim: held until it expires, not a minute longer.
            gate.admitted(v1(Proofs.proof().at(NOW).v1()));
            assertEquals(List.of(NOW.plusSeconds(60)), ledger.claimedUntil);
        }
    }

    @Test
    void aProofValidForLongerThanMaxClaimIsRefusedBeforeItIsClaimedOrVerified() throws IOException {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        RecordingLedger ledger = new RecordingLedger(clock);
        try (GateHarness gate = new GateHarness(b -> b.clock(clock).ledger(ledger), "maxClaim", "60s")) {
            // Valid until NOW + 61 s: forgotten a second before it expires, it could be admitted a second time.
            for (TestRequest request : List.of(v1(Proofs.proof().at(NOW.plusSeconds(1)).v1()),
                    v2(Proofs.proof().resource(GateHarness.RESOURCE).at(NOW.plusSeconds(1)).v2()))) {
                Decision.Challenge c = gate.challenged(request);
                assertEquals(402, c.answer().status());
                assertTrue(c.reason().startsWith("invalid_exact_evm_payload_authorization_valid_before: "), c.reason());
                assertTrue(c.reason().contains("maxClaim PT1M"), c.reason());
            }
            assertEquals(List.of(), ledger.claimedUntil, "a refused proof is never claimed");
            assertEquals(0, gate.facilitator.verifyRequests().size(), "the facilitator was asked");
        }
    }

    @Test
    void anExpiredAuthorizationIsStillHeldForAMinuteFromNow() throws IOException {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        RecordingLedger ledger = new RecordingLedger(clock);
        try (GateHarness gate = new GateHarness(b -> b.clock(clock).ledger(ledger))) {
            gate.check(v1(Proofs.proof().at(NOW.minusSeconds(3600)).v1()));
            assertEquals(List.of(NOW.plusSeconds(60)), ledger.claimedUntil);
        }
    }

    @Test
    void aProofSettledOnOnePathIsAReplayOnAnotherPathOfTheSamePrice() throws IOException {
        try (GateHarness gate = new GateHarness()) {
            String header = Proofs.proof().v1();
            gate.admitted(v1(header)).complete(200);
            TestRequest elsewhere = TestRequest.get("/premium/other").with("X-PAYMENT", header);
            assertEquals("payment_already_used", gate.challenged(elsewhere).reason());
        }
    }
}
