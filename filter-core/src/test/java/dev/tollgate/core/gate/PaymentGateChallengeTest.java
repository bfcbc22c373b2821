package dev.tollgate.core.gate;

import static dev.tollgate.core.gate.GateHarness.DESCRIPTION;
import static dev.tollgate.core.gate.GateHarness.RESOURCE;
import static dev.tollgate.core.gate.GateHarness.SEPOLIA_USDC;
import static dev.tollgate.core.gate.GateHarness.body;
import static dev.tollgate.core.gate.GateHarness.decodeHeader;
import static dev.tollgate.core.gate.GateHarness.paid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.testing.Proofs;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a request without a proof gets: one 402 that every generation of client and a browser understand. */
class PaymentGateChallengeTest {
    private GateHarness gate;

    @BeforeEach
    void start() throws IOException {
        gate = new GateHarness();
    }

    @AfterEach
    void stop() {
        gate.close();
    }

    private HttpAnswer challenge() {
        Decision.Challenge c = gate.challenged(paid());
        assertNull(c.reason());
        return c.answer();
    }

    @Test
    void aRequestWithoutProofIsAnswered402WithJson() {
        HttpAnswer a = challenge();
        assertEquals(402, a.status());
        assertEquals("application/json", a.contentType());
    }

    @Test
    void theV1BodyNamesTheVersionAndTheMissingHeader() {
        JsonNode body = body(challenge());
        assertEquals(1, body.path("x402Version").intValue());
        assertEquals("X-PAYMENT header is required", body.path("error").asText());
        assertEquals(1, body.path("accepts").size());
    }

    @Test
    void theV1BodyStatesTheRequirementFieldByField() {
        JsonNode r = body(challenge()).path("accepts").path(0);
        assertEquals("exact", r.path("scheme").asText());
        assertEquals("base-sepolia", r.path("network").asText());
        assertEquals("10000", r.path("maxAmountRequired").asText());
        assertTrue(r.path("maxAmountRequired").isTextual(), "amounts are decimal strings");
        assertEquals(RESOURCE, r.path("resource").asText());
        assertEquals(DESCRIPTION, r.path("description").asText());
        assertEquals("application/json", r.path("mimeType").asText());
        assertEquals(Proofs.PAY_TO, r.path("payTo").asText());
        assertEquals(60, r.path("maxTimeoutSeconds").intValue());
        assertEquals(SEPOLIA_USDC, r.path("asset").asText());
        assertEquals("USDC", r.path("extra").path("name").asText());
        assertEquals("2", r.path("extra").path("version").asText());
        assertFalse(r.has("outputSchema"), "an absent output schema is left out, not null");
    }

    @Test
    void thePaymentRequiredHeaderCarriesTheV2ChallengeFieldByField() {
        JsonNode v2 = decodeHeader(challenge().headers().get("PAYMENT-REQUIRED"));
        assertEquals(2, v2.path("x402Version").intValue());
        assertEquals("PAYMENT-SIGNATURE header is required", v2.path("error").asText());
        assertEquals(RESOURCE, v2.path("resource").path("url").asText());
        assertEquals(DESCRIPTION, v2.path("resource").path("description").asText());
        assertEquals("application/json", v2.path("resource").path("mimeType").asText());
        assertEquals(1, v2.path("accepts").size());
        JsonNode r = v2.path("accepts").path(0);
        assertEquals("exact", r.path("scheme").asText());
        assertEquals("eip155:84532", r.path("network").asText());
        assertEquals("10000", r.path("amount").asText());
        assertEquals(SEPOLIA_USDC, r.path("asset").asText());
        assertEquals(Proofs.PAY_TO, r.path("payTo").asText());
        assertEquals(60, r.path("maxTimeoutSeconds").intValue());
        assertEquals("USDC", r.path("extra").path("name").asText());
        assertEquals("2", r.path("extra").path("version").asText());
        assertFalse(r.has("maxAmountRequired"), "v2 names the amount 'amount'");
    }

    @Test
    void theChallengeIsNeverCached() {
        assertEquals("no-store", challenge().headers().get("Cache-Control"));
    }

    @Test
    void theChallengeLetsScriptsOfOtherOriginsReadThePaymentHeaders() {
        String exposed = challenge().headers().get("Access-Control-Expose-Headers");
        for (String h : List.of("PAYMENT-REQUIRED", "PAYMENT-RESPONSE", "X-PAYMENT-RESPONSE")) {
            assertTrue(exposed.contains(h), exposed);
        }
    }

    @Test
    void aChallengeAsksTheFacilitatorNothing() {
        challenge();
        assertEquals(0, gate.facilitator.verifyRequests().size());
        assertEquals(0, gate.facilitator.settleRequests().size());
    }

    @Test
    void theResourceUrlIsTheOneTheRequestAddressed() {
        TestRequest other = new TestRequest("GET", "/premium/other", "https://api.example.com/premium/other",
                java.util.Map.of());
        HttpAnswer a = gate.challenged(other).answer();
        assertEquals("https://api.example.com/premium/other",
                body(a).path("accepts").path(0).path("resource").asText());
        assertEquals("https://api.example.com/premium/other",
                decodeHeader(a.headers().get("PAYMENT-REQUIRED")).path("resource").path("url").asText());
    }

    /**
     * The v1 specification calls {@code mimeType} optional, but the v1 reference clients (x402-fetch and x402-axios
     * 1.x, the Python x402 1.x client) parse every requirement with a schema in which it is a required string: a
     * requirement without it makes them throw instead of paying. The reference servers write "" when none is set.
     */
    @Test
    void aRouteWithoutAMimeTypeStillStatesAnEmptyOneInTheV1Requirement() throws IOException {
        try (GateHarness plain = new GateHarness("mimeType", null)) {
            HttpAnswer a = plain.challenged(paid()).answer();
            JsonNode r = body(a).path("accepts").path(0);
            assertTrue(r.path("mimeType").isTextual(), r.toString());
            assertEquals("", r.path("mimeType").asText());
            assertFalse(decodeHeader(a.headers().get("PAYMENT-REQUIRED")).path("resource").has("mimeType"),
                    "v2's resource.mimeType is optional and stays out");
        }
    }

    @Test
    void aRouteWithSeveralOptionsOffersEachInBothGenerations() throws IOException {
        try (GateHarness multi = new GateHarness("route.premium.accepts", "a,b", "accept.a.network", "base-sepolia",
                "accept.b.network", "base")) {
            HttpAnswer a = multi.challenged(paid()).answer();
            JsonNode v1 = body(a).path("accepts");
            JsonNode v2 = decodeHeader(a.headers().get("PAYMENT-REQUIRED")).path("accepts");
            assertEquals(2, v1.size());
            assertEquals("base-sepolia", v1.path(0).path("network").asText());
            assertEquals("base", v1.path(1).path("network").asText());
            assertEquals(GateHarness.BASE_USDC, v1.path(1).path("asset").asText());
            assertEquals("USD Coin", v1.path(1).path("extra").path("name").asText());
            assertEquals("eip155:84532", v2.path(0).path("network").asText());
            assertEquals("eip155:8453", v2.path(1).path("network").asText());
        }
    }

    @Test
    void aBrowserGetsAnHtmlPaywallThatStillCarriesTheV2Challenge() {
        HttpAnswer a = gate.challenged(paid().with("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
                .with("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")).answer();
        assertEquals(402, a.status());
        assertTrue(a.contentType().startsWith("text/html"), a.contentType());
        String html = a.bodyText();
        assertTrue(html.contains("Payment required"), html);
        assertTrue(html.contains("0.01 USDC on base-sepolia"), html);
        assertTrue(html.contains(Proofs.PAY_TO), html);
        assertTrue(html.contains(DESCRIPTION), html);
        assertTrue(a.headers().containsKey("PAYMENT-REQUIRED"));
        assertEquals("no-store", a.headers().get("Cache-Control"));
    }

    @Test
    void aScriptAskingForHtmlWithoutABrowserAgentGetsJson() {
        HttpAnswer a = gate.challenged(paid().with("Accept", "text/html").with("User-Agent", "curl/8.5")).answer();
        assertEquals("application/json", a.contentType());
    }

    @Test
    void aBrowserAskingForJsonGetsJson() {
        HttpAnswer a = gate.challenged(paid().with("Accept", "application/json")
                .with("User-Agent", "Mozilla/5.0")).answer();
        assertEquals("application/json", a.contentType());
    }

    @Test
    void thePaywallEscapesTheConfiguredDescription() throws IOException {
        try (GateHarness html = new GateHarness("description", "<script>alert('x')</script> & more")) {
            String page = html.challenged(paid().with("Accept", "text/html").with("User-Agent", "Mozilla/5.0"))
                    .answer().bodyText();
            assertFalse(page.contains("<script>"), page);
            assertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"), page);
        }
    }

    @Test
    void aRefusedProofGetsAChallengeWhoseBothGenerationsCarryTheReason() {
        Decision.Challenge c = gate.challenged(GateHarness.v1(Proofs.proof().value(1).v1()));
        assertEquals("invalid_exact_evm_payload_authorization_value", c.reason());
        assertEquals(c.reason(), body(c.answer()).path("error").asText());
        assertEquals(c.reason(), decodeHeader(c.answer().headers().get("PAYMENT-REQUIRED")).path("error").asText());
    }

    @Test
    void aBrowserWhoseProofWasRefusedGetsTheJsonReasonNotThePaywall() {
        Decision.Challenge c = gate.challenged(GateHarness.v1("garbage!").with("Accept", "text/html")
                .with("User-Agent", "Mozilla/5.0"));
        assertEquals("application/json", c.answer().contentType());
        assertTrue(body(c.answer()).path("error").asText().contains("not valid base64"));
    }
}
