package dev.tollgate.tomcat;

import static dev.tollgate.tomcat.PaidServlets.PAID;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.testing.Proofs;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filter on Tomcat 11, configured from web.xml as README shows: the challenge, a paid request verified, served and
 * settled, a replay, failing handlers, a refused settlement, and bodies past Tomcat's 8 KiB output buffer and past
 * {@code bufferLimit}.
 */
class PaymentFilterOnTomcatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** web.xml's bufferLimit. */
    private static final int BUFFER_LIMIT = 65_536;
    private static TomcatApp app;

    @BeforeAll
    static void start() throws Exception {
        app = new TomcatApp();
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @BeforeEach
    void reset() {
        app.reset();
    }

    private static JsonNode decoded(HttpResponse<?> r, String header) throws Exception {
        return JSON.readTree(Base64.getDecoder().decode(r.headers().firstValue(header).orElseThrow(
                () -> new AssertionError("no " + header + " header; headers: " + r.headers().map()))));
    }

    @Test
    void anUnpaidRequestGetsTheX402ChallengeAndTheHandlerNeverRuns() throws Exception {
        HttpResponse<String> r = app.get("/premium/report");

        assertEquals(402, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                r.headers().map().toString());
        JsonNode v1 = JSON.readTree(r.body());
        assertEquals(1, v1.get("x402Version").intValue());
        JsonNode accept = v1.get("accepts").get(0);
        assertEquals("exact", accept.get("scheme").asText());
        assertEquals("base-sepolia", accept.get("network").asText());
        assertEquals("10000", accept.get("maxAmountRequired").asText());
        assertEquals(Proofs.PAY_TO, accept.get("payTo").asText());
        assertEquals(app.url("/premium/report"), accept.get("resource").asText());
        assertEquals("Premium report", accept.get("description").asText());

        JsonNode v2 = decoded(r, "PAYMENT-REQUIRED");
        assertEquals(2, v2.get("x402Version").intValue());
        assertEquals(app.url("/premium/report"), v2.get("resource").get("url").asText());
        assertEquals("eip155:84532", v2.get("accepts").get(0).get("network").asText());
        assertEquals("10000", v2.get("accepts").get(0).get("amount").asText());
        assertEquals(0, PaidServlets.RUNS.get());
        assertEquals(List.of(), app.facilitatorCalls);
    }

    @Test
    void aPathTheFilterIsNotMappedToIsServedUntouched() throws Exception {
        HttpResponse<String> r = app.get("/free/page");

        assertEquals(200, r.statusCode());
        assertEquals("free page", r.body());
        assertTrue(r.headers().firstValue("PAYMENT-REQUIRED").isEmpty());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isEmpty());
    }

    @Test
    void aV1PaymentIsVerifiedServedThenSettledWithBothSettlementHeaders() throws Exception {
        HttpResponse<String> r = app.get("/premium/report", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PAID + " for /premium/report", r.body());
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
        JsonNode v2 = decoded(r, "PAYMENT-RESPONSE");
        JsonNode v1 = decoded(r, "X-PAYMENT-RESPONSE");
        assertTrue(v2.get("success").booleanValue());
        assertEquals("eip155:84532", v2.get("network").asText());
        assertEquals("base-sepolia", v1.get("network").asText());
        assertTrue(v1.get("transaction").asText().startsWith("0x"), v1.toString());
        assertEquals(Proofs.PAYER.address().toChecksumHex(), r.headers().firstValue("X-Receipt-Payer").orElse(null));
        assertTrue(r.headers().firstValue("Cache-Control").orElse("").contains("private"), r.headers().map().toString());
        assertEquals(List.of("no-store"), r.headers().allValues("Surrogate-Control"), r.headers().map().toString());
        assertEquals(1, PaidServlets.RUNS.get());
    }

    @Test
    void aV2PaymentIsVerifiedServedThenSettled() throws Exception {
        HttpResponse<String> r = app.get("/premium/report", "PAYMENT-SIGNATURE",
                Proofs.proof().resource(app.url("/premium/report")).v2());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PAID + " for /premium/report", r.body());
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
        assertEquals(2, app.facilitator.settleRequests().get(0).get("x402Version").intValue());
        assertTrue(decoded(r, "PAYMENT-RESPONSE").get("success").booleanValue());
    }

    @Test
    void aReplayedProofGetsA402PaymentAlreadyUsedAndTheHandlerRunsOnce() throws Exception {
        String proof = Proofs.proof().v1();
        assertEquals(200, app.get("/premium/report", "X-PAYMENT", proof).statusCode());

        HttpResponse<String> replay = app.get("/premium/report", "X-PAYMENT", proof);

        assertEquals(402, replay.statusCode());
        assertEquals("payment_already_used", JSON.readTree(replay.body()).get("error").asText());
        assertFalse(replay.body().contains(PAID));
        assertEquals(1, PaidServlets.RUNS.get());
        assertEquals(1, app.settlements());
    }

    @Test
    void aHandlerAnsweringAnErrorStatusGetsItsAnswerSentUnchargedAndTheProofStillPays() throws Exception {
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = app.get("/premium/failing?how=status", "X-PAYMENT", proof);

        assertEquals(404, r.statusCode());
        assertEquals("no such report", r.body());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isEmpty());
        assertEquals(List.of("verify"), app.facilitatorCalls);
        assertEquals(200, app.get("/premium/report", "X-PAYMENT", proof).statusCode());
        assertEquals(1, app.settlements());
    }

    @Test
    void aHandlerThatThrowsGetsTomcatsErrorAnswerWithoutItsContentAndNothingIsSettled() throws Exception {
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = app.get("/premium/failing?how=throw", "X-PAYMENT", proof);

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(PAID), r.body());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isEmpty());
        assertEquals(0, app.settlements());
        assertEquals(200, app.get("/premium/report", "X-PAYMENT", proof).statusCode());
    }

    @Test
    void aRefusedSettlementAnswers402WithTheReasonAndNoneOfTheHandlersAnswer() throws Exception {
        app.refuseSettlements(true);

        HttpResponse<String> r = app.get("/premium/report", "X-PAYMENT", Proofs.proof().v1());

        assertEquals(402, r.statusCode());
        assertFalse(r.body().contains(PAID), r.body());
        assertTrue(r.headers().firstValue("X-Receipt-Payer").isEmpty(), "the handler's headers went out");
        JsonNode result = decoded(r, "PAYMENT-RESPONSE");
        assertFalse(result.get("success").booleanValue());
        assertEquals("insufficient_funds", result.get("errorReason").asText());
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
        assertEquals(1, PaidServlets.RUNS.get());
    }

    @ParameterizedTest
    @ValueSource(ints = {8193, 40_000, BUFFER_LIMIT})
    void aBodyPastTomcatsOutputBufferIsHeldUntilSettledAndSentWhole(int bytes) throws Exception {
        HttpResponse<byte[]> r = app.getBytes("/premium/big?bytes=" + bytes, "X-PAYMENT", Proofs.proof().v1());

        assertEquals(200, r.statusCode());
        assertArrayEquals(PaidServlets.Big.body(bytes), r.body());
        assertEquals(bytes, Long.parseLong(r.headers().firstValue("Content-Length").orElse("-1")));
        assertEquals(List.of("verify", "settle"), app.facilitatorCalls);
    }

    @ParameterizedTest
    @ValueSource(ints = {8193, 40_000, BUFFER_LIMIT})
    void aRefusedSettlementWithholdsABodyPastTomcatsOutputBufferEntirely(int bytes) throws Exception {
        // Past 8 KiB Tomcat would have sent the start of the body on its own: none of it may reach the client.
        app.refuseSettlements(true);

        String answer = app.raw("/premium/big?bytes=" + bytes, "X-PAYMENT: " + Proofs.proof().v1());

        assertTrue(answer.startsWith("HTTP/1.1 402 "), answer.substring(0, Math.min(200, answer.length())));
        assertEquals(answer.indexOf("HTTP/1.1 "), answer.lastIndexOf("HTTP/1.1 "), "more than one answer");
        assertFalse(answer.contains(PAID), "paid content in the answer");
        assertEquals(1, app.settlements());
    }

    @Test
    void aBodyOverTheBufferLimitFailsClosedWithoutCharging() throws Exception {
        String proof = Proofs.proof().v1();

        HttpResponse<String> r = app.get("/premium/big?bytes=" + (BUFFER_LIMIT + 1), "X-PAYMENT", proof);

        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(PAID));
        assertTrue(r.body().contains("bufferLimit"), r.body());
        assertEquals(List.of("verify"), app.facilitatorCalls);
        assertEquals(200, app.get("/premium/report", "X-PAYMENT", proof).statusCode());
    }
}
