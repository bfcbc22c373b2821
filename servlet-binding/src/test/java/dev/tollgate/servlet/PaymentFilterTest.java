package dev.tollgate.servlet;

import static dev.tollgate.servlet.PaidServer.PAID_MARKER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.gate.SettlementMode;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PaymentFilterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FacilitatorDouble facilitator;
    private PaidServer server;

    @BeforeEach
    void start() throws Exception {
        facilitator = new FacilitatorDouble();
        server = new PaidServer(Tollgate.create(config(SettlementMode.AFTER)));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        facilitator.close();
    }

    private TollgateConfig config(SettlementMode mode) {
        return TollgateConfig.builder()
                .facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO)
                .network("base-sepolia")
                .set("description", "Premium report")
                .set("mimeType", "text/plain")
                .settlement(mode)
                .set("bufferLimit", "65536")
                .route("GET", "/premium/*", "$0.01")
                .route("*", "/broken/*", "$0.01")
                .route("*", "/big/*", "$0.01")
                .route("GET", "/unflushed/*", "$0.01")
                .route("GET", "/hints/*", "$0.01")
                .route("GET", "/text/*", "$0.01")
                .route("GET", "/late/*", "$0.01")
                .route("GET", "/reset/*", "$0.01")
                .route("GET", "/moved/*", "$0.01")
                .build();
    }

    private static JsonNode decodeHeader(String value) throws Exception {
        return JSON.readTree(Base64.getDecoder().decode(value));
    }

    @Test
    void anUnpaidRequestGetsA402CarryingBothProtocolGenerations() throws Exception {
        HttpResponse<String> r = server.get("/premium/report");

        assertEquals(402, r.statusCode());
        assertEquals(0, server.paidHandlerRuns.get());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE",
                r.headers().firstValue("Access-Control-Expose-Headers").orElse(null));
        JsonNode v1 = JSON.readTree(r.body());
        assertEquals(1, v1.get("x402Version").intValue());
        assertEquals("X-PAYMENT header is required", v1.get("error").asText());
        JsonNode accept = v1.get("accepts").get(0);
        assertEquals("exact", accept.get("scheme").asText());
        assertEquals("base-sepolia", accept.get("network").asText());
        assertEquals("10000", accept.get("maxAmountRequired").asText());
        assertEquals(server.url("/premium/report"), accept.get("resource").asText());
        assertEquals("Premium report", accept.get("description").asText());
        assertEquals("text/plain", accept.get("mimeType").asText());
        assertEquals(Proofs.PAY_TO, accept.get("payTo").asText());
        assertEquals(60, accept.get("maxTimeoutSeconds").intValue());
        assertEquals(Proofs.BASE_SEPOLIA_USDC, accept.get("asset").asText());
        assertEquals("USDC", accept.get("extra").get("name").asText());
        assertEquals("2", accept.get("extra").get("version").asText());

        JsonNode v2 = decodeHeader(r.headers().firstValue("PAYMENT-REQUIRED").orElseThrow());
        assertEquals(2, v2.get("x402Version").intValue());
        assertEquals("PAYMENT-SIGNATURE header is required", v2.get("error").asText());
        assertEquals(server.url("/premium/report"), v2.get("resource").get("url").asText());
        assertEquals("Premium report", v2.get("resource").get("description").asText());
        JsonNode offer = v2.get("accepts").get(0);
        assertEquals("eip155:84532", offer.get("network").asText());
        assertEquals("10000", offer.get("amount").asText());
        assertEquals(Proofs.BASE_SEPOLIA_USDC, offer.get("asset").asText());
        assertEquals(Proofs.PAY_TO, offer.get("payTo").asText());
        assertEquals("USDC", offer.get("extra").get("name").asText());
    }

    @Test
    void aChallengeSentBeforeTheRequestsBodyWasReadTellsTheClientTheConnectionCloses() throws Exception {
        // The body never comes: the gate answers without waiting for it, and the connection cannot carry the
        // client's paid retry, so the answer must say so rather than leave the client to find it closed.
        String head = server.rawHead("POST", "/big/upload", "Content-Type: application/json", "Content-Length: 100");

        assertTrue(head.startsWith("HTTP/1.1 402 "), head);
        assertTrue(head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), head);
        assertEquals(0, server.paidHandlerRuns.get());
    }

    @Test
    void aChallengeToARequestWithoutABodyKeepsTheConnectionOpen() throws Exception {
        String head = server.rawHead("GET", "/premium/report");

        assertTrue(head.startsWith("HTTP/1.1 402 "), head);
        assertFalse(head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), head);
    }

    @Test
    void aV1PaymentIsVerifiedServedAndSettledWithBothSettlementHeaders() throws Exception {
        HttpResponse<String> r = server.get("/premium/report", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith(PAID_MARKER));
        assertEquals(1, facilitator.verifyRequests().size());
        assertEquals(1, facilitator.settleRequests().size());
        assertEquals(1, facilitator.settleRequests().get(0).get("x402Version").intValue());
        JsonNode v2 = decodeHeader(r.headers().firstValue("PAYMENT-RESPONSE").orElseThrow());
        JsonNode v1 = decodeHeader(r.headers().firstValue("X-PAYMENT-RESPONSE").orElseThrow());
        assertTrue(v2.get("success").booleanValue());
        assertEquals("eip155:84532", v2.get("network").asText());
        assertEquals("base-sepolia", v1.get("network").asText());
        assertTrue(v1.get("transaction").asText().startsWith("0x"));
        assertEquals(Proofs.PAYER.address().toChecksumHex(), r.headers().firstValue("X-Receipt-Payer").orElse(null));
    }

    @Test
    void aHeadRequestWithAProofIsChallengedUnchargedAndTheProofStillPaysForTheGet() throws Exception {
        // HttpServlet answers HEAD with doGet and drops the body: paying for it would buy nothing.
        String proof = Proofs.proof().v1();
        String head = server.rawHead("HEAD", "/premium/report", "X-PAYMENT: " + proof);

        assertTrue(head.startsWith("HTTP/1.1 402 "), head);
        assertEquals(0, server.paidHandlerRuns.get());
        assertEquals(0, facilitator.verifyRequests().size());
        assertEquals(0, facilitator.settleRequests().size());
        HttpResponse<String> r = server.get("/premium/report", "X-PAYMENT", proof);
        assertEquals(200, r.statusCode());
        assertEquals(1, facilitator.settleRequests().size());
    }

    @Test
    void aV2PaymentIsVerifiedServedAndSettled() throws Exception {
        HttpResponse<String> r = server.get("/premium/report", "PAYMENT-SIGNATURE",
                Proofs.proof().resource(server.url("/premium/report")).v2());

        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith(PAID_MARKER));
        assertEquals(2, facilitator.verifyRequests().get(0).get("x402Version").intValue());
        assertEquals("eip155:84532",
                facilitator.verifyRequests().get(0).get("paymentRequirements").get("network").asText());
        assertTrue(decodeHeader(r.headers().firstValue("PAYMENT-RESPONSE").orElseThrow()).get("success").booleanValue());
    }

    @Test
    void aReplayedProofGetsA402AndTheHandlerRunsOnce() throws Exception {
        String proof = Proofs.proof().v1();
        assertEquals(200, server.get("/premium/report", "X-PAYMENT", proof).statusCode());

        HttpResponse<String> replay = server.get("/premium/report", "X-PAYMENT", proof);

        assertEquals(402, replay.statusCode());
        assertFalse(replay.body().contains(PAID_MARKER));
        assertEquals("payment_already_used", JSON.readTree(replay.body()).get("error").asText());
        assertEquals(1, server.paidHandlerRuns.get());
        assertEquals(1, facilitator.settleRequests().size());
    }

    @Test
    void aProofTheFacilitatorRefusesGetsA402WithItsReason() throws Exception {
        facilitator.onVerify(FacilitatorDouble.invalid("insufficient_funds"));

        HttpResponse<String> r = server.get("/premium/report", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(402, r.statusCode());
        assertEquals("insufficient_funds", JSON.readTree(r.body()).get("error").asText());
        assertEquals("insufficient_funds",
                decodeHeader(r.headers().firstValue("PAYMENT-REQUIRED").orElseThrow()).get("error").asText());
        assertEquals(0, server.paidHandlerRuns.get());
    }

    @Test
    void aPaymentOfTheWrongAmountIsRefusedWithoutAskingTheFacilitator() throws Exception {
        HttpResponse<String> r = server.get("/premium/report", "X-PAYMENT", Proofs.proof().value(9_999).v1());

        assertEquals(402, r.statusCode());
        assertFalse(r.body().contains(PAID_MARKER));
        assertEquals(0, facilitator.verifyRequests().size());
    }

    @Test
    void aPaymentToAnotherAddressIsRefused() throws Exception {
        HttpResponse<String> r = server.get("/premium/report", "X-PAYMENT",
                Proofs.proof().payTo("0x000000000000000000000000000000000000dEaD").v1());

        assertEquals(402, r.statusCode());
        assertEquals("invalid_exact_evm_payload_recipient_mismatch", JSON.readTree(r.body()).get("error").asText());
        assertEquals(0, server.paidHandlerRuns.get());
    }

    @Test
    void aPaymentOnAnotherNetworkIsRefused() throws Exception {
        HttpResponse<String> r = server.get("/premium/report", "PAYMENT-SIGNATURE", Proofs.proof()
                .network("base", "eip155:8453", 8453, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913").v2());

        assertEquals(402, r.statusCode());
        assertTrue(JSON.readTree(r.body()).get("error").asText().contains("does not match"));
        assertEquals(0, server.paidHandlerRuns.get());
    }

    @Test
    void aV2ProofMadeForAnotherRouteIsRefused() throws Exception {
        HttpResponse<String> r = server.get("/premium/other", "PAYMENT-SIGNATURE",
                Proofs.proof().resource(server.url("/premium/report")).v2());

        assertEquals(402, r.statusCode());
        assertTrue(JSON.readTree(r.body()).get("error").asText().contains("another resource"));
        assertEquals(0, server.paidHandlerRuns.get());
    }

    @Test
    void aV2ProofIsBoundToThePathNotTheHostItNamed() throws Exception {
        // Behind a proxy the client may name another host; the path is what the proof is bound to, compared raw.
        HttpResponse<String> elsewhere = server.get("/premium/report", "PAYMENT-SIGNATURE",
                Proofs.proof().resource("https://shop.example/premium/report").v2());
        assertEquals(200, elsewhere.statusCode(), elsewhere.body());
        assertEquals(1, server.paidHandlerRuns.get());

        HttpResponse<String> encoded = server.get("/premium/report", "PAYMENT-SIGNATURE",
                Proofs.proof().resource("https://shop.example/premium/%72eport").v2());
        assertEquals(402, encoded.statusCode());
        assertTrue(JSON.readTree(encoded.body()).get("error").asText().contains("another resource"));
        assertEquals(1, server.paidHandlerRuns.get());
    }

    @Test
    void aMalformedProofGetsA402WithThePreciseError() throws Exception {
        HttpResponse<String> r = server.get("/premium/report", "X-PAYMENT", "%%%not-base64");

        assertEquals(402, r.statusCode());
        assertTrue(JSON.readTree(r.body()).get("error").asText().contains("base64"));
    }

    @Test
    void aFailedSettlementDiscardsTheContentAndAnswers402WithTheFailure() throws Exception {
        facilitator.onSettle(FacilitatorDouble.answer(200,
                "{\"success\":false,\"errorReason\":\"insufficient_funds\",\"transaction\":\"\",\"network\":\"base-sepolia\"}"));

        HttpResponse<String> r = server.get("/premium/report", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(402, r.statusCode());
        assertFalse(r.body().contains(PAID_MARKER));
        assertTrue(r.headers().firstValue("X-Receipt-Payer").isEmpty(), "handler headers must be discarded too");
        JsonNode result = decodeHeader(r.headers().firstValue("PAYMENT-RESPONSE").orElseThrow());
        assertFalse(result.get("success").booleanValue());
        assertEquals("insufficient_funds", result.get("errorReason").asText());
        assertEquals(1, server.paidHandlerRuns.get());
    }

    @Test
    void aSettlementPendingThatTheFacilitatorThenConfirmsDeliversTheContentOnce() throws Exception {
        String tx = "0x" + "5e".repeat(32);
        facilitator.onSettle(FacilitatorDouble.inTurn(
                FacilitatorDouble.answer(500, FacilitatorDouble.pendingSettlement(tx)),
                FacilitatorDouble.answer(200, "{\"success\":true,\"transaction\":\"" + tx
                        + "\",\"network\":\"base-sepolia\"}")));

        HttpResponse<String> r = server.get("/premium/report", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains(PAID_MARKER));
        assertEquals(tx, decodeHeader(r.headers().firstValue("X-PAYMENT-RESPONSE").orElseThrow())
                .get("transaction").asText());
        assertEquals(1, server.paidHandlerRuns.get());
        assertEquals(2, facilitator.settleRequests().size());
    }

    @Test
    void aHandlerErrorSettlesNothingAndTheProofCanBeUsedAgain() throws Exception {
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = server.get("/broken/x", "X-PAYMENT", proof);

        assertEquals(500, r.statusCode());
        assertEquals(0, facilitator.settleRequests().size());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isEmpty());
        assertEquals(200, server.get("/premium/report", "X-PAYMENT", proof).statusCode());
    }

    @Test
    void aHandlerThatThrowsSettlesNothingAndLeaksNothing() throws Exception {
        HttpResponse<String> r = server.get("/broken/throw", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(PAID_MARKER));
        assertEquals(0, facilitator.settleRequests().size());
    }

    @Test
    void aStatusSetAfterTheHandlerSentAnErrorIsIgnoredAsTheContainerIgnoresItAndNothingIsSettled() throws Exception {
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = server.get("/broken/status-after", "X-PAYMENT", proof);

        assertEquals(503, r.statusCode());
        assertEquals(0, facilitator.settleRequests().size());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isEmpty());
        assertEquals(200, server.get("/premium/report", "X-PAYMENT", proof).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"flush", "size", "grown", "writer"})
    void anErrorStatusSetAfterThePaidContentWasCommittedLeavesTheContentPaidFor(String commit) throws Exception {
        // Unfiltered, the container ignores the late status and sends the content with 200; it is never free.
        HttpResponse<String> r = server.get("/late/report?commit=" + commit, "X-PAYMENT", Proofs.proof().v1());

        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith(PAID_MARKER));
        assertEquals(1, facilitator.settleRequests().size());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 204, 302, 304})
    void anErrorAnswerBelow400SettlesNothingAndTheProofCanBeUsedAgain(int code) throws Exception {
        // sendError(code) is the server's error answer with that status: no Location, none of the paid content.
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = server.get("/broken/error-code?code=" + code, "X-PAYMENT", proof);

        assertEquals(code, r.statusCode());
        assertFalse(r.body().contains(PAID_MARKER));
        assertEquals(0, facilitator.settleRequests().size());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isEmpty());
        assertEquals(200, server.get("/premium/report", "X-PAYMENT", proof).statusCode());
    }

    @Test
    void settlementBeforeTheHandlerThenAnErrorAnswerBelow400KeepsThePayersReceipt() throws Exception {
        server.close();
        server = new PaidServer(Tollgate.create(config(SettlementMode.BEFORE)));

        HttpResponse<String> r = server.get("/broken/error-code?code=302", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(302, r.statusCode());
        assertEquals(1, facilitator.settleRequests().size());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
    }

    @ParameterizedTest
    @ValueSource(ints = {503, 302})
    void anErrorSentAfterThePaidContentWasFlushedIsRefusedAsInTheContainerAndTheContentIsPaidFor(int code)
            throws Exception {
        // Unfiltered, the content is on its way and sendError throws; the handler that carries on delivers it.
        HttpResponse<String> r = server.get("/broken/error-after-flush?code=" + code, "X-PAYMENT",
                Proofs.proof().v1());

        assertEquals(200, r.statusCode());
        assertEquals(PAID_MARKER, r.body());
        assertEquals("true", r.headers().firstValue("X-Error-Refused").orElse(null));
        assertEquals(1, facilitator.settleRequests().size());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
    }

    @Test
    void aHandlerThatAbortsTheConnectionSettlesNothingAndTheProofCanBeUsedAgain() throws Exception {
        String proof = Proofs.proof().v1();

        String answer;
        try {
            answer = server.raw("GET", "/broken/abort", "X-PAYMENT: " + proof);
        } catch (IOException reset) {
            answer = "";
        }

        assertFalse(answer.contains(PAID_MARKER), answer);
        assertEquals(0, facilitator.settleRequests().size());
        assertEquals(200, server.get("/premium/report", "X-PAYMENT", proof).statusCode());
    }

    @Test
    void aResponseLargerThanTheBufferLimitFailsClosedWithoutCharging() throws Exception {
        HttpResponse<String> r = server.get("/big/file", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(PAID_MARKER));
        assertTrue(r.body().contains("bufferLimit"));
        assertEquals(0, facilitator.settleRequests().size());
    }

    @Test
    void aWrittenBodyOverTheLimitThatTheHandlerLeftUnflushedFailsClosedWithoutCharging() throws Exception {
        // The writer keeps the last few KiB it was given until it is flushed, which handlers leave to the container.
        HttpResponse<String> r = server.get("/unflushed/report?bytes=" + (65_536 + 100), "X-PAYMENT",
                Proofs.proof().v1());

        assertEquals(500, r.statusCode(), "status with a body of " + r.body().length() + " characters");
        assertFalse(r.body().contains(PAID_MARKER));
        assertTrue(r.body().contains("bufferLimit"), r.body());
        assertEquals(0, facilitator.settleRequests().size());
    }

    @Test
    void aWrittenBodyOfExactlyTheLimitThatTheHandlerLeftUnflushedIsSentWhole() throws Exception {
        HttpResponse<String> r = server.get("/unflushed/report?bytes=65536", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(200, r.statusCode());
        assertEquals(65_536, r.body().length());
        assertTrue(r.body().startsWith(PAID_MARKER));
        assertEquals(1, facilitator.settleRequests().size());
    }

    @Test
    void aHandlerThatResetsItsResponseMayAnswerWithTheStreamAfterUsingTheWriter() throws Exception {
        HttpResponse<String> r = server.get("/reset/report", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PAID_MARKER + " as bytes", r.body());
        assertEquals("application/octet-stream", r.headers().firstValue("Content-Type").orElse(null));
        assertEquals(1, facilitator.settleRequests().size());
    }

    @Test
    void aRedirectAfterThePaidContentWasFlushedFailsAsInTheContainerAndChargesNothing() throws Exception {
        // Unfiltered, the content is on its way and sendRedirect throws; the payer is never charged for a redirect.
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = server.get("/moved/report", "X-PAYMENT", proof);

        assertEquals(500, r.statusCode());
        assertTrue(r.headers().firstValue("Location").isEmpty());
        assertFalse(r.body().contains(PAID_MARKER));
        assertEquals(0, facilitator.settleRequests().size());
        assertEquals(200, server.get("/premium/report", "X-PAYMENT", proof).statusCode());
    }

    @Test
    void aForwardFromAFreePageToAPaidOneIsCharged() throws Exception {
        HttpResponse<String> r = server.get("/dispatch/forward");

        assertEquals(402, r.statusCode());
        assertFalse(r.body().contains(PAID_MARKER));
        assertEquals(0, server.paidHandlerRuns.get());
    }

    @Test
    void anIncludeOfAPaidPageIntoAFreeOneIsRefused() throws Exception {
        HttpResponse<String> r = server.get("/dispatch/include");

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(PAID_MARKER));
        assertEquals(0, server.paidHandlerRuns.get());
    }

    @Test
    void freeRoutesPassUntouched() throws Exception {
        HttpResponse<String> r = server.get("/free/page");

        assertEquals(200, r.statusCode());
        assertEquals("free", r.body());
        assertTrue(r.headers().firstValue("PAYMENT-REQUIRED").isEmpty());
    }

    @Test
    void settlementBeforeTheHandlerGivesTheHandlerItsTransaction() throws Exception {
        server.close();
        server = new PaidServer(Tollgate.create(config(SettlementMode.BEFORE)));

        HttpResponse<String> r = server.get("/premium/report", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(200, r.statusCode());
        String tx = r.headers().firstValue("X-Receipt-Transaction").orElseThrow();
        assertTrue(tx.startsWith("0x"), tx);
        assertEquals(tx, decodeHeader(r.headers().firstValue("PAYMENT-RESPONSE").orElseThrow()).get("transaction").asText());
    }

    @Test
    void settlementBeforeTheHandlerThatFailsNeverRunsTheHandler() throws Exception {
        server.close();
        server = new PaidServer(Tollgate.create(config(SettlementMode.BEFORE)));
        facilitator.onSettle(FacilitatorDouble.answer(200,
                "{\"success\":false,\"errorReason\":\"insufficient_funds\",\"transaction\":\"\",\"network\":\"base-sepolia\"}"));

        HttpResponse<String> r = server.get("/premium/report", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(402, r.statusCode());
        assertEquals(0, server.paidHandlerRuns.get());
        assertNotNull(r.headers().firstValue("PAYMENT-RESPONSE").orElse(null));
    }

    @Test
    void settlementBeforeTheHandlerThenAResponseOverTheLimitTellsThePayerItWasChargedAndGivesTheReceipt()
            throws Exception {
        server.close();
        server = new PaidServer(Tollgate.create(config(SettlementMode.BEFORE)));

        HttpResponse<String> r = server.get("/big/file", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(PAID_MARKER));
        assertEquals(1, facilitator.settleRequests().size());
        assertFalse(r.body().contains("nothing was charged"), r.body());
        assertTrue(r.body().contains("bufferLimit"), r.body());
        assertTrue(decodeHeader(r.headers().firstValue("PAYMENT-RESPONSE").orElseThrow()).get("success").booleanValue());
        assertTrue(r.headers().firstValue("X-PAYMENT-RESPONSE").isPresent());
    }

    @Test
    void aHandlerThatSendsEarlyHintsIsChargedOnlyWithItsContentDelivered() throws Exception {
        String response = server.raw("GET", "/hints/report", "X-PAYMENT: " + Proofs.proof().v1());

        int last = response.lastIndexOf("HTTP/1.1 ");
        assertTrue(response.startsWith("HTTP/1.1 200 ", last), response);
        assertTrue(response.substring(last).contains(PAID_MARKER + " after early hints"), response);
        assertTrue(response.substring(last).contains("PAYMENT-RESPONSE: "), response);
        assertEquals(1, facilitator.settleRequests().size());
    }

    @Test
    void settlementBeforeTheHandlerThenAHandlerThatThrowsLeavesThePayerItsReceipt() throws Exception {
        server.close();
        server = new PaidServer(Tollgate.create(config(SettlementMode.BEFORE)));

        HttpResponse<String> r = server.get("/broken/throw", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(PAID_MARKER));
        assertEquals(1, facilitator.settleRequests().size());
        assertTrue(decodeHeader(r.headers().firstValue("PAYMENT-RESPONSE").orElseThrow()).get("success").booleanValue());
        assertTrue(r.headers().firstValue("X-PAYMENT-RESPONSE").isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "text/plain"})
    void aPaidTextAnswerNamesTheCharsetOfItsBodyAsTheSameServletUnpaidDoes(String type) throws Exception {
        HttpResponse<byte[]> unpaid = server.getBytes("/free/text/page?type=" + type);
        HttpResponse<byte[]> paid = server.getBytes("/text/page?type=" + type, "X-PAYMENT", Proofs.proof().v1());

        assertEquals(200, paid.statusCode());
        assertEquals(unpaid.headers().firstValue("Content-Type").orElse(null),
                paid.headers().firstValue("Content-Type").orElse(null));
        assertArrayEquals(unpaid.body(), paid.body());
    }

    @Test
    void theReceiptHeaderNamesNoSecretAndTheBodyIsTheHandlersOwn() throws Exception {
        HttpResponse<String> r = server.get("/premium/report", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(PAID_MARKER + " for /premium/report", r.body());
        assertEquals(r.body().getBytes(StandardCharsets.UTF_8).length,
                Integer.parseInt(r.headers().firstValue("Content-Length").orElse("-1")));
    }
}
