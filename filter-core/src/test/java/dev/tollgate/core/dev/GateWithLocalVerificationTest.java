package dev.tollgate.core.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.evm.LocalExactEvmPaymentVerifier;
import dev.tollgate.core.gate.Completion;
import dev.tollgate.core.gate.Decision;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.gate.RequestView;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.ProofApiFacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.verify.SettleOutcome;
import dev.tollgate.core.wire.X402Headers;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The gate with the local verifier: hybrid mode, and the dev facilitator in-process. */
class GateWithLocalVerificationTest {
    private static final String PATH = "/premium/report";

    private record Request(String method, String path, String resourceUrl, Map<String, String> given)
            implements RequestView {
        static Request paying(String header, String value) {
            return new Request("GET", PATH, "http://localhost" + PATH, Map.of(header, value));
        }

        @Override
        public List<String> headers(String name) {
            String v = given.get(name);
            return v == null ? List.of() : List.of(v);
        }
    }

    private static TollgateConfig.Builder config() {
        return TollgateConfig.builder()
                .environment(name -> null)
                .payTo(Proofs.PAY_TO)
                .network("base-sepolia")
                .route("GET", "/premium/*", "$0.01");
    }

    private static Completion pay(Tollgate tollgate, Request request) {
        PaymentTerms terms = tollgate.termsFor("GET", PATH).orElseThrow();
        Decision d = tollgate.check(request, terms);
        Decision.Admit admit = assertInstanceOf(Decision.Admit.class, d, () -> d.toString());
        return admit.session().complete(200);
    }

    @Test
    void hybridModeVerifiesLocallyAndSettlesThroughTheFacilitator() throws Exception {
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            Tollgate tollgate = Tollgate.create(config()
                    .verifier(new LocalExactEvmPaymentVerifier(Clock.systemUTC()))
                    .facilitatorUrl(facilitator.url())
                    .build());

            Completion c = pay(tollgate, Request.paying(X402Headers.PAYMENT_SIGNATURE, Proofs.proof().v2()));

            Completion.Deliver deliver = assertInstanceOf(Completion.Deliver.class, c);
            assertTrue(deliver.headers().containsKey(X402Headers.PAYMENT_RESPONSE));
            assertEquals(0, facilitator.verifyRequests().size(), "verification must not leave the process");
            assertEquals(1, facilitator.settleRequests().size());
        }
    }

    @Test
    void hybridModeRefusesABadSignatureWithoutAskingTheFacilitator() throws Exception {
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            Tollgate tollgate = Tollgate.create(config()
                    .verifier(new LocalExactEvmPaymentVerifier(Clock.systemUTC()))
                    .facilitatorUrl(facilitator.url())
                    .build());
            // Signed for Base mainnet's chain id: the signature cannot recover under base-sepolia's domain.
            String wrongDomain = Proofs.proof().network("base-sepolia", "eip155:84532", 8453,
                    Proofs.BASE_SEPOLIA_USDC).v1();

            Decision d = tollgate.check(Request.paying(X402Headers.X_PAYMENT, wrongDomain),
                    tollgate.termsFor("GET", PATH).orElseThrow());

            Decision.Challenge challenge = assertInstanceOf(Decision.Challenge.class, d);
            assertEquals("invalid_exact_evm_payload_signature", challenge.reason());
            assertTrue(facilitator.verifyRequests().isEmpty() && facilitator.settleRequests().isEmpty());
        }
    }

    @Test
    void hybridModeHandsASmartWalletsSignatureToTheFacilitatorAndSettlesIt() throws Exception {
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            Tollgate tollgate = Tollgate.create(config().set("verify", "local").facilitatorUrl(facilitator.url()).build());
            String proof = Proofs.proof().smartWallet(Proofs.SMART_WALLET).v2();

            Completion.Deliver deliver = assertInstanceOf(Completion.Deliver.class,
                    pay(tollgate, Request.paying(X402Headers.PAYMENT_SIGNATURE, proof)));

            assertEquals(1, facilitator.verifyRequests().size(), "only the wallet's contract can judge it: ask");
            String forwarded = facilitator.verifyRequests().get(0).path("paymentPayload").path("payload")
                    .path("signature").asText();
            assertTrue(forwarded.endsWith(Proofs.ERC6492_MAGIC), forwarded);
            assertEquals(1, facilitator.settleRequests().size());
            assertTrue(deliver.headers().containsKey(X402Headers.PAYMENT_RESPONSE));
        }
    }

    @Test
    void hybridModeRefusesASmartWalletsProofThatFailsAFieldCheckWithoutAskingTheFacilitator() throws Exception {
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            Tollgate tollgate = Tollgate.create(config().set("verify", "local").facilitatorUrl(facilitator.url()).build());
            // Valid only from an hour from now: the wallet's signature cannot be judged here, its window can.
            String proof = Proofs.proof().smartWallet(Proofs.SMART_WALLET).at(Instant.now().plusSeconds(3600)).v1();

            Decision d = tollgate.check(Request.paying(X402Headers.X_PAYMENT, proof),
                    tollgate.termsFor("GET", PATH).orElseThrow());

            assertEquals("invalid_exact_evm_payload_authorization_valid_after",
                    assertInstanceOf(Decision.Challenge.class, d).reason());
            assertTrue(facilitator.verifyRequests().isEmpty() && facilitator.settleRequests().isEmpty());
        }
    }

    @Test
    void aSmartWalletsFacilitatorRefusalIsTheAnswer() throws Exception {
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            facilitator.onVerify(FacilitatorDouble.invalid("invalid_exact_evm_payload_signature"));
            Tollgate tollgate = Tollgate.create(config().set("verify", "local").facilitatorUrl(facilitator.url()).build());

            Decision d = tollgate.check(Request.paying(X402Headers.PAYMENT_SIGNATURE,
                    Proofs.proof().smartWallet(Proofs.SMART_WALLET).v2()), tollgate.termsFor("GET", PATH).orElseThrow());

            assertEquals("invalid_exact_evm_payload_signature", assertInstanceOf(Decision.Challenge.class, d).reason());
            assertEquals(1, facilitator.verifyRequests().size());
            assertTrue(facilitator.settleRequests().isEmpty());
        }
    }

    @Test
    void hybridModeChecksAtStartThatTheFacilitatorSettlesTheConfiguredNetwork() throws Exception {
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            facilitator.onSupported(FacilitatorDouble.answer(200, FacilitatorDouble.supportedKinds("base", "eip155:8453")));

            ConfigurationException e = assertThrows(ConfigurationException.class, () -> Tollgate.create(
                    config().set("verify", "local").facilitatorUrl(facilitator.url()).build()));

            assertEquals("network", e.setting());
        }
    }

    @Test
    void aFacilitatorNamingAnotherPayerForASmartWalletIsRejectedAs502AndNothingSettles() throws Exception {
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            facilitator.onVerify(FacilitatorDouble.answer(200,
                    "{\"isValid\":true,\"payer\":\"0x1111111111111111111111111111111111111111\"}"));
            Tollgate tollgate = Tollgate.create(config().set("verify", "local").facilitatorUrl(facilitator.url()).build());

            Decision d = tollgate.check(Request.paying(X402Headers.PAYMENT_SIGNATURE,
                    Proofs.proof().smartWallet(Proofs.SMART_WALLET).v2()), tollgate.termsFor("GET", PATH).orElseThrow());

            assertEquals(502, assertInstanceOf(Decision.Reject.class, d).answer().status());
            assertTrue(facilitator.settleRequests().isEmpty());
        }
    }

    @Test
    void whileTheFacilitatorCannotVerifyASmartWalletWaitsWith503AndAccountsStillPay() throws Exception {
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            facilitator.onVerify(FacilitatorDouble.answer(503, "{}"));
            Tollgate tollgate = Tollgate.create(config().set("verify", "local").facilitatorUrl(facilitator.url()).build());

            Decision wallet = tollgate.check(Request.paying(X402Headers.PAYMENT_SIGNATURE,
                    Proofs.proof().smartWallet(Proofs.SMART_WALLET).v2()), tollgate.termsFor("GET", PATH).orElseThrow());
            Completion account = pay(tollgate, Request.paying(X402Headers.PAYMENT_SIGNATURE, Proofs.proof().v2()));

            assertEquals(503, assertInstanceOf(Decision.Reject.class, wallet).answer().status());
            assertInstanceOf(Completion.Deliver.class, account);
            assertEquals(1, facilitator.settleRequests().size(), "only the account's payment was settled");
        }
    }

    /**
     * The proof-API dialect treats a verified payment as made, and asks its /settle only when offered. An EIP-3009
     * authorization checked in-process is no payment made: unless that /settle submits it, nobody ever does, and the
     * content would go out for a signature no one collects.
     */
    @Test
    void withTheProofApiDialectLocalVerificationWithoutTheFacilitatorsSettleFailsStartUp() throws Exception {
        try (ProofApiFacilitatorDouble facilitator = new ProofApiFacilitatorDouble()) {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> Tollgate.create(config()
                    .set("verify", "local").set("facilitator.dialect", "proof-api")
                    .facilitatorUrl(facilitator.url()).build()).close());

            assertEquals("verify", e.setting());
            assertTrue(e.problem().contains("facilitator.proofApi.settle"), e.problem());
            assertTrue(facilitator.verifyRequests().isEmpty() && facilitator.settleRequests().isEmpty());
        }
    }

    @Test
    void withTheProofApiDialectAPaymentVerifiedHereIsSettledThroughTheFacilitatorsSettle() throws Exception {
        try (ProofApiFacilitatorDouble facilitator = new ProofApiFacilitatorDouble()) {
            Tollgate tollgate = Tollgate.create(config().set("verify", "local").set("facilitator.dialect", "proof-api")
                    .set("facilitator.proofApi.settle", "true").facilitatorUrl(facilitator.url()).build());

            Completion c = pay(tollgate, Request.paying(X402Headers.PAYMENT_SIGNATURE, Proofs.proof().v2()));

            assertInstanceOf(Completion.Deliver.class, c);
            assertTrue(facilitator.verifyRequests().isEmpty(), "verified in-process");
            assertEquals(1, facilitator.settleRequests().size(), "and settled by the facilitator");
            tollgate.close();
        }
    }

    @Test
    void withTheProofApiDialectASmartWalletsSignatureIsRefusedHereSayingWhy() throws Exception {
        try (ProofApiFacilitatorDouble facilitator = new ProofApiFacilitatorDouble()) {
            Tollgate tollgate = Tollgate.create(config().set("verify", "local").set("facilitator.dialect", "proof-api")
                    .set("facilitator.proofApi.settle", "true").facilitatorUrl(facilitator.url()).build());

            Decision d = tollgate.check(Request.paying(X402Headers.PAYMENT_SIGNATURE,
                    Proofs.proof().smartWallet(Proofs.SMART_WALLET).v2()), tollgate.termsFor("GET", PATH).orElseThrow());

            Decision.Challenge challenge = assertInstanceOf(Decision.Challenge.class, d);
            assertEquals("invalid_exact_evm_payload_signature", challenge.reason());
            assertTrue(facilitator.verifyRequests().isEmpty(), "the proof-API dialect verifies payments already made");
        }
    }

    @Test
    void aLocalVerifierWithASettlerInCodeStillChecksTheFacilitatorThatJudgesSmartWallets() throws Exception {
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            facilitator.onSupported(FacilitatorDouble.answer(200, FacilitatorDouble.supportedKinds("base", "eip155:8453")));

            ConfigurationException e = assertThrows(ConfigurationException.class, () -> Tollgate.create(config()
                    .verifier(new LocalExactEvmPaymentVerifier(Clock.systemUTC()))
                    .settler(attempt -> new SettleOutcome.Unavailable(null, "not used"))
                    .facilitatorUrl(facilitator.url()).build()));

            assertEquals("network", e.setting());
        }
    }

    @Test
    void theVerifySettingSelectsHybridModeWithoutCode() throws Exception {
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            TollgateConfig config = config().set("verify", "local").facilitatorUrl(facilitator.url()).build();

            pay(Tollgate.create(config), Request.paying(X402Headers.X_PAYMENT, Proofs.proof().v1()));

            assertInstanceOf(LocalExactEvmPaymentVerifier.class, config.verifier());
            assertEquals(0, facilitator.verifyRequests().size());
            assertEquals(1, facilitator.settleRequests().size());
        }
    }

    @Test
    void verifyFacilitatorIsTheDefaultAndLeavesVerificationToTheFacilitator() {
        assertNull(config().facilitatorUrl("http://127.0.0.1:1").build().verifier());
        assertNull(config().set("verify", "facilitator").facilitatorUrl("http://127.0.0.1:1").build().verifier());
    }

    @Test
    void anUnknownVerifyModeIsRefusedNamingTheSetting() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> config().set("verify", "chain").facilitatorUrl("http://127.0.0.1:1").build());

        assertEquals("verify", e.setting());
    }

    @Test
    void localVerificationStillNeedsSomewhereToSettle() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> config().set("verify", "local").build());

        assertEquals("facilitator.url", e.setting());
    }

    @Test
    void theListenerHearsThatLocalVerificationDidNotCheckTheChain() throws Exception {
        List<String> details = new CopyOnWriteArrayList<>();
        try (FacilitatorDouble facilitator = new FacilitatorDouble()) {
            Tollgate tollgate = Tollgate.create(config()
                    .verifier(new LocalExactEvmPaymentVerifier(Clock.systemUTC()))
                    .facilitatorUrl(facilitator.url())
                    .listener(new PaymentListener() {
                        @Override
                        public void verified(String path, String outcome, String reason, Duration latency) {
                            details.add(outcome + ": " + reason);
                        }
                    })
                    .build());

            pay(tollgate, Request.paying(X402Headers.X_PAYMENT, Proofs.proof().v1()));

            assertEquals(List.of("Valid: " + LocalExactEvmPaymentVerifier.NOT_CHECKED_ON_CHAIN), details);
        }
    }

    @Test
    void theDevFacilitatorInProcessSettlesIntoItsLedger() {
        DevFacilitator dev = funded();
        Tollgate tollgate = Tollgate.create(config().verifier(dev).settler(dev).build());

        Completion.Deliver deliver = assertInstanceOf(Completion.Deliver.class,
                pay(tollgate, Request.paying(X402Headers.X_PAYMENT, Proofs.proof().v1())));

        assertEquals(1, dev.ledger().transfers().size());
        assertEquals(dev.ledger().transfers().get(0).transaction(), deliver.transaction());
    }

    @Test
    void payingTwiceWithOneAuthorizationIsRefusedByTheGateAndByTheSimulatedChain() {
        DevFacilitator dev = funded();
        String proof = Proofs.proof().v2();
        Tollgate tollgate = Tollgate.create(config().verifier(dev).settler(dev).build());
        pay(tollgate, Request.paying(X402Headers.PAYMENT_SIGNATURE, proof));

        Decision sameGate = tollgate.check(Request.paying(X402Headers.PAYMENT_SIGNATURE, proof),
                tollgate.termsFor("GET", PATH).orElseThrow());
        // Another server instance (its own replay ledger) sharing the facilitator: the "chain" refuses.
        Tollgate other = Tollgate.create(config().verifier(dev).settler(dev).build());
        Decision otherGate = other.check(Request.paying(X402Headers.PAYMENT_SIGNATURE, proof),
                other.termsFor("GET", PATH).orElseThrow());

        assertEquals("payment_already_used", assertInstanceOf(Decision.Challenge.class, sameGate).reason());
        assertEquals(SimulatedLedger.REASON_NONCE_USED, assertInstanceOf(Decision.Challenge.class, otherGate).reason());
        assertEquals(1, dev.ledger().transfers().size());
    }

    private static DevFacilitator funded() {
        DevFacilitator dev = new DevFacilitator(new SimulatedLedger(), NetworkRegistry.defaults(), Clock.systemUTC());
        dev.ledger().fund(DevFacilitator.token(DevRequests.BASE_SEPOLIA, Proofs.BASE_SEPOLIA_USDC),
                Proofs.PAYER.address(), BigInteger.valueOf(1_000_000));
        return dev;
    }
}
