package dev.tollgate.core.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.pricing.Network;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.wire.PaymentRequirements;
import dev.tollgate.core.wire.PaymentRequirementsV1;
import dev.tollgate.core.wire.SupportedResponse;
import dev.tollgate.core.wire.WireJson;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpFacilitatorClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Network SEPOLIA = NetworkRegistry.defaults().find("base-sepolia").orElseThrow();
    private static final PaymentOption OPTION = new PaymentOption("exact", SEPOLIA, BigInteger.valueOf(10_000),
            SEPOLIA.usdcAddress(), Proofs.PAY_TO, 60, "USDC", "2");
    private static final String RESOURCE = "https://shop.example/premium/data";

    private FacilitatorDouble facilitator;
    private HttpFacilitatorClient client;

    @BeforeEach
    void start() throws IOException {
        facilitator = new FacilitatorDouble();
        client = new HttpFacilitatorClient(settings(Map.of(), Duration.ofSeconds(5),
                FacilitatorSettings.DEFAULT_MAX_RESPONSE_BYTES));
    }

    @AfterEach
    void stop() {
        facilitator.close();
    }

    private FacilitatorSettings settings(Map<String, String> headers, Duration requestTimeout, int maxBytes) {
        return new FacilitatorSettings(URI.create(facilitator.url()), headers, Duration.ofSeconds(2), requestTimeout,
                maxBytes);
    }

    private static JsonNode decoded(String header) throws IOException {
        return JSON.readTree(java.util.Base64.getDecoder().decode(header));
    }

    private static PaymentAttempt v1Attempt() throws IOException {
        PaymentRequirementsV1 req = OPTION.requirementsV1(RESOURCE, "Premium data", "application/json");
        return new PaymentAttempt(1, decoded(Proofs.proof().v1()), req, OPTION, null);
    }

    private static PaymentAttempt v2Attempt() throws IOException {
        PaymentRequirements req = OPTION.requirementsV2();
        return new PaymentAttempt(2, decoded(Proofs.proof().resource(RESOURCE).v2()), req, OPTION, null);
    }

    private static FacilitatorDouble.Behaviour withHeader(String name, String value, int status, String body) {
        return (ex, req) -> {
            ex.getResponseHeaders().set(name, value);
            FacilitatorDouble.respond(ex, status, body);
        };
    }

    // --- requests ----------------------------------------------------------------------------------------

    @Test
    void aV1VerifyRequestCarriesVersionTheClientsPayloadUntouchedAndTheServersRequirements() throws IOException {
        PaymentAttempt attempt = v1Attempt();
        client.verify(attempt);
        ObjectNode expected = JSON.createObjectNode().put("x402Version", 1);
        expected.set("paymentPayload", attempt.paymentPayload());
        expected.set("paymentRequirements", WireJson.mapper().valueToTree(attempt.requirements()));
        assertEquals(List.of(expected), facilitator.verifyRequests());
        JsonNode requirements = facilitator.verifyRequests().get(0).path("paymentRequirements");
        assertEquals("base-sepolia", requirements.path("network").asText());
        assertEquals("10000", requirements.path("maxAmountRequired").asText());
        assertEquals(RESOURCE, requirements.path("resource").asText());
        assertEquals(3, facilitator.verifyRequests().get(0).size());
    }

    @Test
    void aV2SettleRequestCarriesVersionTheClientsPayloadUntouchedAndTheServersRequirements() throws IOException {
        PaymentAttempt attempt = v2Attempt();
        client.settle(attempt);
        ObjectNode expected = JSON.createObjectNode().put("x402Version", 2);
        expected.set("paymentPayload", attempt.paymentPayload());
        expected.set("paymentRequirements", JSON.readTree("{\"scheme\":\"exact\",\"network\":\"eip155:84532\","
                + "\"amount\":\"10000\",\"asset\":\"" + SEPOLIA.usdcAddress() + "\",\"payTo\":\"" + Proofs.PAY_TO
                + "\",\"maxTimeoutSeconds\":60,\"extra\":{\"name\":\"USDC\",\"version\":\"2\"}}"));
        assertEquals(List.of(expected), facilitator.settleRequests());
    }

    @Test
    void configuredHeadersAreSentWithEveryCall() throws IOException {
        List<String> seen = new CopyOnWriteArrayList<>();
        facilitator.onVerify((ex, req) -> {
            seen.add(ex.getRequestHeaders().getFirst("Authorization") + "|" + ex.getRequestHeaders().getFirst("X-Cdp-Key"));
            FacilitatorDouble.acceptVerify(ex, req);
        });
        HttpFacilitatorClient authed = new HttpFacilitatorClient(settings(
                Map.of("Authorization", "Bearer s3cret", "X-Cdp-Key", "k"), Duration.ofSeconds(5), 65536));
        assertInstanceOf(VerifyOutcome.Valid.class, authed.verify(v1Attempt()));
        assertEquals(List.of("Bearer s3cret|k"), seen);
    }

    @Test
    void requestsAreJsonAndAskForJson() throws IOException {
        List<String> seen = new CopyOnWriteArrayList<>();
        facilitator.onVerify((ex, req) -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Content-Type") + " "
                    + ex.getRequestHeaders().getFirst("Accept"));
            FacilitatorDouble.acceptVerify(ex, req);
        });
        client.verify(v1Attempt());
        assertEquals(List.of("POST application/json application/json"), seen);
    }

    @Test
    void aTrailingSlashInTheBaseUrlDoesNotDoubleTheSlash() throws IOException {
        HttpFacilitatorClient slashed = new HttpFacilitatorClient(new FacilitatorSettings(
                URI.create(facilitator.url() + "/"), Map.of(), Duration.ofSeconds(2), Duration.ofSeconds(5), 65536));
        assertInstanceOf(VerifyOutcome.Valid.class, slashed.verify(v1Attempt()));
        assertEquals(1, facilitator.verifyRequests().size());
    }

    // --- verify outcomes ---------------------------------------------------------------------------------

    @Test
    void isValidTrueIsValidWithThePayer() throws IOException {
        VerifyOutcome.Valid valid = assertInstanceOf(VerifyOutcome.Valid.class, client.verify(v1Attempt()));
        assertEquals(Proofs.PAYER.address().toChecksumHex(), valid.payer());
    }

    @Test
    void isValidFalseIsInvalidWithTheFacilitatorsReasonAndMessage() throws IOException {
        facilitator.onVerify(FacilitatorDouble.answer(200,
                "{\"isValid\":false,\"invalidReason\":\"insufficient_funds\",\"invalidMessage\":\"balance 0\"}"));
        VerifyOutcome.Invalid invalid = assertInstanceOf(VerifyOutcome.Invalid.class, client.verify(v1Attempt()));
        assertEquals("insufficient_funds", invalid.reason());
        assertEquals("balance 0", invalid.message());
    }

    @Test
    void anInvalidAnswerWithHttp400IsStillInvalid() throws IOException {
        facilitator.onVerify(FacilitatorDouble.answer(400, "{\"isValid\":false,\"invalidReason\":\"invalid_network\"}"));
        assertEquals("invalid_network",
                assertInstanceOf(VerifyOutcome.Invalid.class, client.verify(v1Attempt())).reason());
    }

    @Test
    void aValidAnswerWithAnErrorStatusIsAMalfunctionNotAPayment() throws IOException {
        facilitator.onVerify(FacilitatorDouble.answer(400, "{\"isValid\":true,\"payer\":\"0x1\"}"));
        assertInstanceOf(VerifyOutcome.Malfunction.class, client.verify(v1Attempt()));
    }

    @Test
    void aSettlementSuccessWithAnErrorStatusIsAMalfunctionNotASettlement() throws IOException {
        facilitator.onSettle(FacilitatorDouble.answer(402,
                "{\"success\":true,\"transaction\":\"0xabc\",\"network\":\"base-sepolia\"}"));
        assertInstanceOf(SettleOutcome.Malfunction.class, client.settle(v1Attempt()));
    }

    @Test
    void anInvalidAnswerWithoutAReasonGetsAGenericOne() throws IOException {
        facilitator.onVerify(FacilitatorDouble.answer(200, "{\"isValid\":false}"));
        assertEquals("invalid_payment",
                assertInstanceOf(VerifyOutcome.Invalid.class, client.verify(v1Attempt())).reason());
    }

    @Test
    void anAnswerWithoutIsValidIsAMalfunction() throws IOException {
        facilitator.onVerify(FacilitatorDouble.answer(200, "{\"valid\":true}"));
        assertInstanceOf(VerifyOutcome.Malfunction.class, client.verify(v1Attempt()));
    }

    @Test
    void isValidAsAStringIsAMalfunction() throws IOException {
        facilitator.onVerify(FacilitatorDouble.answer(200, "{\"isValid\":\"true\"}"));
        assertInstanceOf(VerifyOutcome.Malfunction.class, client.verify(v1Attempt()));
    }

    // --- transport failures --------------------------------------------------------------------------

    @Test
    void aFacilitatorThatHangsIsUnavailableSoonAfterTheRequestTimeout() throws IOException {
        facilitator.onVerify(FacilitatorDouble.hang());
        HttpFacilitatorClient impatient = new HttpFacilitatorClient(settings(Map.of(), Duration.ofMillis(300), 65536));
        long start = System.nanoTime();
        VerifyOutcome outcome = impatient.verify(v1Attempt());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        VerifyOutcome.Unavailable u = assertInstanceOf(VerifyOutcome.Unavailable.class, outcome);
        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "took " + took);
        assertEquals(HttpFacilitatorClient.DEFAULT_RETRY_AFTER, u.retryAfter());
    }

    @Test
    void aSettlementThatHangsIsUnavailableSoonAfterTheRequestTimeout() throws IOException {
        facilitator.onSettle(FacilitatorDouble.hang());
        HttpFacilitatorClient impatient = new HttpFacilitatorClient(settings(Map.of(), Duration.ofMillis(300), 65536));
        long start = System.nanoTime();
        assertInstanceOf(SettleOutcome.Unavailable.class, impatient.settle(v1Attempt()));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(2)) < 0);
    }

    @Test
    void aBodyThatTricklesPastTheDeadlineIsUnavailable() throws IOException {
        facilitator.onVerify((ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write("{\"isValid\":".getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(3_000);
                out.write("true}".getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException | IOException e) {
                Thread.currentThread().interrupt();
            }
        });
        HttpFacilitatorClient impatient = new HttpFacilitatorClient(settings(Map.of(), Duration.ofMillis(300), 65536));
        long start = System.nanoTime();
        assertInstanceOf(VerifyOutcome.Unavailable.class, impatient.verify(v1Attempt()));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(2)) < 0);
    }

    @Test
    void aRefusedConnectionIsUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        HttpFacilitatorClient nowhere = new HttpFacilitatorClient(new FacilitatorSettings(
                URI.create("http://127.0.0.1:" + closedPort), Map.of(), Duration.ofSeconds(1), Duration.ofSeconds(2),
                65536));
        VerifyOutcome.Unavailable u = assertInstanceOf(VerifyOutcome.Unavailable.class, nowhere.verify(v1Attempt()));
        assertTrue(u.detail().contains("unreachable"), u.detail());
        assertInstanceOf(SettleOutcome.Unavailable.class, nowhere.settle(v1Attempt()));
    }

    @Test
    void http429WithRetryAfterIsUnavailableForThatLong() throws IOException {
        facilitator.onVerify(withHeader("Retry-After", "7", 429, "{\"error\":\"slow down\"}"));
        VerifyOutcome.Unavailable u = assertInstanceOf(VerifyOutcome.Unavailable.class, client.verify(v1Attempt()));
        assertEquals(Duration.ofSeconds(7), u.retryAfter());
    }

    @Test
    void aRetryAfterBeyondFiveMinutesIsCapped() throws IOException {
        facilitator.onVerify(withHeader("Retry-After", "86400", 429, "{}"));
        VerifyOutcome.Unavailable u = assertInstanceOf(VerifyOutcome.Unavailable.class, client.verify(v1Attempt()));
        assertEquals(Duration.ofMinutes(5), u.retryAfter());
    }

    @Test
    void anUnreadableRetryAfterFallsBackToTheDefault() throws IOException {
        facilitator.onVerify(withHeader("Retry-After", "soon", 503, "{}"));
        VerifyOutcome.Unavailable u = assertInstanceOf(VerifyOutcome.Unavailable.class, client.verify(v1Attempt()));
        assertEquals(HttpFacilitatorClient.DEFAULT_RETRY_AFTER, u.retryAfter());
    }

    @Test
    void aRetryAfterGivenAsAnHttpDateIsHonoured() {
        String inOneMinute = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(60));
        Duration d = HttpFacilitatorClient.retryAfter(inOneMinute);
        assertTrue(d.compareTo(Duration.ofSeconds(55)) > 0 && d.compareTo(Duration.ofSeconds(61)) <= 0, d.toString());
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 502, 503, 504, 408})
    void serverErrorsAreUnavailable(int status) throws IOException {
        facilitator.onVerify(FacilitatorDouble.answer(status, "{\"error\":\"down\"}"));
        facilitator.onSettle(FacilitatorDouble.answer(status, "{\"error\":\"down\"}"));
        assertInstanceOf(VerifyOutcome.Unavailable.class, client.verify(v1Attempt()));
        assertInstanceOf(SettleOutcome.Unavailable.class, client.settle(v1Attempt()));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {404, 401, 403, 405, 302, 201})
    void unexpectedStatusesAreAMalfunction(int status) throws IOException {
        facilitator.onVerify(withHeader("Location", "http://127.0.0.1:1/elsewhere", status, "{\"isValid\":true}"));
        assertInstanceOf(VerifyOutcome.Malfunction.class, client.verify(v1Attempt()));
    }

    @ParameterizedTest(name = "body \"{0}\"")
    @ValueSource(strings = {"<html>oops</html>", "{\"isValid\":tru", "{\"isValid\":true", "[]", "null", "\"ok\"", ""})
    void garbageOrTruncatedJsonIsAMalfunction(String body) throws IOException {
        facilitator.onVerify(FacilitatorDouble.answer(200, body));
        facilitator.onSettle(FacilitatorDouble.answer(200, body));
        assertInstanceOf(VerifyOutcome.Malfunction.class, client.verify(v1Attempt()));
        assertInstanceOf(SettleOutcome.Malfunction.class, client.settle(v1Attempt()));
    }

    @Test
    void aResponseBodyOverTheLimitIsAMalfunction() throws IOException {
        String huge = "{\"isValid\":true,\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}";
        facilitator.onVerify(FacilitatorDouble.answer(200, huge));
        VerifyOutcome.Malfunction m = assertInstanceOf(VerifyOutcome.Malfunction.class, client.verify(v1Attempt()));
        assertTrue(m.detail().contains("larger than"), m.detail());
    }

    @Test
    void aResponseBodyJustUnderTheLimitIsRead() throws IOException {
        String head = "{\"isValid\":true,\"pad\":\"";
        String body = head + "x".repeat(FacilitatorSettings.DEFAULT_MAX_RESPONSE_BYTES - head.length() - 2) + "\"}";
        assertEquals(FacilitatorSettings.DEFAULT_MAX_RESPONSE_BYTES, body.length());
        facilitator.onVerify(FacilitatorDouble.answer(200, body));
        assertInstanceOf(VerifyOutcome.Valid.class, client.verify(v1Attempt()));
    }

    // --- settle outcomes ----------------------------------------------------------------------------------

    @Test
    void aSuccessfulSettlementCarriesTheTransaction() throws IOException {
        SettleOutcome.Settled s = assertInstanceOf(SettleOutcome.Settled.class, client.settle(v1Attempt()));
        assertTrue(s.response().success());
        assertEquals(String.format("0x%064x", 1), s.response().transaction());
        assertEquals("base-sepolia", s.response().network());
    }

    @Test
    void aRefusedSettlementIsFailedWithItsReason() throws IOException {
        facilitator.onSettle(FacilitatorDouble.answer(200, "{\"success\":false,\"errorReason\":\"insufficient_funds\","
                + "\"transaction\":\"\",\"network\":\"base-sepolia\"}"));
        SettleOutcome.Failed f = assertInstanceOf(SettleOutcome.Failed.class, client.settle(v1Attempt()));
        assertEquals("insufficient_funds", f.response().errorReason());
    }

    @Test
    void aRefusedSettlementWithHttp400IsStillFailed() throws IOException {
        facilitator.onSettle(FacilitatorDouble.answer(400, "{\"success\":false,\"errorReason\":\"invalid_transaction_state\"}"));
        assertInstanceOf(SettleOutcome.Failed.class, client.settle(v1Attempt()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"success\":true,\"network\":\"base-sepolia\"}",
            "{\"success\":true,\"transaction\":\"\",\"network\":\"base-sepolia\"}",
            "{\"success\":true,\"transaction\":\"  \"}"})
    void aSuccessWithoutATransactionIsAMalfunction(String body) throws IOException {
        facilitator.onSettle(FacilitatorDouble.answer(200, body));
        assertInstanceOf(SettleOutcome.Malfunction.class, client.settle(v1Attempt()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transaction", "network", "payer"})
    void aSettlementNamingAFieldTooLongToSendBackIsAMalfunction(String field) throws IOException {
        // Sent back twice in base64 headers, a few KiB of it would fail the paid answer after the payment was made.
        String answer = "{\"success\":true,\"transaction\":\"0xabc\",\"network\":\"base-sepolia\",\"payer\":\"0x1\"}";
        String body = answer.contains("\"" + field + "\"")
                ? answer.replaceFirst("\"" + field + "\":\"[^\"]*\"", "\"" + field + "\":\"" + "a".repeat(4000) + "\"")
                : answer.replace("}", ",\"" + field + "\":\"" + "a".repeat(4000) + "\"}");
        facilitator.onSettle(FacilitatorDouble.answer(200, body));
        assertInstanceOf(SettleOutcome.Malfunction.class, client.settle(v1Attempt()));
    }

    @Test
    void aSettlementNamingATransactionWithALineBreakIsAMalfunction() throws IOException {
        facilitator.onSettle(FacilitatorDouble.answer(200,
                "{\"success\":true,\"transaction\":\"0xab\\r\\nSet-Cookie: x=y\",\"network\":\"base-sepolia\"}"));
        assertInstanceOf(SettleOutcome.Malfunction.class, client.settle(v1Attempt()));
    }

    @Test
    void aSettlementWithARealTransactionHashIsSettled() throws IOException {
        facilitator.onSettle(FacilitatorDouble.answer(200, "{\"success\":true,\"transaction\":\"0x" + "ab".repeat(32)
                + "\",\"network\":\"base-sepolia\",\"payer\":\"0x857b06519E91e3A54538791bDbb0E22373e36b66\"}"));
        assertInstanceOf(SettleOutcome.Settled.class, client.settle(v1Attempt()));
    }

    @Test
    void aSettleAnswerWithoutSuccessIsAMalfunction() throws IOException {
        facilitator.onSettle(FacilitatorDouble.answer(200, "{\"transaction\":\"0xabc\"}"));
        assertInstanceOf(SettleOutcome.Malfunction.class, client.settle(v1Attempt()));
    }

    @Test
    void settle429WithRetryAfterIsUnavailableForThatLong() throws IOException {
        facilitator.onSettle(withHeader("Retry-After", "7", 429, "{}"));
        assertEquals(Duration.ofSeconds(7),
                assertInstanceOf(SettleOutcome.Unavailable.class, client.settle(v1Attempt())).retryAfter());
    }

    // --- settlement_pending: asked once more -------------------------------------------------------------

    private static final String BROADCAST = "0x" + "ab".repeat(32);

    private static String settledAs(String tx) {
        return "{\"success\":true,\"transaction\":\"" + tx + "\",\"network\":\"base-sepolia\"}";
    }

    @Test
    void aPendingSettlementIsAskedAgainWithTheSameRequestAndTheConfirmationIsTheOutcome() throws IOException {
        facilitator.onSettle(FacilitatorDouble.inTurn(
                FacilitatorDouble.answer(200, FacilitatorDouble.pendingSettlement(BROADCAST)),
                FacilitatorDouble.answer(200, settledAs(BROADCAST))));
        SettleOutcome.Settled s = assertInstanceOf(SettleOutcome.Settled.class, client.settle(v2Attempt()));
        assertEquals(BROADCAST, s.response().transaction());
        List<byte[]> sent = facilitator.settleBodies();
        assertEquals(2, sent.size());
        assertArrayEquals(sent.get(0), sent.get(1), "the same request, byte for byte");
        assertEquals(0, facilitator.verifyRequests().size(), "settling again does not verify again");
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 502, 504, 429, 409, 422})
    void aPendingSettlementInAnErrorAnswerIsAskedAgainToo(int status) throws IOException {
        facilitator.onSettle(FacilitatorDouble.inTurn(
                FacilitatorDouble.answer(status, FacilitatorDouble.pendingSettlement(BROADCAST)),
                FacilitatorDouble.answer(200, settledAs(BROADCAST))));
        assertEquals(BROADCAST, assertInstanceOf(SettleOutcome.Settled.class, client.settle(v1Attempt()))
                .response().transaction());
        assertEquals(2, facilitator.settleRequests().size());
    }

    @Test
    void aSecondPendingIsFinalAndKeepsTheBroadcastTransaction() throws IOException {
        facilitator.onSettle(FacilitatorDouble.answer(200, FacilitatorDouble.pendingSettlement(BROADCAST)));
        SettleOutcome.Failed f = assertInstanceOf(SettleOutcome.Failed.class, client.settle(v1Attempt()));
        assertEquals("settlement_pending", f.response().errorReason());
        assertEquals(BROADCAST, f.response().transaction());
        assertEquals(2, facilitator.settleRequests().size(), "asked again once, never a third time");
    }

    @Test
    void aSecondCallWithoutAnAnswerLeavesThePendingTransactionAsTheOutcome() throws IOException {
        facilitator.onSettle(FacilitatorDouble.inTurn(
                FacilitatorDouble.answer(200, FacilitatorDouble.pendingSettlement(BROADCAST)),
                FacilitatorDouble.answer(503, "{}")));
        SettleOutcome.Failed f = assertInstanceOf(SettleOutcome.Failed.class, client.settle(v1Attempt()));
        assertEquals(BROADCAST, f.response().transaction());
        assertEquals(2, facilitator.settleRequests().size());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"success\":false,\"errorReason\":\"invalid_exact_evm_nonce_already_used\",\"transaction\":\"\"}",
            "{\"success\":false,\"errorReason\":\"transaction_failed\",\"transaction\":\"0x99999999\"}"})
    void aSecondCallThatChecksThePaymentAnewKeepsTheBroadcastTransaction(String second) throws IOException {
        // A facilitator that does not reconcile finds the nonce used, or fails a second transfer of its own.
        facilitator.onSettle(FacilitatorDouble.inTurn(
                FacilitatorDouble.answer(200, FacilitatorDouble.pendingSettlement(BROADCAST)),
                FacilitatorDouble.answer(200, second)));
        SettleOutcome.Failed f = assertInstanceOf(SettleOutcome.Failed.class, client.settle(v1Attempt()));
        assertEquals("settlement_pending", f.response().errorReason());
        assertEquals(BROADCAST, f.response().transaction());
    }

    @Test
    void aSecondCallThatFindsTheTransferRevertedIsThatFailure() throws IOException {
        facilitator.onSettle(FacilitatorDouble.inTurn(
                FacilitatorDouble.answer(200, FacilitatorDouble.pendingSettlement(BROADCAST)),
                FacilitatorDouble.answer(200, "{\"success\":false,\"errorReason\":\"transaction_failed\","
                        + "\"transaction\":\"" + BROADCAST + "\",\"network\":\"base-sepolia\"}")));
        SettleOutcome.Failed f = assertInstanceOf(SettleOutcome.Failed.class, client.settle(v1Attempt()));
        assertEquals("transaction_failed", f.response().errorReason());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"success\":false,\"errorReason\":\"settlement_pending\",\"transaction\":\"\"}",
            "{\"success\":false,\"errorReason\":\"settlement_pending\"}",
            "{\"success\":false,\"errorReason\":\"insufficient_funds\",\"transaction\":\"0xab\"}"})
    void onlyAPendingSettlementThatNamesItsTransactionIsAskedAgain(String body) throws IOException {
        facilitator.onSettle(FacilitatorDouble.answer(200, body));
        assertInstanceOf(SettleOutcome.Failed.class, client.settle(v1Attempt()));
        assertEquals(1, facilitator.settleRequests().size());
    }

    @ParameterizedTest(name = "HTTP 500 with {0}")
    @ValueSource(strings = {"{\"error\":\"down\"}", "{\"success\":false,\"errorReason\":\"unexpected_settle_error\"}",
            "not json", "{\"success\":\"false\",\"errorReason\":\"settlement_pending\",\"transaction\":\"0xab\"}"})
    void anErrorAnswerWithoutAPendingSettlementStaysUnavailableAndIsNotAskedAgain(String body) throws IOException {
        facilitator.onSettle(FacilitatorDouble.answer(500, body));
        assertInstanceOf(SettleOutcome.Unavailable.class, client.settle(v1Attempt()));
        assertEquals(1, facilitator.settleRequests().size());
    }

    // --- supported ------------------------------------------------------------------------------------------

    @Test
    void supportedListsTheFacilitatorsKinds() throws IOException {
        facilitator.onSupported(FacilitatorDouble.answer(200, FacilitatorDouble.supportedKinds("base-sepolia", "eip155:84532")));
        SupportedResponse supported = client.supported();
        assertEquals(2, supported.kinds().size());
        assertEquals(new SupportedResponse.Kind(1, "exact", "base-sepolia", null), supported.kinds().get(0));
        assertEquals(new SupportedResponse.Kind(2, "exact", "eip155:84532", null), supported.kinds().get(1));
        assertNull(supported.signers());
    }

    @Test
    void supportedFromAFacilitatorThatIsDownIsAnIoException() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        HttpFacilitatorClient nowhere = new HttpFacilitatorClient(FacilitatorSettings.of(
                URI.create("http://127.0.0.1:" + closedPort)));
        assertThrows(IOException.class, nowhere::supported);
    }
}
