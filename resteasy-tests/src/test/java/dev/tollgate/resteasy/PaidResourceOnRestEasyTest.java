package dev.tollgate.resteasy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JAX-RS binding on RESTEasy 7 as a servlet on Jetty 12 ee10, registered as a RESTEasy user registers it
 * ({@link ShopApplication}): the facilitator is a real HTTP server on 127.0.0.1, the proofs are really signed.
 */
class PaidResourceOnRestEasyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String V1 = "X-PAYMENT";
    static final String V2 = "PAYMENT-SIGNATURE";
    static final String PAYER = Proofs.PAYER.address().toChecksumHex();

    private static FacilitatorDouble facilitator;
    private static RestEasyOnJetty server;
    /** The facilitator's endpoints in the order they were called. */
    private static final List<String> calls = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        ShopApplication.facilitatorUrl = facilitator.url();
        ShopApplication.listenerClass = null;
        server = RestEasyOnJetty.start(ShopApplication.class, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            server.close();
        } finally {
            ShopApplication.lastFeature.close();
            facilitator.close();
        }
    }

    @BeforeEach
    void reset() {
        facilitator.onVerify((ex, req) -> {
            calls.add("verify");
            FacilitatorDouble.acceptVerify(ex, req);
        }).onSettle(settleOk());
        facilitator.verifyRequests().clear();
        facilitator.settleRequests().clear();
        calls.clear();
        Shop.PRODUCED.set(0);
    }

    @Test
    void jerseyIsNotOnTheClassPath() {
        assertThrows(ClassNotFoundException.class,
                () -> Class.forName("org.glassfish.jersey.server.monitoring.ApplicationEventListener"));
        assertThrows(ClassNotFoundException.class,
                () -> Class.forName("org.glassfish.jersey.internal.inject.AbstractBinder"));
    }

    // --- 1. the challenge

    @Test
    void aPaidMethodWithoutAProofAnswers402WithTheV1BodyAndTheV2Header() throws Exception {
        HttpResponse<String> r = server.get("weather", null, null);
        assertEquals(402, r.statusCode(), r.body());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
        JsonNode v1 = JSON.readTree(r.body());
        assertEquals(1, v1.path("x402Version").asInt());
        JsonNode offer = v1.path("accepts").get(0);
        assertEquals("1000", offer.path("maxAmountRequired").asText());
        assertEquals("base-sepolia", offer.path("network").asText());
        assertEquals(Proofs.PAY_TO, offer.path("payTo").asText());
        assertEquals("Current weather", offer.path("description").asText());
        assertEquals("application/json", offer.path("mimeType").asText());
        assertEquals(server.base() + "weather", offer.path("resource").asText(), "the absolute URL RESTEasy matched");
        JsonNode v2 = header(r, "PAYMENT-REQUIRED");
        assertEquals(2, v2.path("x402Version").asInt());
        assertEquals("1000", v2.path("accepts").get(0).path("amount").asText());
        assertEquals("eip155:84532", v2.path("accepts").get(0).path("network").asText());
        assertEquals(0, Shop.PRODUCED.get());
        assertTrue(calls.isEmpty());
    }

    @Test
    void anUnannotatedMethodIsFreeAndUntouched() throws Exception {
        HttpResponse<String> r = server.get("free", null, null);
        assertEquals(200, r.statusCode());
        assertEquals("free", r.body());
        assertFalse(r.headers().firstValue("PAYMENT-REQUIRED").isPresent());
        assertFalse(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertTrue(calls.isEmpty());
    }

    // --- 2. paying

    @Test
    void aPaidRequestIsVerifiedThenSettledAndGetsTheContentWithBothSettlementHeaders() throws Exception {
        HttpResponse<String> r = server.get("report", V1, Proofs.proof().v1());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(Shop.CONTENT, r.body());
        assertEquals("42", r.headers().firstValue("X-Content-Secret").orElse(null), "a paid answer keeps its headers");
        assertEquals("private", r.headers().firstValue("Cache-Control").orElse(null));
        assertSettled(r);
        assertEquals(List.of("verify", "settle"), calls);
        assertEquals(1, Shop.PRODUCED.get());
    }

    @Test
    void aV2ProofIsSettledAsV2() throws Exception {
        HttpResponse<String> r = server.get("report", V2, Proofs.proof().v2());
        assertEquals(200, r.statusCode(), r.body());
        assertSettled(r);
        assertEquals(2, facilitator.settleRequests().get(0).path("x402Version").asInt());
    }

    @Test
    void aStreamingOutputIsProducedBeforeItIsSettled() throws Exception {
        List<Integer> producedWhenSettling = new CopyOnWriteArrayList<>();
        facilitator.onSettle((ex, req) -> {
            producedWhenSettling.add(Shop.PRODUCED.get());
            settleOk().answer(ex, req);
        });
        HttpResponse<String> r = server.get("stream", V1, Proofs.proof().v1());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(Shop.CONTENT, r.body());
        assertEquals(List.of(1), producedWhenSettling, "settled once the body existed, held in memory");
        assertSettled(r);
    }

    @Test
    void theResourceReadsTheReceiptFromTheRequestPropertyAsTheServletRequestsAttribute() throws Exception {
        HttpResponse<String> r = server.get("receipt", V1, Proofs.proof().v1());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PAYER + " paid 10000 on base-sepolia to " + Proofs.PAY_TO + " tx=null", r.body(),
                "settled after the method: no transaction yet");
        assertEquals(List.of("verify", "settle"), calls);
    }

    @Test
    void theResourceReadsTheReceiptThroughRestEasysOwnRequest() throws Exception {
        HttpResponse<String> r = server.get("receipt-resteasy", V2, Proofs.proof().v2());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("payer=" + PAYER, r.body());
    }

    @Test
    void aResourceMethodThatUsesTheRequestContextFailsOnRestEasyAndIsNotCharged() throws Exception {
        // RESTEasy injects a proxy that finds no request context behind it once the filters are done.
        String proof = Proofs.proof().v1();
        HttpResponse<String> r = server.get("receipt-context", V1, proof);
        assertEquals(500, r.statusCode());
        assertTrue(r.body().contains("ContainerRequestContext"), r.body());
        assertEquals(1, Shop.PRODUCED.get(), "the method ran, and failed on the proxy");
        assertTrue(facilitator.settleRequests().isEmpty());
        assertEquals(200, server.get("report", V1, proof).statusCode(), "the proof was released");
    }

    @Test
    void thePaymentReceiptIsInjectedWithContextAsOnJersey() throws Exception {
        HttpResponse<String> r = server.get("injected-receipt", V1, Proofs.proof().v1());
        assertEquals(200, r.statusCode(), r.body());
        // The binding's ContextInjector: without it RESTEasy injected null.
        assertEquals("injected: " + Proofs.PAYER.address().toChecksumHex(), r.body());
        assertEquals(1, facilitator.settleRequests().size(), "the method answered 200: settled");
    }

    // --- 3. replay, failed handlers

    @Test
    void aReplayedProofGets402PaymentAlreadyUsed() throws Exception {
        String proof = Proofs.proof().v2();
        assertEquals(200, server.get("report", V2, proof).statusCode());
        HttpResponse<String> again = server.get("report", V2, proof);
        assertEquals(402, again.statusCode());
        assertEquals("payment_already_used", JSON.readTree(again.body()).path("error").asText());
        assertEquals(1, facilitator.settleRequests().size());
        assertEquals(1, Shop.PRODUCED.get());
    }

    @Test
    void aMethodAnswering404IsNotChargedAndTheProofStaysUsable() throws Exception {
        String proof = Proofs.proof().v1();
        HttpResponse<String> r = server.get("not-found", V1, proof);
        assertEquals(404, r.statusCode());
        assertEquals("no such report", r.body());
        assertFalse(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertTrue(facilitator.settleRequests().isEmpty());
        assertEquals(200, server.get("report", V1, proof).statusCode(), "the proof was released");
    }

    @Test
    void aWebApplicationExceptionWith500IsNotChargedAndTheProofStaysUsable() throws Exception {
        String proof = Proofs.proof().v2();
        HttpResponse<String> r = server.get("web-error", V2, proof);
        assertEquals(500, r.statusCode());
        assertFalse(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertTrue(facilitator.settleRequests().isEmpty());
        assertEquals(200, server.get("report", V2, proof).statusCode(), "the proof was released");
    }

    @Test
    void anExceptionTheApplicationMapsToAnErrorIsNotChargedAndTheProofStaysUsable() throws Exception {
        String proof = Proofs.proof().v1();
        HttpResponse<String> r = server.get("out-of-stock", V1, proof);
        assertEquals(409, r.statusCode());
        assertEquals("out of stock", r.body());
        assertTrue(facilitator.settleRequests().isEmpty());
        assertEquals(200, server.get("report", V1, proof).statusCode(), "the proof was released");
    }

    // --- 4. failed settlement

    @Test
    void aRefusedSettlementAnswers402AndNoneOfTheMethodsAnswer() throws Exception {
        facilitator.onSettle(settleFails("insufficient_funds"));
        HttpResponse<String> r = server.get("report", V1, Proofs.proof().v1());
        assertEquals(402, r.statusCode());
        assertFalse(r.body().contains(Shop.CONTENT), r.body());
        assertEquals("insufficient_funds", JSON.readTree(r.body()).path("error").asText());
        assertFalse(r.headers().firstValue("X-Content-Secret").isPresent(), "the method's headers are dropped too");
        JsonNode settlement = header(r, "PAYMENT-RESPONSE");
        assertFalse(settlement.path("success").asBoolean());
        assertEquals(1, Shop.PRODUCED.get(), "produced, never sent");
    }

    @Test
    void aRefusedSettlementOfAStreamingOutputLeaksNoByte() throws Exception {
        facilitator.onSettle(settleFails("insufficient_funds"));
        HttpResponse<String> r = server.get("stream", V2, Proofs.proof().v2());
        assertEquals(402, r.statusCode());
        assertFalse(r.body().contains(Shop.CONTENT), r.body());
        assertEquals(1, JSON.readTree(r.body()).path("x402Version").asInt(), "the body is the 402 answer");
        assertEquals(1, Shop.PRODUCED.get());
    }

    // --- 5. class annotation, overriding price, settlement before

    @Test
    void aClassAnnotationProtectsEveryMethodOfItsClassAndAMethodsOwnWinsAttributeByAttribute() throws Exception {
        JsonNode daily = JSON.readTree(server.get("reports/daily", null, null).body()).path("accepts").get(0);
        assertEquals("50000", daily.path("maxAmountRequired").asText());
        assertEquals("Reports", daily.path("description").asText());
        HttpResponse<String> special = server.get("reports/special", null, null);
        assertEquals(402, special.statusCode());
        JsonNode offer = JSON.readTree(special.body()).path("accepts").get(0);
        assertEquals("10000", offer.path("maxAmountRequired").asText());
        assertEquals("Reports", offer.path("description").asText(), "unset on the method: the class's value");
        HttpResponse<String> paid = server.get("reports/special", V1, Proofs.proof().v1());
        assertEquals(200, paid.statusCode(), paid.body());
        assertEquals("special", paid.body());
        assertSettled(paid);
    }

    @Test
    void anOverridingMethodsOwnPriceWins() throws Exception {
        HttpResponse<String> r = server.get("repriced/report", null, null);
        assertEquals(402, r.statusCode());
        assertEquals("50000", JSON.readTree(r.body()).path("accepts").get(0).path("maxAmountRequired").asText());
        HttpResponse<String> underpaid = server.get("repriced/report", V1, Proofs.proof().v1());
        assertEquals(402, underpaid.statusCode(), "a proof of the overridden method's price does not pay");
        assertTrue(facilitator.settleRequests().isEmpty());
    }

    @Test
    void settlingBeforeTheMethodRunsHandsItTheTransaction() throws Exception {
        List<Integer> producedWhenSettling = new CopyOnWriteArrayList<>();
        facilitator.onSettle((ex, req) -> {
            producedWhenSettling.add(Shop.PRODUCED.get());
            settleOk().answer(ex, req);
        });
        HttpResponse<String> r = server.get("prepaid", V2, Proofs.proof().v2());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().matches("tx=0x[0-9a-f]{64}"), r.body());
        assertSettled(r);
        assertEquals(List.of("verify", "settle"), calls);
        assertEquals(List.of(0), producedWhenSettling, "settled before the method ran");
        assertEquals(1, Shop.PRODUCED.get());
    }

    // --- 6. an exception no mapper of the application's handles

    @Test
    void anUnmappedExceptionIsAnsweredByRestEasysDefaultMapperNotChargedAndTheProofIsReleasedAtOnce() throws Exception {
        String proof = Proofs.proof().v1();
        HttpResponse<String> r = server.get("crash", V1, proof);
        assertEquals(500, r.statusCode());
        assertFalse(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertTrue(facilitator.settleRequests().isEmpty());
        // RESTEasy's default exception mapper (Jakarta REST 3.1+) turns it into a 500 response whose response filters
        // run, so the session ended before the answer was sent: no waiting.
        HttpResponse<String> again = server.get("report", V1, proof);
        assertEquals(200, again.statusCode(), again.body());
    }

    @Test
    void anUnmappedExceptionAfterASettlementBeforeTheMethodIsAnswered500WithTheReceiptAndTheProofStaysUsed()
            throws Exception {
        // RESTEasy's default mapper answers through the response filters, so Tollgate's puts the receipt on that 500
        // itself (under Jersey, whose 500 comes from the servlet container, the binding's response writer does).
        String proof = Proofs.proof().v2();
        HttpResponse<String> r = server.get("prepaid-crash", V2, proof);
        assertEquals(500, r.statusCode());
        assertSettled(r);
        assertEquals(1, facilitator.settleRequests().size());
        HttpResponse<String> replay = server.get("prepaid-crash", V2, proof);
        assertEquals(402, replay.statusCode(), replay.body());
        assertEquals("payment_already_used", JSON.readTree(replay.body()).path("error").asText());
        assertEquals(1, facilitator.settleRequests().size(), "settled once");
        assertEquals(1, Shop.PRODUCED.get());
    }

    @Test
    void anApplicationResponseFilterThatFailsIsNotChargedButItsProofStaysClaimedUntilTheClaimLapses() throws Exception {
        // RESTEasy answers the filter's exception with a 500 whose response filters fail again, and hands that to the
        // servlet container: Tollgate's response filter never runs, and RESTEasy has no portable hook at the end of the
        // request (Jersey's request-event listener releases the proof there).
        String proof = Proofs.proof().v1();
        HttpResponse<String> r = server.send("GET", "report", V1, proof, "X-Test-Filter-Fails", "1");
        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(Shop.CONTENT), r.body());
        assertFalse(r.headers().firstValue("X-Content-Secret").isPresent());
        assertTrue(facilitator.settleRequests().isEmpty());
        HttpResponse<String> again = server.get("report", V1, proof);
        assertEquals(402, again.statusCode(), again.body());
        assertEquals("payment_already_used", JSON.readTree(again.body()).path("error").asText());
        assertTrue(facilitator.settleRequests().isEmpty(), "never charged");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"mapped", "unmapped"})
    void aWriterInterceptorThatFailsAfterTheSettlementLeavesTheReceiptOnThe500(String fails) throws Exception {
        // The application's interceptor runs when the answer is written, after the settlement: the payer was charged
        // and gets no content, so the 500 in its place carries the receipt.
        String proof = Proofs.proof().v1();
        HttpResponse<String> r = server.get("intercepted?fails=" + fails, V1, proof);
        assertEquals(500, r.statusCode());
        assertFalse(r.body().contains(Shop.CONTENT), r.body());
        assertSettled(r);
        assertEquals(1, r.headers().allValues("PAYMENT-RESPONSE").size(), r.headers().map().toString());
        assertEquals(1, r.headers().allValues("X-PAYMENT-RESPONSE").size(), r.headers().map().toString());
        assertEquals(1, facilitator.settleRequests().size());
        HttpResponse<String> replay = server.get("intercepted", V1, proof);
        assertEquals(402, replay.statusCode(), replay.body());
        assertEquals("payment_already_used", JSON.readTree(replay.body()).path("error").asText());
        assertEquals(1, facilitator.settleRequests().size(), "settled once");
    }

    @Test
    void aWriterInterceptorThatPassesLeavesThePaidAnswerWhole() throws Exception {
        HttpResponse<String> r = server.get("intercepted", V1, Proofs.proof().v1());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(Shop.CONTENT, r.body());
        assertFalse(r.headers().firstValue(Shop.FailingWriterInterceptor.FAILS).isPresent());
        assertSettled(r);
    }

    // --- the refusal of a request whose body nobody read

    @Test
    void aChallengeToAnHttp10KeepAliveRequestWithoutHostSentBeforeItsBodyWasReadSaysTheConnectionCloses()
            throws Exception {
        // HTTP/1.0 needs no Host: the request's own fields do not show its protocol, the servlet request does.
        String head = rawHead("POST /shop/api/upload HTTP/1.0\r\nConnection: keep-alive\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 100\r\n\r\n");
        assertTrue(head.matches("(?s)HTTP/1\\.[01] 402 .*"), head);
        assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("\r\nconnection: close\r\n"), head);
        assertFalse(head.toLowerCase(java.util.Locale.ROOT).contains("keep-alive"), head);
        assertEquals(0, Shop.PRODUCED.get());
    }

    @Test
    void aChallengeToAnHttp11RequestSentBeforeItsBodyWasReadSaysTheConnectionCloses() throws Exception {
        String head = rawHead("POST /shop/api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 100\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 402 "), head);
        assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("\r\nconnection: close\r\n"), head);
    }

    /** Sends {@code request} byte for byte (its declared body never comes); returns the answer's head. */
    private static String rawHead(String request) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            StringBuilder head = new StringBuilder();
            java.io.InputStream in = s.getInputStream();
            for (int b; head.indexOf("\r\n\r\n") < 0 && (b = in.read()) != -1; ) {
                head.append((char) b);
            }
            return head.toString();
        }
    }

    // --- what the feature registers for every request

    @Test
    void anAmbiguousPathIsRefusedBeforeMatching() throws Exception {
        HttpResponse<String> r = server.get("%72eport", V1, Proofs.proof().v1());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(calls.isEmpty());
        assertEquals(0, Shop.PRODUCED.get());
    }

    @Test
    void aHeadRequestWithAProofIsChallengedUnchargedAndTheProofStillPaysForTheGet() throws Exception {
        String proof = Proofs.proof().v1();
        HttpResponse<String> head = server.send("HEAD", "report", V1, proof);
        assertEquals(402, head.statusCode());
        assertTrue(calls.isEmpty(), "nothing verified or used up");
        assertEquals(200, server.get("report", V1, proof).statusCode());
    }

    @Test
    void aResourceReachedThroughAPaidLocatorButNotPaidItselfIsRefused() throws Exception {
        HttpResponse<String> r = server.get("paid-locators/dynamic", V1, Proofs.proof().v1());
        assertEquals(500, r.statusCode());
        assertTrue(r.body().contains("nothing was charged"), r.body());
        assertEquals(0, Shop.PRODUCED.get());
        assertTrue(facilitator.settleRequests().isEmpty());
    }

    // --- helpers

    private static FacilitatorDouble.Behaviour settleOk() {
        return (ex, req) -> {
            calls.add("settle");
            String network = req.path("paymentRequirements").path("network").asText();
            FacilitatorDouble.respond(ex, 200, "{\"success\":true,\"transaction\":\"" + String.format("0x%064x",
                    System.nanoTime()) + "\",\"network\":\"" + network + "\",\"payer\":\"" + PAYER + "\"}");
        };
    }

    static FacilitatorDouble.Behaviour settleFails(String reason) {
        return (ex, req) -> FacilitatorDouble.respond(ex, 200, "{\"success\":false,\"errorReason\":\"" + reason
                + "\",\"transaction\":\"\",\"network\":\"" + req.path("paymentRequirements").path("network").asText()
                + "\"}");
    }

    static JsonNode header(HttpResponse<String> r, String name) throws IOException {
        String value = r.headers().firstValue(name).orElse(null);
        assertNotNull(value, name);
        return JSON.readTree(Base64.getDecoder().decode(value));
    }

    static void assertSettled(HttpResponse<String> r) throws IOException {
        JsonNode v2 = header(r, "PAYMENT-RESPONSE");
        JsonNode v1 = header(r, "X-PAYMENT-RESPONSE");
        assertTrue(v2.path("success").asBoolean());
        assertTrue(v1.path("success").asBoolean());
        assertTrue(v2.path("transaction").asText().matches("0x[0-9a-f]{64}"));
        assertEquals(v2.path("transaction").asText(), v1.path("transaction").asText());
        assertEquals("eip155:84532", v2.path("network").asText());
        assertEquals("base-sepolia", v1.path("network").asText());
    }
}
