package dev.tollgate.reliability.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Paid routes over HTTP/2 in clear text (h2c), on both bindings: the JDK client upgrades its first request and
 * speaks HTTP/2 on the connection from then on. HTTP/2 forbids connection-specific header fields (RFC 9113
 * 8.2.2): an answer that carries one is malformed, and a strict peer or proxy drops it.
 */
class Http2PaidRoutesTest {
    /** The fields RFC 9113 8.2.2 names as connection-specific. */
    private static final List<String> CONNECTION_SPECIFIC =
            List.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

    static PaidApps apps;
    HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        apps = PaidApps.speakingH2c();
    }

    @AfterAll
    static void stop() throws Exception {
        apps.close();
    }

    private static final java.util.concurrent.atomic.AtomicInteger TRANSACTIONS = new java.util.concurrent.atomic.AtomicInteger();

    /** The double's own settlement, given back after a test that made it fail. */
    private static void settleOk(com.sun.net.httpserver.HttpExchange ex, com.fasterxml.jackson.databind.JsonNode req)
            throws java.io.IOException {
        FacilitatorDouble.respond(ex, 200, "{\"success\":true,\"transaction\":\""
                + String.format("0x%064x", 1_000_000 + TRANSACTIONS.incrementAndGet()) + "\",\"network\":\""
                + req.path("paymentRequirements").path("network").asText() + "\",\"payer\":\""
                + req.path("paymentPayload").path("payload").path("authorization").path("from").asText("") + "\"}");
    }

    @AfterEach
    void settleAgain() {
        apps.facilitator.onSettle(Http2PaidRoutesTest::settleOk);
    }

    private static int port(String binding) {
        return binding.equals("servlet") ? apps.servletPort() : apps.jerseyPort();
    }

    private static String path(String binding) {
        return binding.equals("servlet") ? "/premium/report" : "/api/premium/report";
    }

    /** A client on an HTTP/2 connection: its first, free, request upgraded it. */
    private HttpResponse<byte[]> onHttp2(String binding, HttpRequest.Builder request) throws Exception {
        if (client == null) {
            client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            String free = binding.equals("servlet") ? "/free/x" : "/api/free";
            HttpResponse<String> upgraded = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port(binding) + free)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, upgraded.version(), "h2c upgrade");
        }
        HttpResponse<byte[]> r = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
        for (String name : CONNECTION_SPECIFIC) {
            assertTrue(r.headers().firstValue(name).isEmpty(), name + " on an HTTP/2 answer: " + r.headers().map());
        }
        r.headers().firstValue("content-length").ifPresent(length ->
                assertEquals(r.body().length, Long.parseLong(length), "content-length against the DATA frames"));
        return r;
    }

    private static HttpRequest.Builder to(String binding) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(binding) + path(binding)));
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void theChallengeGoesOutWholeOverHttp2(String binding) throws Exception {
        HttpResponse<byte[]> r = onHttp2(binding, to(binding));
        assertEquals(402, r.statusCode());
        assertTrue(r.headers().firstValue("payment-required").isPresent(), r.headers().map().toString());
        assertEquals("no-store", r.headers().firstValue("cache-control").orElse(""));
        assertTrue(text(r).contains("\"x402Version\""), text(r));
        assertFalse(text(r).contains(PaidApps.MARKER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void aPaidRequestOverHttp2IsServedWithBothReceipts(String binding) throws Exception {
        int runs = PaidApps.RUNS.get();
        HttpResponse<byte[]> r = onHttp2(binding, to(binding).header("X-PAYMENT", Proofs.proof().v1()));
        assertEquals(200, r.statusCode(), text(r));
        assertTrue(text(r).startsWith(PaidApps.MARKER), text(r));
        // v2's receipt names the network by CAIP-2 id, v1's by name: the same settlement, two spellings.
        assertTrue(r.headers().firstValue("payment-response").isPresent(), r.headers().map().toString());
        assertTrue(r.headers().firstValue("x-payment-response").isPresent(), r.headers().map().toString());
        assertEquals(runs + 1, PaidApps.RUNS.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void aFailedSettlementOverHttp2LeaksNoByte(String binding) throws Exception {
        apps.facilitator.onSettle(FacilitatorDouble.answer(200,
                "{\"success\":false,\"errorReason\":\"insufficient_funds\",\"transaction\":\"\",\"network\":\"base-sepolia\"}"));
        HttpResponse<byte[]> r = onHttp2(binding, to(binding).header("X-PAYMENT", Proofs.proof().v1()));
        assertEquals(402, r.statusCode(), text(r));
        assertFalse(text(r).contains(PaidApps.MARKER), text(r));
        String receipt = new String(java.util.Base64.getDecoder().decode(
                r.headers().firstValue("payment-response").orElseThrow()), StandardCharsets.UTF_8);
        assertTrue(receipt.contains("\"success\":false"), receipt);
    }

    /**
     * A refused POST whose body nobody read: over HTTP/1.1 the answer says {@code Connection: close}; over HTTP/2
     * that field is forbidden, and the body's stream ends alone, so the connection serves the paid retry.
     */
    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void aRefusedPostWithABodyOverHttp2CarriesNoConnectionFieldAndTheConnectionServesTheRetry(String binding)
            throws Exception {
        String body = "{\"q\":\"" + "x".repeat(4000) + "\"}";
        HttpResponse<byte[]> refused = onHttp2(binding, to(binding).POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(402, refused.statusCode());
        HttpResponse<byte[]> paid = onHttp2(binding, to(binding).header("X-PAYMENT", Proofs.proof().v1())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(200, paid.statusCode(), text(paid));
        assertTrue(paid.headers().firstValue("payment-response").isPresent());
    }

    /**
     * {@code Expect: 100-continue} over HTTP/2, frame by frame: the first HEADERS back is the 402 (no 100 asking for
     * the body), with the challenge, and no connection-specific field; the stream then ends.
     */
    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void aChallengeToAnExpectContinuePostOverHttp2NeverAsksForTheBody(String binding) throws Exception {
        Http2Frames.Reply reply = Http2Frames.exchange(port(binding), "POST", path(binding),
                org.eclipse.jetty.http.HttpFields.build()
                        .put("Expect", "100-continue")
                        .put("Content-Type", "text/plain")
                        .put("Content-Length", "100000"), null);
        assertEquals(List.of(402), reply.statuses(), reply.toString());
        assertTrue(reply.headers().contains("payment-required"), reply.toString());
        for (String name : CONNECTION_SPECIFIC) {
            assertFalse(reply.headers().contains(name), name + " on " + reply);
        }
        assertTrue(reply.body().contains("\"x402Version\""), reply.body());
    }

    /** A refused POST that sent its body over HTTP/2: the answer as it is framed carries no connection field. */
    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void aRefusedPostWithABodyOverHttp2IsFramedWithoutAConnectionField(String binding) throws Exception {
        Http2Frames.Reply reply = Http2Frames.exchange(port(binding), "POST", path(binding),
                org.eclipse.jetty.http.HttpFields.build().put("Content-Type", "text/plain").put("Content-Length", "5"),
                "hello");
        assertEquals(List.of(402), reply.statuses(), reply.toString());
        for (String name : CONNECTION_SPECIFIC) {
            assertFalse(reply.headers().contains(name), name + " on " + reply);
        }
    }

    /** A 900 KB paid answer over HTTP/2 (flow-control windows smaller than it): whole, and its length right. */
    @org.junit.jupiter.api.Test
    void aLargePaidAnswerOverHttp2ArrivesWhole() throws Exception {
        HttpResponse<byte[]> r = onHttp2("servlet", HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + apps.servletPort() + "/premium/big/x")).header("X-PAYMENT", Proofs.proof().v1()));
        assertEquals(200, r.statusCode());
        assertTrue(r.body().length > 800_000, "length " + r.body().length);
        assertTrue(r.headers().firstValue("payment-response").isPresent());
    }

    @org.junit.jupiter.api.Test
    void aFailedSettlementOfALargeAnswerOverHttp2LeaksNoByte() throws Exception {
        apps.facilitator.onSettle(FacilitatorDouble.answer(200,
                "{\"success\":false,\"errorReason\":\"insufficient_funds\",\"transaction\":\"\",\"network\":\"base-sepolia\"}"));
        HttpResponse<byte[]> r = onHttp2("servlet", HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + apps.servletPort() + "/premium/big/x")).header("X-PAYMENT", Proofs.proof().v1()));
        assertEquals(402, r.statusCode());
        assertFalse(text(r).contains(PaidApps.MARKER));
    }

    /** The paid request is the one that asks to upgrade to h2c: answered on stream 1 with its receipts. */
    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void aPaidRequestThatUpgradesTheConnectionIsServedWithItsReceipts(String binding) throws Exception {
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> r = fresh.send(to(binding).header("X-PAYMENT", Proofs.proof().v1()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().startsWith(PaidApps.MARKER));
        assertTrue(r.headers().firstValue("payment-response").isPresent());
        assertTrue(r.headers().firstValue("x-payment-response").isPresent());
        HttpResponse<String> challenge = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()
                .send(to(binding).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, challenge.version());
        assertEquals(402, challenge.statusCode());
        assertTrue(challenge.headers().firstValue("payment-required").isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void aReplayedProofOverHttp2IsRefusedWithoutContent(String binding) throws Exception {
        String proof = Proofs.proof().v1();
        HttpResponse<byte[]> first = onHttp2(binding, to(binding).header("X-PAYMENT", proof));
        assertEquals(200, first.statusCode());
        HttpResponse<byte[]> again = onHttp2(binding, to(binding).header("X-PAYMENT", proof));
        assertEquals(402, again.statusCode());
        assertFalse(text(again).contains(PaidApps.MARKER));
        assertNotEquals(first.headers().firstValue("payment-response"), again.headers().firstValue("payment-response"));
    }
}
