package dev.tollgate.core.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.event.LoggingPaymentListener;
import dev.tollgate.core.event.MicrometerPaymentListener;
import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.ProofApiFacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Every step is observable, through logs and metrics, and no secret reaches a log line. */
class PaymentObservabilityTest {
    private static final String SECRET = "sk-live-0123456789abcdef";
    private static final String PROOF = "proof-" + "9".repeat(40);

    private static Tollgate tollgate(ProofApiFacilitatorDouble f, PaymentListener listener) {
        return tollgate(f.url(), listener);
    }

    private static Tollgate tollgate(String url, PaymentListener listener) {
        return Tollgate.create(TollgateConfig.builder().environment(n -> null)
                .facilitatorUrl(url).set("facilitator.dialect", "proof-api")
                .set("facilitator.header.Authorization", "Bearer " + SECRET)
                .payTo(Proofs.PAY_TO).network("base-sepolia").price("$0.01").listener(listener).build());
    }

    /** Walks one Tollgate through every kind of event. */
    private static void everyKindOfAttempt(ProofApiFacilitatorDouble f, Tollgate t) {
        f.pay(PROOF, "0.01", "base-sepolia");
        TestRequest unpaid = TestRequest.get("/data");
        PaymentTerms terms = t.termsFor("GET", "/data").orElseThrow();
        t.check(unpaid, terms);
        ((Decision.Admit) t.check(unpaid.with("x-402-payment", PROOF), terms)).session().complete(200);
        t.check(unpaid.with("x-402-payment", PROOF), terms);
        t.check(unpaid.with("x-402-payment", PROOF + "x"), terms);
        t.check(unpaid.with("X-PAYMENT", Proofs.proof().v1()), terms);
        f.onVerify(FacilitatorDouble.answer(503, "{}"));
        t.check(unpaid.with("x-402-payment", PROOF + "y"), terms);
    }

    @Test
    void theLogCarriesEveryStepAndNoSecret() throws IOException {
        CapturingLogger log = new CapturingLogger();
        try (ProofApiFacilitatorDouble f = new ProofApiFacilitatorDouble();
             Tollgate t = tollgate(f, new LoggingPaymentListener(log))) {
            everyKindOfAttempt(f, t);
            assertEquals("Bearer " + SECRET, f.verifyRequests().get(0).headers().get("Authorization").get(0),
                    "the credential did reach the facilitator");
        }
        String all = String.join("\n", log.lines);
        assertTrue(all.contains("payment required"), all);
        assertTrue(all.contains("verify /data: Valid"), all);
        assertTrue(all.contains("admit /data"), all);
        assertTrue(all.contains("settle /data: settled"), all);
        assertTrue(all.contains("payment refused: payment_already_used"), all);
        assertTrue(all.contains("503 /data"), all);
        assertFalse(all.contains(SECRET), all);
        assertFalse(all.contains(PROOF), all);
    }

    @Test
    void theDialectsBodyNamesTheFacilitator() throws IOException {
        try (Tollgate t = Tollgate.create(TollgateConfig.builder().environment(n -> null)
                .facilitatorUrl("http://127.0.0.1:9/base")
                .set("facilitator.dialect", "proof-api").set("facilitator.supported.check", "false")
                .payTo(Proofs.PAY_TO).network("base-sepolia").price("$0.01").build())) {
            Decision.Challenge c = (Decision.Challenge) t.check(TestRequest.get("/data"), t.termsFor("GET", "/data").orElseThrow());
            assertEquals("http://127.0.0.1:9/base", GateHarness.body(c.answer()).path("facilitator").asText());
        }
    }

    @Test
    void aFacilitatorUrlCarryingCredentialsFailsStartUpWithoutQuotingThem() {
        // Credentials in the URL were never sent (the user info is dropped, a query swallows /verify); they belong in
        // facilitator.header.<Name>, and so they can reach no 402 body either.
        for (String url : List.of("http://user:" + SECRET + "@127.0.0.1:9/base", "http://127.0.0.1:9/base?apiKey=" + SECRET)) {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> TollgateConfig.builder()
                    .environment(n -> null).facilitatorUrl(url).set("facilitator.dialect", "proof-api")
                    .payTo(Proofs.PAY_TO).network("base-sepolia").price("$0.01").build());
            assertEquals("facilitator.url", e.setting());
            assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        }
    }

    @Test
    void micrometerCountsChallengesVerificationsAdmissionsSettlementsAndRejections() throws IOException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProofApiFacilitatorDouble f = new ProofApiFacilitatorDouble();
             Tollgate t = tollgate(f, new MicrometerPaymentListener(registry))) {
            everyKindOfAttempt(f, t);
        }
        assertEquals(1, registry.counter("tollgate.challenges", "kind", "unpaid").count());
        assertTrue(registry.counter("tollgate.challenges", "kind", "refused").count() >= 2);
        assertEquals(2, registry.timer("tollgate.verify", "outcome", "Valid").count(), "the first and the replay (from the cache)");
        assertEquals(1, registry.timer("tollgate.verify", "outcome", "Unavailable").count());
        assertEquals(1, registry.counter("tollgate.admitted").count());
        assertEquals(1, registry.timer("tollgate.settle", "result", "success").count());
        assertEquals(1, registry.counter("tollgate.rejected", "status", "503").count());
    }

    @Test
    void aListenerThatThrowsChangesNoOutcomeAndLosesNoPaidAnswer() throws IOException {
        PaymentListener broken = new PaymentListener() {
            @Override
            public void challenged(String path, String reason) {
                throw new IllegalStateException("metrics backend down");
            }

            @Override
            public void verified(String path, String outcome, String reason, java.time.Duration latency) {
                throw new IllegalStateException("metrics backend down");
            }

            @Override
            public void admitted(String path, PaymentReceipt receipt) {
                throw new IllegalStateException("metrics backend down");
            }

            @Override
            public void settled(String path, PaymentReceipt receipt, boolean success, String detail,
                                java.time.Duration latency) {
                throw new IllegalStateException("metrics backend down");
            }
        };
        try (ProofApiFacilitatorDouble f = new ProofApiFacilitatorDouble(); Tollgate t = tollgate(f, broken)) {
            f.pay(PROOF, "0.01", "base-sepolia");
            TestRequest unpaid = TestRequest.get("/data");
            PaymentTerms terms = t.termsFor("GET", "/data").orElseThrow();
            assertTrue(t.check(unpaid, terms) instanceof Decision.Challenge);
            Decision paid = t.check(unpaid.with("x-402-payment", PROOF), terms);
            assertTrue(paid instanceof Decision.Admit, "admitted despite the listener: " + paid);
            Completion done = ((Decision.Admit) paid).session().complete(200);
            assertTrue(done instanceof Completion.Deliver, "the settled answer is delivered: " + done);
            assertEquals(1, f.verifyRequests().size());
            Decision replay = t.check(unpaid.with("x-402-payment", PROOF), terms);
            assertTrue(replay instanceof Decision.Challenge, "still used once: " + replay);
        }
    }

    /** A System.Logger that formats and keeps every line at every level. */
    static final class CapturingLogger implements System.Logger {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public String getName() {
            return "capture";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg + (thrown == null ? "" : " " + thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + (params == null || params.length == 0 ? format : MessageFormat.format(format, params)));
        }

        @Override
        public void log(Level level, Supplier<String> msgSupplier) {
            lines.add(level + " " + msgSupplier.get());
        }
    }
}
