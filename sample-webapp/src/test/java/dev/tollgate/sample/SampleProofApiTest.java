package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.testing.ProofApiFacilitatorDouble;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sample pointed at a proof-API facilitator: TOLLGATE_FACILITATOR_DIALECT=proof-api beside the URL. */
class SampleProofApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ProofApiFacilitatorDouble facilitator;
    private static SampleServer sample;

    @BeforeAll
    static void start() throws Exception {
        facilitator = new ProofApiFacilitatorDouble();
        sample = SampleServer.start("TOLLGATE_FACILITATOR_URL", facilitator.url(),
                "TOLLGATE_FACILITATOR_DIALECT", "proof-api");
    }

    @AfterAll
    static void stop() throws Exception {
        sample.close();
        facilitator.close();
    }

    @Test
    void anUnpaidRequestIsToldWhichFacilitatorToPayThrough() throws Exception {
        HttpResponse<String> r = sample.get("/premium/report");

        assertEquals(402, r.statusCode());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("Payment required", body.path("error").asText());
        assertEquals(facilitator.url(), body.path("facilitator").asText());
        assertTrue(r.headers().firstValue("PAYMENT-REQUIRED").isPresent());
    }

    @Test
    void aPaidRequestWithAnX402PaymentHeaderGetsTheReport() throws Exception {
        String tx = facilitator.pay("sample-proof-1", "0.01", "base-sepolia");

        HttpResponse<String> r = sample.get("/premium/report", "x-402-payment", "sample-proof-1");

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("Premium market report"));
        assertTrue(JSON.readTree(r.body()).path("paidBy").isNull(), r.body());
        JsonNode settled = JSON.readTree(java.util.Base64.getDecoder().decode(
                r.headers().firstValue("PAYMENT-RESPONSE").orElseThrow()));
        assertEquals(tx, settled.path("transaction").asText());
        assertEquals(402, sample.get("/premium/report", "x-402-payment", "sample-proof-1").statusCode(), "used once");
    }

    @Test
    void theJaxRsResourceSpeaksTheSameDialectAsTheFilter() throws Exception {
        HttpResponse<String> unpaid = sample.get("/api/weather");
        assertEquals(402, unpaid.statusCode());
        assertEquals(facilitator.url(), JSON.readTree(unpaid.body()).path("facilitator").asText(), unpaid.body());

        String tx = facilitator.pay("sample-weather-proof", "0.001", "base-sepolia");
        HttpResponse<String> paid = sample.get("/api/weather", "x-402-payment", "sample-weather-proof");

        assertEquals(200, paid.statusCode(), paid.body());
        assertTrue(paid.body().contains("sunny"), paid.body());
        // A proof-API facilitator names no payer: unknown, not the word "null".
        assertTrue(JSON.readTree(paid.body()).path("paidBy").isNull(), paid.body());
        JsonNode settled = JSON.readTree(java.util.Base64.getDecoder().decode(
                paid.headers().firstValue("PAYMENT-RESPONSE").orElseThrow()));
        assertEquals(tx, settled.path("transaction").asText());
    }

    @Test
    void aRefusedProofGetsTheDialectsCode() throws Exception {
        HttpResponse<String> r = sample.get("/premium/report", "x-402-payment", "unknown-proof");

        assertEquals(402, r.statusCode());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("Invalid payment", body.path("error").asText());
        assertEquals("PAYMENT_NOT_FOUND", body.path("code").asText());
    }
}
