package dev.tollgate.core.gate;

import static dev.tollgate.core.gate.GateHarness.body;
import static dev.tollgate.core.gate.GateHarness.decodeHeader;
import static dev.tollgate.core.gate.GateHarness.paid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.code.CodeIntentStore;
import dev.tollgate.core.code.CodeIntentVerifier;
import dev.tollgate.core.code.CodeOption;
import dev.tollgate.core.code.CreatedIntent;
import dev.tollgate.core.code.PaymentIntent;
import dev.tollgate.core.code.PaymentIntents;
import dev.tollgate.core.code.testing.CodeSequencerDouble;
import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.event.LoggingPaymentListener;
import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.testing.Proofs;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A route that also accepts Code: the 402 advertises the option, and a paid intent of this server pays once. */
class PaymentGateCodeTest {
    static final String DESTINATION = "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR";
    private static final String HEADER = CodeOption.PROOF_HEADER;

    private CodeSequencerDouble sequencer;
    private GateHarness gate;

    @BeforeEach
    void start() throws IOException {
        sequencer = CodeSequencerDouble.start();
        gate = new GateHarness(
                "routes", "premium,pricier,plain,costly",
                "route.pricier.path", "/pricier/*",
                "route.pricier.code.amount", "0.10",
                "route.plain.path", "/plain/*",
                "route.plain.code.enabled", "false",
                "route.costly.path", "/costly/*",
                "route.costly.settlement", "before",
                "code.destination", DESTINATION,
                "code.amount", "0.05",
                "code.createIntentUrl", "/create-intent?route=premium",
                "code.sequencerUrl", sequencer.endpoint().toString(),
                "code.requestTimeout", "2s");
    }

    @AfterEach
    void stop() {
        gate.close();
        sequencer.close();
    }

    private PaymentTerms terms(String path) {
        return gate.tollgate.termsFor("GET", path).orElseThrow();
    }

    private PaymentIntent create(String path) throws CodeIntentVerifier.CreationException {
        return gate.tollgate.codeIntents().orElseThrow().create(terms(path).code());
    }

    private PaymentIntent paidIntent() throws Exception {
        PaymentIntent intent = create(GateHarness.PATH);
        sequencer.markSubmitted(intent.id());
        return intent;
    }

    private Decision.Challenge refused(TestRequest request) {
        Decision.Challenge c = gate.challenged(request);
        assertEquals(402, c.answer().status());
        assertEquals(c.reason(), body(c.answer()).path("error").asText());
        return c;
    }

    /**
     * x402 v2 §5.1.2: every value of {@code extensions} is {@code {info, schema}}, {@code info} the server's data and
     * {@code schema} the JSON Schema of {@code info}. The Code option is its {@code info}.
     */
    @Test
    void theV2ChallengeCarriesTheCodeOptionInItsExtensionsAsInfoWithItsSchema() {
        HttpAnswer a = gate.challenged(paid()).answer();
        JsonNode extension = decodeHeader(a.headers().get("PAYMENT-REQUIRED")).path("extensions").path("code");
        JsonNode code = extension.path("info");

        java.util.List<String> fields = new java.util.ArrayList<>();
        extension.fieldNames().forEachRemaining(fields::add);
        assertEquals(java.util.List.of("info", "schema"), fields);
        JsonNode schema = extension.path("schema");
        assertEquals("object", schema.path("type").asText());
        code.fieldNames().forEachRemaining(f -> assertTrue(schema.path("properties").has(f), f));
        schema.path("required").forEach(f -> assertTrue(code.has(f.asText()), f.asText()));
        assertEquals("code-intent", code.path("scheme").asText());
        assertEquals("0.05", code.path("amount").asText());
        assertEquals("usd", code.path("currency").asText());
        assertEquals(DESTINATION, code.path("destination").asText());
        assertEquals(TestRequest.ORIGIN + "/create-intent?route=premium", code.path("createIntentUrl").asText());
        assertEquals(HEADER, code.path("proofHeader").asText());
    }

    @Test
    void theV1BodyCarriesTheCodeOptionBesideAnUnchangedAcceptsList() {
        JsonNode v1 = body(gate.challenged(paid()).answer());

        assertEquals(1, v1.path("x402Version").intValue());
        assertEquals(1, v1.path("accepts").size());
        assertEquals("10000", v1.path("accepts").path(0).path("maxAmountRequired").asText());
        assertEquals("0.05", v1.path("code").path("amount").asText());
    }

    @Test
    void theV1BodysCodeOptionIsTheV2ExtensionsInfo() {
        HttpAnswer a = gate.challenged(paid()).answer();

        assertEquals(decodeHeader(a.headers().get("PAYMENT-REQUIRED")).path("extensions").path("code").path("info"),
                body(a).path("code"));
    }

    @Test
    void aRouteWithoutCodeAdvertisesNone() {
        HttpAnswer a = gate.challenged(TestRequest.get("/plain/x")).answer();

        assertTrue(body(a).path("code").isMissingNode());
        assertTrue(decodeHeader(a.headers().get("PAYMENT-REQUIRED")).path("extensions").isMissingNode());
        assertNull(terms("/plain/x").code());
    }

    @Test
    void theBrowserPaywallMentionsCode() {
        HttpAnswer a = gate.challenged(paid().with("Accept", "text/html").with("User-Agent", "Mozilla/5.0")).answer();

        assertTrue(a.bodyText().contains("0.05 usd with the Code wallet"), a.bodyText());
        assertTrue(a.bodyText().contains(HEADER));
    }

    @Test
    void aPaidIntentIsAdmittedOnceAndMarkedUsedWhenServed() throws Exception {
        PaymentIntent intent = paidIntent();

        PaymentSession session = gate.admitted(paid().with(HEADER, intent.id()));
        assertEquals("code-intent", session.receipt().scheme());
        assertEquals("0.05", session.receipt().amount());
        assertEquals(DESTINATION, session.receipt().payTo());
        Completion.Deliver d = assertInstanceOf(Completion.Deliver.class, session.complete(200));
        assertEquals(intent.id(), d.transaction());
        assertEquals(intent.id(), session.receipt().transaction());

        assertEquals("payment intent " + intent.id() + " was already used",
                refused(paid().with(HEADER, intent.id())).reason());
    }

    @Test
    void aFailedHandlerLeavesTheIntentUsable() throws Exception {
        PaymentIntent intent = paidIntent();
        gate.admitted(paid().with(HEADER, intent.id())).complete(500);

        gate.admitted(paid().with(HEADER, intent.id())).complete(200);
    }

    @Test
    void withSettlementBeforeAFailedHandlerStillLeavesTheIntentUsable() throws Exception {
        PaymentIntent intent = create("/costly/x");
        sequencer.markSubmitted(intent.id());
        assertEquals(SettlementMode.BEFORE, terms("/costly/x").settlement());

        gate.admitted(TestRequest.get("/costly/x").with(HEADER, intent.id())).complete(500);

        gate.admitted(TestRequest.get("/costly/x").with(HEADER, intent.id())).complete(200);
        assertEquals("payment intent " + intent.id() + " was already used",
                refused(TestRequest.get("/costly/x").with(HEADER, intent.id())).reason());
    }

    @Test
    void anUnpaidIntentIsAPaymentPending402() throws Exception {
        PaymentIntent intent = create(GateHarness.PATH);

        assertTrue(refused(paid().with(HEADER, intent.id())).reason().startsWith("payment pending"));
    }

    @Test
    void unknownTamperedAndMalformedIntentsAreRefusedWithTheReason() throws Exception {
        PaymentIntent intent = paidIntent();
        String tampered = (intent.id().charAt(0) == 'A' ? "B" : "A") + intent.id().substring(1);

        assertTrue(refused(paid().with(HEADER, tampered)).reason().startsWith("unknown payment intent"));
        assertTrue(refused(paid().with(HEADER, "x")).reason().startsWith("not a Code intent id"));
    }

    @Test
    void anIntentCreatedForACheaperRouteDoesNotPayAPricierOne() throws Exception {
        PaymentIntent intent = paidIntent();

        String reason = refused(TestRequest.get("/pricier/x").with(HEADER, intent.id())).reason();
        assertTrue(reason.contains("another route"), reason);
    }

    @Test
    void anIntentAtAnotherPriceIsRefusedNamingBothPrices() throws Exception {
        // Same route name, price changed since the intent was created (a redeploy): the old price does not pay.
        PaymentIntent intent = paidIntent();
        PaymentTerms repriced = terms(GateHarness.PATH).withCode(new CodeOption("premium", DESTINATION,
                new java.math.BigDecimal("0.25"), dev.tollgate.core.code.CodeCurrency.USD, "/create-intent"));

        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class,
                gate.tollgate.check(paid().with(HEADER, intent.id()), repriced));
        assertTrue(c.reason().contains("0.05 usd") && c.reason().contains("0.25 usd"), c.reason());
    }

    @Test
    void aCodeProofOnARouteWithoutCodeIsRefused() throws Exception {
        PaymentIntent intent = paidIntent();

        String reason = refused(TestRequest.get("/plain/x").with(HEADER, intent.id())).reason();
        assertTrue(reason.contains("does not accept Code"), reason);
    }

    @Test
    void aCodeProofTogetherWithAnX402ProofIsRefused() throws Exception {
        PaymentIntent intent = paidIntent();

        String reason = refused(paid().with(HEADER, intent.id()).with("X-PAYMENT", Proofs.proof().v1())).reason();
        assertTrue(reason.startsWith("send exactly one payment header"), reason);
        gate.admitted(paid().with(HEADER, intent.id()));
    }

    @Test
    void aSequencerThatIsDownIsA503WithRetryAfter() throws Exception {
        PaymentIntent intent = paidIntent();
        sequencer.respondWith(503, new byte[0]);

        Decision.Reject r = assertInstanceOf(Decision.Reject.class, gate.check(paid().with(HEADER, intent.id())));
        assertEquals(503, r.answer().status());
        assertTrue(Integer.parseInt(r.answer().headers().get("Retry-After")) > 0);
        sequencer.behaveNormally();
        gate.admitted(paid().with(HEADER, intent.id()));
    }

    @Test
    void aPaidIntentMeetingAnUnreachableLedgerIsReportedAsTheLedgerNotAsTheVerifier() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        PaymentListener recorder = new PaymentListener() {
            @Override
            public void verified(String path, String outcome, String reason, java.time.Duration latency) {
                events.add("verified " + outcome);
            }

            @Override
            public void ledgerUnavailable(String path, boolean admitted, String detail) {
                events.add("ledgerUnavailable " + admitted + " " + detail);
            }

            @Override
            public void rejected(String path, int status, String reason) {
                events.add("rejected " + status);
            }
        };
        try (GateHarness g = new GateHarness(b -> b.ledger(new LedgerFailurePolicyTest.DownLedger()).listener(recorder),
                "code.destination", DESTINATION, "code.amount", "0.05",
                "code.sequencerUrl", sequencer.endpoint().toString())) {
            PaymentIntent intent = g.tollgate.codeIntents().orElseThrow()
                    .create(g.tollgate.termsFor("GET", GateHarness.PATH).orElseThrow().code());
            sequencer.markSubmitted(intent.id());

            Decision.Reject r = assertInstanceOf(Decision.Reject.class, g.check(paid().with(HEADER, intent.id())));

            assertEquals(503, r.answer().status());
        }
        // The sequencer answered; the store did not. An operator counting tollgate.ledger.unavailable (or verify
        // outcomes, to tell a sequencer outage) must see the ledger.
        assertEquals(List.of("ledgerUnavailable false store down", "rejected 503"), events);
    }

    @Test
    void theLogNeverCarriesAnIntentIdThatCouldStillPay() throws Exception {
        PaymentObservabilityTest.CapturingLogger log = new PaymentObservabilityTest.CapturingLogger();
        try (GateHarness g = new GateHarness(b -> b.listener(new LoggingPaymentListener(log)),
                "routes", "premium,pricier",
                "route.pricier.path", "/pricier/*",
                "route.pricier.code.amount", "0.10",
                "code.destination", DESTINATION, "code.amount", "0.05",
                "code.sequencerUrl", sequencer.endpoint().toString())) {
            PaymentIntent intent = g.tollgate.codeIntents().orElseThrow()
                    .create(g.tollgate.termsFor("GET", GateHarness.PATH).orElseThrow().code());
            // The client is told which intent it sent; the log is read by others.
            Decision.Challenge pending = g.challenged(paid().with(HEADER, intent.id()));
            assertTrue(pending.reason().contains(intent.id()), pending.reason());
            sequencer.markSubmitted(intent.id());
            g.challenged(TestRequest.get("/pricier/x").with(HEADER, intent.id()));

            // Whoever reads it there could still spend the paid intent before its payer does.
            assertInstanceOf(PaymentSession.class, g.admitted(paid().with(HEADER, intent.id())));
            String all = String.join("\n", log.lines);
            assertTrue(all.contains("payment pending"), all);
            assertTrue(all.contains("another route"), all);
            assertFalse(all.contains(intent.id()), all);
        }
    }

    @Test
    void aVerifierThatThrowsIsA500JsonAnswerLikeTheX402Path() throws Exception {
        CodeIntentStore broken = new CodeIntentStore() {
            @Override
            public boolean remember(CreatedIntent intent) {
                return true;
            }

            @Override
            public Optional<CreatedIntent> find(String intentId) {
                throw new IllegalStateException("a store supplied in code broke");
            }

            @Override
            public void forget(CreatedIntent intent) {
            }
        };
        try (GateHarness g = new GateHarness(b -> b.codeIntentStore(broken), "code.destination", DESTINATION,
                "code.amount", "0.05", "code.sequencerUrl", sequencer.endpoint().toString())) {
            String id = PaymentIntents.random(DESTINATION, 0.05, "usd").id();

            Decision.Reject r = assertInstanceOf(Decision.Reject.class, g.check(paid().with(HEADER, id)));

            assertEquals(500, r.answer().status());
            assertEquals("payment verification failed", body(r.answer()).path("error").asText());
        }
    }

    @Test
    void x402ProofsStillWorkOnACodeRoute() {
        PaymentSession s = gate.admitted(GateHarness.v1(Proofs.proof().v1()));
        assertInstanceOf(Completion.Deliver.class, s.complete(200));
    }

    @Test
    void codeSettingsAreValidatedNamingTheSetting() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> new GateHarness(
                "code.destination", DESTINATION, "code.amount", "0.01").close());
        assertEquals("code.amount", e.setting());
        assertTrue(e.getMessage().contains("minimum"), e.getMessage());
        e = assertThrows(ConfigurationException.class, () -> new GateHarness(
                "route.premium.code.destination", "not-base58!", "code.amount", "0.05").close());
        assertEquals("route.premium.code.destination", e.setting());
        e = assertThrows(ConfigurationException.class, () -> new GateHarness(
                "code.destination", DESTINATION).close());
        assertEquals("route.premium.code.amount", e.setting());
        e = assertThrows(ConfigurationException.class, () -> new GateHarness(
                "code.destination", DESTINATION, "code.amount", "0.05", "code.currency", "xyz").close());
        assertEquals("code.currency", e.setting());
        assertFalse(e.getMessage().isEmpty());
    }
}
