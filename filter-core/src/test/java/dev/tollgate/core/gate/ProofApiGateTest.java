package dev.tollgate.core.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.verify.ProofApiCode;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.HandClock;
import dev.tollgate.core.testing.ProofApiFacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.verify.VerifiedPayment;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A route priced at $0.01 on base-sepolia, verified by a facilitator of the proof-API dialect over loopback. */
class ProofApiGateTest {
    private static final String PROOF = "proof-abc123";
    /** A token of 6 decimals on base-sepolia that is not its USDC. */
    private static final String OTHER_TOKEN = "0x1111111111111111111111111111111111111111";

    private ProofApiFacilitatorDouble facilitator;
    private Tollgate tollgate;
    private final HandClock clock = new HandClock(Instant.parse("2025-06-01T00:00:00Z"));

    @BeforeEach
    void start() throws IOException {
        facilitator = new ProofApiFacilitatorDouble(clock);
    }

    @AfterEach
    void stop() {
        if (tollgate != null) {
            tollgate.close();
        }
        facilitator.close();
    }

    /** What the listener heard about each verification: "outcome reason". */
    private final java.util.List<String> verified = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Tollgate tollgate(String... extra) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("facilitator.url", facilitator.url());
        s.put("facilitator.dialect", "proof-api");
        s.put("facilitator.header.Authorization", "Bearer sk-live-secret");
        s.put("payTo", Proofs.PAY_TO);
        s.put("network", "base-sepolia");
        s.put("price", "$0.01");
        s.put("description", "Premium market data");
        for (int i = 0; i < extra.length; i += 2) {
            s.put(extra[i], extra[i + 1]);
        }
        tollgate = Tollgate.create(TollgateConfig.builder().environment(n -> null).settings(s).clock(clock)
                .listener(new dev.tollgate.core.event.PaymentListener() {
                    @Override
                    public void verified(String path, String outcome, String reason, Duration latency) {
                        verified.add(outcome + " " + reason);
                    }
                }).build());
        return tollgate;
    }

    private Decision check(TestRequest r) {
        return tollgate.check(r, tollgate.termsFor(r.method(), r.path()).orElseThrow());
    }

    private static TestRequest paid(String proof) {
        return TestRequest.get("/premium/data").with("x-402-payment", proof);
    }

    @Test
    void aPaymentMadeLongerAgoThanMaxClaimIsRefusedSinceNoLedgerStillKnowsWhetherItWasUsed() {
        tollgate("maxClaim", "1h");
        // The ledger keeps a used payment for maxClaim: past that (or after a restart of an in-memory ledger) a
        // proof of an old payment would be admitted again. The facilitator's timestamp tells its age.
        facilitator.pay(PROOF, "0.01", "base-sepolia", clock.instant().minus(Duration.ofHours(2)));
        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, check(paid(PROOF)));
        assertTrue(c.reason().contains("maxClaim"), c.reason());
        facilitator.pay("proof-recent", "0.01", "base-sepolia", clock.instant().minus(Duration.ofMinutes(30)));
        assertInstanceOf(Decision.Admit.class, check(paid("proof-recent")));
    }

    /**
     * The age check above needs the payment's time: a "valid" without it, or with one that is no number of seconds
     * (a string, or milliseconds, which reads as a date thousands of years ahead), cannot be told from a payment used
     * and forgotten, so it is not an answer to deliver content on.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no timestamp|",
            "a string|,\"timestamp\":\"1748736000\"",
            "null|,\"timestamp\":null"})
    void aValidAnswerWithoutATimestampInSecondsIsAMalfunction(String what, String timestamp) {
        tollgate("maxClaim", "1h");
        facilitator.onVerify(FacilitatorDouble.answer(200, "{\"valid\":true,\"transactionId\":\"tx_1\","
                + "\"amount\":\"0.01\",\"network\":\"base-sepolia\",\"status\":\"confirmed\""
                + (timestamp == null ? "" : timestamp) + "}"));

        Decision.Reject r = assertInstanceOf(Decision.Reject.class, check(paid(PROOF)));

        assertEquals(502, r.answer().status());
    }

    @Test
    void aValidAnswerDatedInTheFutureIsAMalfunction() {
        tollgate("maxClaim", "1h");
        // Milliseconds where the dialect writes seconds: a payment "made" in the year 57,000 would never be too old.
        facilitator.pay(PROOF, "0.01", "base-sepolia", Instant.ofEpochSecond(clock.instant().toEpochMilli()));

        Decision.Reject r = assertInstanceOf(Decision.Reject.class, check(paid(PROOF)));

        assertEquals(502, r.answer().status());
        facilitator.pay("proof-slightly-ahead", "0.01", "base-sepolia", clock.instant().plusSeconds(30));
        assertInstanceOf(Decision.Admit.class, check(paid("proof-slightly-ahead")),
                "a facilitator clock a little ahead is tolerated");
    }

    @Test
    void anUnpaidRequestGetsTheX402ChallengeAndTheDialectsFields() {
        tollgate();
        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, check(TestRequest.get("/premium/data")));

        JsonNode body = GateHarness.body(c.answer());
        assertEquals(402, c.answer().status());
        assertEquals("Payment required", body.path("error").asText());
        assertEquals(facilitator.url(), body.path("facilitator").asText());
        assertEquals(1, body.path("x402Version").asInt());
        assertEquals("10000", body.path("accepts").path(0).path("maxAmountRequired").asText());
        JsonNode v2 = GateHarness.decodeHeader(c.answer().headers().get("PAYMENT-REQUIRED"));
        assertEquals("eip155:84532", v2.path("accepts").path(0).path("network").asText());
    }

    @Test
    void aVerifiedProofIsAdmittedAndItsReceiptCarriesTransactionAmountAndNetwork() {
        tollgate();
        String tx = facilitator.pay(PROOF, "0.01", "base-sepolia");

        PaymentSession s = assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session();

        assertEquals(tx, s.receipt().transaction());
        assertEquals("10000", s.receipt().amount());
        assertEquals("base-sepolia", s.receipt().network());
        JsonNode sent = facilitator.verifyRequests().get(0).body();
        assertEquals(PROOF, sent.path("proof").asText());
        assertEquals("base-sepolia", sent.path("network").asText());
        Completion.Deliver d = assertInstanceOf(Completion.Deliver.class, s.complete(200));
        assertEquals(tx, d.transaction());
        assertEquals(tx, GateHarness.decodeHeader(d.headers().get("PAYMENT-RESPONSE")).path("transaction").asText());
        assertTrue(facilitator.settleRequests().isEmpty(), "settle is called only when the facilitator offers it");
    }

    @Test
    void theVerifyRequestIsAJsonPostOfTheProofAndTheNetworkOnly() {
        tollgate();
        facilitator.pay(PROOF, "0.01", "base-sepolia");

        check(paid(PROOF));

        ProofApiFacilitatorDouble.Received sent = facilitator.verifyRequests().get(0);
        java.util.List<String> contentType = sent.headers().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("Content-Type")).flatMap(h -> h.getValue().stream()).toList();
        assertEquals(java.util.List.of("application/json"), contentType);
        java.util.List<String> fields = new java.util.ArrayList<>();
        sent.body().fieldNames().forEachRemaining(fields::add);
        assertEquals(java.util.List.of("proof", "network"), fields, "txHash is optional, and Tollgate has none");
    }

    @Test
    void theFacilitatorsAuthorizationHeaderIsSentToIt() {
        tollgate();
        facilitator.pay(PROOF, "0.01", "base-sepolia");
        check(paid(PROOF));
        assertEquals(java.util.List.of("Bearer sk-live-secret"),
                facilitator.verifyRequests().get(0).headers().get("Authorization"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "PAYMENT_NOT_FOUND, payment_not_found, Payment proof not recognized",
            "INSUFFICIENT_AMOUNT, insufficient_amount, Payment amount too low",
            "EXPIRED, payment_expired, Payment authorization expired",
            "INVALID_NETWORK, invalid_network, Network not supported",
            "ALREADY_USED, payment_already_used, Payment already redeemed"})
    void eachRefusalCodeBecomesA402TheClientCanActOn(String code, String reason, String details) {
        tollgate();
        facilitator.onVerify(ProofApiFacilitatorDouble.refuse(code, "from the facilitator"));

        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, check(paid(PROOF)));

        JsonNode body = GateHarness.body(c.answer());
        assertEquals(402, c.answer().status());
        assertEquals("Invalid payment", body.path("error").asText());
        assertEquals(code, body.path("code").asText());
        assertEquals(details, body.path("details").asText());
        assertEquals(reason, c.reason());
        assertEquals(reason, GateHarness.decodeHeader(c.answer().headers().get("PAYMENT-REQUIRED")).path("error").asText());
        assertTrue(body.path("accepts").isArray(), "x402 clients still see what to pay");
    }

    /**
     * The client's 402 names the refusal by the dialect's code (the facilitator's own words are a third party's free
     * text), but the operator needs them: the facilitator's {@code error}, and a code the dialect does not define,
     * reach the listener.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "EXPIRED|Invalid payment_expired (Authorization expired at block 123)",
            "CARD_DECLINED|Invalid invalid_payment (facilitator code CARD_DECLINED: Authorization expired at block 123)"})
    void theFacilitatorsCodeAndErrorTextReachTheListener(String code, String heard) {
        tollgate();
        facilitator.onVerify(ProofApiFacilitatorDouble.refuse(code, "Authorization expired at block 123"));

        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, check(paid(PROOF)));

        assertEquals(java.util.List.of(heard), verified);
        assertEquals(ProofApiCode.ofCode(code).orElse(ProofApiCode.INVALID_PAYMENT).reason(), c.reason());
    }

    /**
     * The seed's own client reads the answer's JSON whatever its status; a facilitator may well say "not found" with a
     * 404 or "already used" with a 409. A refusal is a refusal under any such status: it never pays.
     */
    @ParameterizedTest(name = "HTTP {0} {1}")
    @CsvSource({"404, PAYMENT_NOT_FOUND", "409, ALREADY_USED", "410, EXPIRED", "422, INSUFFICIENT_AMOUNT"})
    void aRefusalUnderAnotherClientErrorStatusIsStillA402WithItsCode(int status, String code) {
        tollgate();
        facilitator.onVerify(FacilitatorDouble.answer(status, "{\"valid\":false,\"error\":\"no\",\"code\":\""
                + code + "\"}"));

        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, check(paid(PROOF)));

        assertEquals(code, GateHarness.body(c.answer()).path("code").asText());
    }

    @Test
    void aPaymentNotFoundWithA404OnTheFirstNetworkIsStillLookedForOnTheNext() {
        twoNetworks();
        String tx = facilitator.pay(PROOF, "0.02", "base");
        facilitator.onVerify((ex, req) -> {
            if ("base".equals(req.path("network").asText())) {
                FacilitatorDouble.respond(ex, 200, "{\"valid\":true,\"transactionId\":\"" + tx + "\",\"amount\":"
                        + "\"0.02\",\"network\":\"base\",\"timestamp\":" + clock.instant().getEpochSecond() + "}");
            } else {
                FacilitatorDouble.respond(ex, 404, "{\"valid\":false,\"error\":\"Payment not found\","
                        + "\"code\":\"PAYMENT_NOT_FOUND\"}");
            }
        });

        PaymentSession s = assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session();

        assertEquals("base", s.receipt().network());
    }

    /** Refused credentials are Tollgate's fault, not the payer's: not a 402 that blames the proof. */
    @ParameterizedTest(name = "HTTP {0}")
    @CsvSource({"401", "403"})
    void aRefusalWithAnAuthenticationStatusIsAMalfunction(int status) {
        tollgate();
        facilitator.onVerify(FacilitatorDouble.answer(status, "{\"valid\":false,\"error\":\"bad key\"}"));

        assertEquals(502, assertInstanceOf(Decision.Reject.class, check(paid(PROOF))).answer().status());
    }

    @Test
    void aValidAnswerForACheaperPaymentIsRefusedByTollgateItself() {
        tollgate();
        facilitator.pay(PROOF, "0.009999", "base-sepolia");

        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, check(paid(PROOF)));

        assertEquals("INSUFFICIENT_AMOUNT", GateHarness.body(c.answer()).path("code").asText());
        assertTrue(c.reason().startsWith("insufficient_amount"), c.reason());
    }

    @Test
    void aValidAnswerForMoreThanThePriceIsNotTheExactPrice() {
        tollgate();
        facilitator.pay(PROOF, "1.00", "base-sepolia");

        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, check(paid(PROOF)));

        assertEquals("AMOUNT_MISMATCH", GateHarness.body(c.answer()).path("code").asText());
    }

    @Test
    void theSamePriceWrittenWithMoreDecimalsIsTheExactPrice() {
        tollgate();
        facilitator.pay(PROOF, "0.010000", "base-sepolia");
        assertInstanceOf(Decision.Admit.class, check(paid(PROOF)));
    }

    /**
     * Ten characters from the facilitator must not buy it a minute of a request thread: turned into an exact
     * integer, 1e20000000 is a number of 66 million bits, computed before it can be compared with the price.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"1e20000000", "1e-20000000", "0.01e20000000"})
    void anAmountWithAHugeExponentIsRefusedAtOnce(String amount) {
        tollgate();
        facilitator.onVerify(validOn("base-sepolia", amount));

        Decision.Challenge c = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> assertInstanceOf(Decision.Challenge.class, check(paid(PROOF))));

        assertEquals("AMOUNT_MISMATCH", GateHarness.body(c.answer()).path("code").asText());
    }

    @Test
    void aValidAnswerOnANetworkTheRouteDoesNotTakeIsRefused() {
        tollgate();
        facilitator.onVerify(validOn("base", "0.01"));

        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, check(paid(PROOF)));

        assertEquals("INVALID_NETWORK", GateHarness.body(c.answer()).path("code").asText());
        assertEquals("invalid_network: paid on base, this resource takes base-sepolia", c.reason());
    }

    /**
     * The dialect's answer carries the payment's {@code status}, "confirmed" in its example. A payment still
     * "pending" may yet fail on chain: content delivered on it could go unpaid. It is answered "try again shortly"
     * (503 with Retry-After, no claim kept, nothing cached), and the same proof is admitted once confirmed.
     */
    @Test
    void aPendingPaymentIsAnsweredTryAgainAndAdmittedOnceConfirmed() {
        tollgate();
        facilitator.onVerify(withStatus("\"pending\""));

        Decision.Reject r = assertInstanceOf(Decision.Reject.class, check(paid(PROOF)));

        assertEquals(503, r.answer().status());
        assertEquals("5", r.answer().headers().get("Retry-After"));
        facilitator.onVerify(withStatus("\"confirmed\""));
        assertInstanceOf(Decision.Admit.class, check(paid(PROOF)));
    }

    /** A valid answer in a state the dialect does not name ("failed", a number) is no answer to deliver on. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"failed|\"failed\"", "a number|1", "an object|{}"})
    void aValidAnswerInAnotherStateIsAMalfunction(String what, String status) {
        tollgate();
        facilitator.onVerify(withStatus(status));

        assertEquals(502, assertInstanceOf(Decision.Reject.class, check(paid(PROOF))).answer().status());
    }

    private FacilitatorDouble.Behaviour withStatus(String statusJson) {
        return FacilitatorDouble.answer(200, "{\"valid\":true,\"transactionId\":\"tx_1\",\"amount\":\"0.01\","
                + "\"network\":\"base-sepolia\",\"timestamp\":" + clock.instant().getEpochSecond() + ",\"status\":"
                + statusJson + "}");
    }

    /**
     * The dialect's documented answer names no recipient, but a facilitator that does name one (as {@code to},
     * {@code recipient} or {@code payTo}) has said whom the payment went to: a payment to anyone but the route's
     * payTo pays nothing here, however right its network and amount.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"to", "recipient", "payTo"})
    void aValidAnswerForAPaymentToAnotherRecipientIsRefused(String field) {
        tollgate();
        facilitator.onVerify(validTo(field, "\"0x1111111111111111111111111111111111111111\""));

        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, check(paid(PROOF)));

        assertEquals("RECIPIENT_MISMATCH", GateHarness.body(c.answer()).path("code").asText());
        assertTrue(c.reason().startsWith("payment_recipient_mismatch: paid to 0x1111111111111111111111111111111111111111"),
                c.reason());
    }

    @Test
    void aValidAnswerNamingTheRoutesPayToInAnyCaseIsAdmitted() {
        tollgate();
        facilitator.onVerify(validTo("to", "\"" + Proofs.PAY_TO.toLowerCase(java.util.Locale.ROOT) + "\""));

        assertInstanceOf(Decision.Admit.class, check(paid(PROOF)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"an object|{}", "a number|1", "empty|\"\""})
    void aValidAnswerWithAnUnreadableRecipientIsAMalfunction(String what, String recipient) {
        tollgate();
        facilitator.onVerify(validTo("recipient", recipient));

        assertEquals(502, assertInstanceOf(Decision.Reject.class, check(paid(PROOF))).answer().status());
    }

    private FacilitatorDouble.Behaviour validTo(String field, String recipientJson) {
        return FacilitatorDouble.answer(200, "{\"valid\":true,\"transactionId\":\"tx_1\",\"amount\":\"0.01\","
                + "\"network\":\"base-sepolia\",\"timestamp\":" + clock.instant().getEpochSecond() + ",\"" + field
                + "\":" + recipientJson + "}");
    }

    /**
     * The dialect's facilitator reports amounts in USDC, whatever token a route is priced in: its "1.00" for a route
     * asking one whole unit of another 6-decimal token would pay that route in the wrong currency.
     */
    @Test
    void aRoutePricedInAnotherTokenThanUsdcFailsStartUpNamingItsAsset() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> tollgate("routes", "eur",
                "route.eur.path", "/premium/*", "route.eur.asset", OTHER_TOKEN, "route.eur.amount", "1000000",
                "route.eur.eip712.name", "EURC", "route.eur.eip712.version", "2"));

        assertEquals("route.eur.asset", e.setting());
        assertTrue(e.problem().contains("USDC"), e.problem());
    }

    @Test
    void aPaymentIsNeverTakenForAnOptionPricedInAnotherTokenThanUsdc() {
        PaymentOption eurc = new PaymentOption("exact", NetworkRegistry.defaults().find("base-sepolia").orElseThrow(),
                java.math.BigInteger.valueOf(1_000_000), OTHER_TOKEN, Proofs.PAY_TO, 60, "EURC", "2");

        String wrong = ProofApiSupport.mismatch(new VerifiedPayment("tx_1", "1.00", "base-sepolia", 0L, "confirmed"),
                eurc);

        assertTrue(wrong != null && wrong.startsWith("payment_amount_mismatch"), wrong);
    }

    // --- a route with several options: the opaque proof names none, so the facilitator's answer picks it ------

    private Tollgate twoNetworks() {
        return tollgate("accepts", "sepolia,mainnet", "accept.sepolia.network", "base-sepolia",
                "accept.mainnet.network", "base", "accept.mainnet.price", "$0.02");
    }

    @Test
    void aPaymentOnTheRoutesSecondNetworkIsFoundThereAndSettledOnIt() {
        twoNetworks();
        String tx = facilitator.pay(PROOF, "0.02", "base");

        PaymentSession s = assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session();

        assertEquals(java.util.List.of("base-sepolia", "base"), facilitator.verifyRequests().stream()
                .map(r -> r.body().path("network").asText()).toList());
        assertEquals("base", s.receipt().network());
        assertEquals("20000", s.receipt().amount());
        Completion.Deliver d = assertInstanceOf(Completion.Deliver.class, s.complete(200));
        assertEquals(tx, d.transaction());
        assertEquals("eip155:8453", GateHarness.decodeHeader(d.headers().get("PAYMENT-RESPONSE"))
                .path("network").asText());
    }

    @Test
    void aPaymentOnTheFirstNetworkAsksNoOther() {
        twoNetworks();
        facilitator.pay(PROOF, "0.01", "base-sepolia");

        assertEquals("base-sepolia", assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session()
                .receipt().network());
        assertEquals(1, facilitator.verifyRequests().size());
    }

    @Test
    void aRefusalAboutThePaymentItselfAsksNoOtherNetwork() {
        twoNetworks();
        facilitator.onVerify(ProofApiFacilitatorDouble.refuse("EXPIRED", "expired"));

        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, check(paid(PROOF)));

        assertEquals("payment_expired", c.reason());
        assertEquals(1, facilitator.verifyRequests().size());
    }

    @Test
    void aPaymentFoundOnNoNetworkIsRefusedWithTheFirstNetworksAnswer() {
        twoNetworks();

        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, check(paid(PROOF)));

        assertEquals("PAYMENT_NOT_FOUND", GateHarness.body(c.answer()).path("code").asText());
        assertEquals(2, facilitator.verifyRequests().size());
    }

    @Test
    void aPaymentOnTheSecondNetworkAtTheFirstNetworksPriceIsRefused() {
        twoNetworks();
        facilitator.pay(PROOF, "0.01", "base");

        Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, check(paid(PROOF)));

        assertEquals("INSUFFICIENT_AMOUNT", GateHarness.body(c.answer()).path("code").asText());
        assertEquals("insufficient_amount: paid 0.01, price is 0.02", c.reason());
    }

    @Test
    void aFacilitatorThatAnswersForAnotherNetworkOfTheRoutePaysThatOption() {
        twoNetworks();
        facilitator.onVerify(validOn("base", "0.02"));

        PaymentSession s = assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session();

        assertEquals("base", s.receipt().network());
        assertEquals(1, facilitator.verifyRequests().size());
    }

    @Test
    void anUnreachableSecondNetworkIsA503NotARefusal() {
        twoNetworks();
        facilitator.onVerify(FacilitatorDouble.inTurn(
                ProofApiFacilitatorDouble.refuse("PAYMENT_NOT_FOUND", "Payment not found"),
                FacilitatorDouble.answer(503, "{}")));

        assertEquals(503, assertInstanceOf(Decision.Reject.class, check(paid(PROOF))).answer().status());
    }

    private FacilitatorDouble.Behaviour validOn(String network, String amount) {
        return FacilitatorDouble.answer(200, "{\"valid\":true,\"transactionId\":\"tx_1\",\"amount\":\"" + amount
                + "\",\"network\":\"" + network + "\",\"timestamp\":" + clock.instant().getEpochSecond() + "}");
    }

    @Test
    void aValidAnswerWithoutATransactionIsAMalfunction() {
        tollgate();
        facilitator.onVerify(FacilitatorDouble.answer(200, "{\"valid\":true,\"amount\":\"0.01\",\"network\":\"base-sepolia\"}"));
        Decision.Reject r = assertInstanceOf(Decision.Reject.class, check(paid(PROOF)));
        assertEquals(502, r.answer().status());
    }

    /**
     * The transaction id becomes the payment's ledger key and goes back to the client in two base64 headers: a few
     * KiB of it would pass the container's 8 KiB header limit (a 500 for a paid request) and a database index's row
     * limit. No chain's id is longer than 128 characters.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"5000 characters|5000", "a line break|-1"})
    void aValidAnswerWhoseTransactionIdIsNoShortPrintableIdIsAMalfunction(String what, int length) {
        tollgate();
        String tx = length < 0 ? "tx\\n1" : "t".repeat(length);
        facilitator.onVerify(FacilitatorDouble.answer(200, "{\"valid\":true,\"transactionId\":\"" + tx + "\","
                + "\"amount\":\"0.01\",\"network\":\"base-sepolia\",\"timestamp\":"
                + clock.instant().getEpochSecond() + "}"));

        assertEquals(502, assertInstanceOf(Decision.Reject.class, check(paid(PROOF))).answer().status());
    }

    @Test
    void aSettlementNamingAnOverlongTransactionReportsTheVerifiedOne() {
        tollgate("facilitator.proofApi.settle", "true");
        String tx = facilitator.pay(PROOF, "0.01", "base-sepolia");
        facilitator.onSettle(FacilitatorDouble.answer(200, "{\"success\":true,\"transactionId\":\""
                + "t".repeat(5000) + "\"}"));
        PaymentSession s = assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session();

        Completion.Deliver d = assertInstanceOf(Completion.Deliver.class, s.complete(200));

        assertEquals(tx, d.transaction());
        assertEquals(tx, GateHarness.decodeHeader(d.headers().get("PAYMENT-RESPONSE")).path("transaction").asText());
    }

    @ParameterizedTest(name = "HTTP {0}")
    @CsvSource({"400", "402"})
    void aValidAnswerWithAnErrorStatusIsAMalfunctionNotAPayment(int status) {
        tollgate();
        facilitator.onVerify(FacilitatorDouble.answer(status, "{\"valid\":true,\"transactionId\":\"tx_1\","
                + "\"amount\":\"0.01\",\"network\":\"base-sepolia\"}"));
        Decision.Reject r = assertInstanceOf(Decision.Reject.class, check(paid(PROOF)));
        assertEquals(502, r.answer().status());
    }

    @ParameterizedTest(name = "HTTP {0}")
    @CsvSource({"400", "402"})
    void aSettlementSuccessWithAnErrorStatusWithholdsTheContent(int status) {
        tollgate("facilitator.proofApi.settle", "true");
        facilitator.pay(PROOF, "0.01", "base-sepolia");
        facilitator.onSettle(FacilitatorDouble.answer(status, "{\"success\":true,\"transactionId\":\"tx_9\"}"));
        PaymentSession s = assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session();

        Completion.Withhold w = assertInstanceOf(Completion.Withhold.class, s.complete(200));

        assertEquals(502, w.answer().status());
    }

    @Test
    void aSettledPaymentCannotBeUsedAgainWithTheSameOrAnotherProof() {
        tollgate();
        facilitator.pay(PROOF, "0.01", "base-sepolia");
        facilitator.alias("another-proof-of-it", PROOF);
        PaymentSession s = assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session();
        assertInstanceOf(Completion.Deliver.class, s.complete(200));

        Decision.Challenge again = assertInstanceOf(Decision.Challenge.class, check(paid(PROOF)));
        Decision.Challenge other = assertInstanceOf(Decision.Challenge.class, check(paid("another-proof-of-it")));

        assertEquals("ALREADY_USED", GateHarness.body(again.answer()).path("code").asText());
        assertEquals("ALREADY_USED", GateHarness.body(other.answer()).path("code").asText());
    }

    @Test
    void aPaymentFirstShownByAnX402ProofStaysUsedAfterThatProofsAuthorizationExpired() {
        tollgate();
        // One payment, tx_9, which the facilitator finds from the x402 proof and from the dialect's own proof alike.
        facilitator.onVerify((ex, req) -> FacilitatorDouble.respond(ex, 200, "{\"valid\":true,\"transactionId\":\"tx_9\","
                + "\"amount\":\"0.01\",\"network\":\"base-sepolia\",\"timestamp\":"
                + clock.instant().getEpochSecond() + "}"));
        String header = Proofs.proof().at(clock.instant()).v1();
        PaymentSession s = assertInstanceOf(Decision.Admit.class,
                check(TestRequest.get("/premium/data").with("X-PAYMENT", header))).session();
        assertInstanceOf(Completion.Deliver.class, s.complete(200));

        // The authorization's validBefore is long past; the payment it showed is as final as ever.
        clock.advance(Duration.ofMinutes(5));
        Decision.Challenge again = assertInstanceOf(Decision.Challenge.class, check(paid("another-proof-of-tx_9")));

        assertEquals("ALREADY_USED", GateHarness.body(again.answer()).path("code").asText());
    }

    @Test
    void aRetryAfterAFailedHandlerIsAdmittedWithoutAskingTheFacilitatorAgain() {
        tollgate();
        facilitator.pay(PROOF, "0.01", "base-sepolia");
        PaymentSession first = assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session();
        first.complete(500);

        PaymentSession retry = assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session();

        assertEquals(1, facilitator.verifyRequests().size());
        assertInstanceOf(Completion.Deliver.class, retry.complete(200));
        assertInstanceOf(Decision.Challenge.class, check(paid(PROOF)), "the cache never bypasses the ledger");
    }

    @Test
    void theCacheForgetsAfterItsTtl() {
        tollgate("facilitator.cache.ttl", "60s");
        facilitator.pay(PROOF, "0.01", "base-sepolia");
        assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session().complete(500);
        clock.advance(Duration.ofSeconds(61));
        assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session().complete(500);
        assertEquals(2, facilitator.verifyRequests().size());
    }

    @Test
    void anUnavailableAnswerIsNotCached() {
        tollgate();
        facilitator.pay(PROOF, "0.01", "base-sepolia");
        facilitator.onVerify(FacilitatorDouble.answer(503, "{}"));
        assertEquals(503, assertInstanceOf(Decision.Reject.class, check(paid(PROOF))).answer().status());

        facilitator.verifyKnownPayments();
        assertInstanceOf(Decision.Admit.class, check(paid(PROOF)));
        assertEquals(2, facilitator.verifyRequests().size());
    }

    @Test
    void paymentNotFoundIsAskedAgainSinceThePaymentMayNotBeIndexedYet() {
        tollgate();
        assertInstanceOf(Decision.Challenge.class, check(paid(PROOF)));
        facilitator.pay(PROOF, "0.01", "base-sepolia");
        assertInstanceOf(Decision.Admit.class, check(paid(PROOF)));
    }

    @Test
    void aDefiniteRefusalIsCached() {
        tollgate();
        facilitator.onVerify(ProofApiFacilitatorDouble.refuse("EXPIRED", "expired"));
        assertEquals("payment_expired", assertInstanceOf(Decision.Challenge.class, check(paid(PROOF))).reason());
        // The same refusal again, from the cache: not "already used" (the refused proof was not kept claimed).
        assertEquals("payment_expired", assertInstanceOf(Decision.Challenge.class, check(paid(PROOF))).reason());
        assertEquals(1, facilitator.verifyRequests().size());
    }

    @Test
    void rateLimitingBecomes503WithTheFacilitatorsRetryAfter() {
        tollgate();
        facilitator.onVerify(ProofApiFacilitatorDouble.withHeader("Retry-After", "7", 429, "{\"error\":\"Too Many Requests\"}"));

        Decision.Reject r = assertInstanceOf(Decision.Reject.class, check(paid(PROOF)));

        assertEquals(503, r.answer().status());
        assertEquals("7", r.answer().headers().get("Retry-After"));
    }

    @Test
    void aHungFacilitatorTimesOutInto503() {
        tollgate("facilitator.requestTimeout", "300ms");
        facilitator.onVerify(FacilitatorDouble.hang());
        long start = System.nanoTime();

        Decision.Reject r = assertInstanceOf(Decision.Reject.class, check(paid(PROOF)));

        assertEquals(503, r.answer().status());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(3)) < 0);
        assertTrue(r.answer().headers().containsKey("Retry-After"));
    }

    @Test
    void theDialectsDefaultRequestTimeoutIsFiveSeconds() {
        assertEquals(Duration.ofSeconds(5), tollgate().config().facilitator().requestTimeout());
    }

    @Test
    void theCircuitOpensFailsFastThenProbesAndCloses() {
        tollgate("facilitator.circuit.failureThreshold", "2", "facilitator.circuit.openDuration", "30s");
        facilitator.pay(PROOF, "0.01", "base-sepolia");
        facilitator.onVerify(FacilitatorDouble.answer(503, "{}"));
        check(paid(PROOF));
        check(paid(PROOF));
        assertEquals(2, facilitator.verifyRequests().size());

        Decision.Reject open = assertInstanceOf(Decision.Reject.class, check(paid(PROOF)));
        assertEquals(503, open.answer().status());
        assertEquals("30", open.answer().headers().get("Retry-After"));
        assertEquals(2, facilitator.verifyRequests().size(), "open: failing fast, no call");

        clock.advance(Duration.ofSeconds(31));
        facilitator.verifyKnownPayments();
        assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session().complete(500);
        assertEquals(3, facilitator.verifyRequests().size(), "half-open: one probe");

        facilitator.onVerify(ProofApiFacilitatorDouble.refuse("EXPIRED", "expired"));
        assertInstanceOf(Decision.Challenge.class, check(paid("fresh-proof")));
        assertEquals(4, facilitator.verifyRequests().size(), "closed again");
    }

    @Test
    void bogusProofsThatTheFacilitatorFailsOnDoNotOpenTheCircuitForEveryone() {
        tollgate("facilitator.circuit.failureThreshold", "2", "facilitator.circuit.openDuration", "30s");
        facilitator.onVerify(FacilitatorDouble.answer(500, "{\"error\":\"internal\"}"));
        for (int i = 0; i < 4; i++) {
            Decision.Reject r = assertInstanceOf(Decision.Reject.class, check(paid("bogus-" + i)));
            assertEquals(503, r.answer().status());
        }
        assertEquals(4, facilitator.verifyRequests().size(), "the circuit stayed closed");

        facilitator.pay(PROOF, "0.01", "base-sepolia");
        facilitator.verifyKnownPayments();
        assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session().complete(500);
    }

    @Test
    void anX402ProofIsForwardedToTheDialectAsBase64() {
        tollgate();
        String header = Proofs.proof().at(clock.instant()).v1(); // signed on the gate's day, valid for a minute
        facilitator.onVerify((ex, req) -> FacilitatorDouble.respond(ex, 200, "{\"valid\":true,\"transactionId\":\"tx_9\","
                + "\"amount\":\"0.01\",\"network\":\"base-sepolia\",\"timestamp\":"
                + clock.instant().getEpochSecond() + "}"));

        PaymentSession s = assertInstanceOf(Decision.Admit.class,
                check(TestRequest.get("/premium/data").with("X-PAYMENT", header))).session();

        assertEquals("tx_9", s.receipt().transaction());
        JsonNode sentProof = GateHarness.decodeHeader(facilitator.verifyRequests().get(0).body().path("proof").asText());
        assertEquals(GateHarness.decodeHeader(header), sentProof);
    }

    @Test
    void theFacilitatorsSettleIsCalledWhenOffered() {
        tollgate("facilitator.proofApi.settle", "true");
        String tx = facilitator.pay(PROOF, "0.01", "base-sepolia");
        PaymentSession s = assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session();

        Completion.Deliver d = assertInstanceOf(Completion.Deliver.class, s.complete(200));

        assertEquals(1, facilitator.settleRequests().size());
        assertEquals(PROOF, facilitator.settleRequests().get(0).body().path("proof").asText());
        assertEquals(tx, d.transaction());
    }

    @Test
    void aRefusedSettlementWithholdsTheContent() {
        tollgate("facilitator.proofApi.settle", "true");
        facilitator.pay(PROOF, "0.01", "base-sepolia");
        facilitator.onSettle(FacilitatorDouble.answer(200, "{\"success\":false,\"error\":\"used\",\"code\":\"ALREADY_USED\"}"));
        PaymentSession s = assertInstanceOf(Decision.Admit.class, check(paid(PROOF))).session();

        Completion.Withhold w = assertInstanceOf(Completion.Withhold.class, s.complete(200));

        assertEquals(402, w.answer().status());
        assertEquals("ALREADY_USED", GateHarness.body(w.answer()).path("code").asText());
    }

    @Test
    void withoutTheDialectTheHeaderIsIgnored() throws IOException {
        try (FacilitatorDouble x402 = new FacilitatorDouble()) {
            Tollgate t = Tollgate.create(TollgateConfig.builder().environment(n -> null)
                    .facilitatorUrl(x402.url()).payTo(Proofs.PAY_TO).price("$0.01").build());
            TestRequest r = paid(PROOF);
            Decision.Challenge c = assertInstanceOf(Decision.Challenge.class, t.check(r, t.termsFor("GET", r.path()).orElseThrow()));
            assertNull(c.reason());
            assertFalse(GateHarness.body(c.answer()).has("facilitator"));
            t.close();
        }
    }

}
