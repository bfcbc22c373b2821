package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.dev.DemoAccounts;
import dev.tollgate.core.dev.DevFacilitator;
import dev.tollgate.core.dev.SimulatedLedger;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.wire.X402Headers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample as a newcomer runs it on a machine without network: no TOLLGATE_FACILITATOR_URL, so it settles
 * through its own dev facilitator over loopback HTTP, and the demo payer pays it.
 */
class OfflineSampleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static Server server;
    private static URI report;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(System.getenv("TOLLGATE_FACILITATOR_URL") == null, "TOLLGATE_FACILITATOR_URL is set here");
        System.clearProperty("TOLLGATE_FACILITATOR_URL");
        server = Main.start("127.0.0.1", 0);
        report = server.getURI().resolve("/premium/report");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private static DemoPayer payer() {
        return new DemoPayer(DemoAccounts.DEMO_PAYER_KEY, NetworkRegistry.defaults(), Clock.systemUTC());
    }

    private static HttpResponse<String> get(URI uri, String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (header != null) {
            b.header(header, value);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode decoded(HttpResponse<String> r, String header) throws Exception {
        return JSON.readTree(Base64.getDecoder().decode(r.headers().firstValue(header).orElseThrow(
                () -> new AssertionError("no " + header + " in " + r.headers().map()))));
    }

    /** A freshly signed proof for the report, in the given protocol version. */
    private static String proof(int version) throws Exception {
        DemoPayer payer = payer();
        return payer.sign(payer.offer(get(report, null, null), version));
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = DemoPayer.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        return text;
    }

    @Test
    void withoutAFacilitatorUrlTheSampleServesItsDevFacilitator() {
        assertNotNull(DevMode.facilitator(server));
        assertNull(System.getProperty("TOLLGATE_FACILITATOR_URL"), "the loopback URL must not outlive start-up");
    }

    @Test
    void theDemoPayerPaysTheReportInV2WithASettlementHeader() throws Exception {
        HttpResponse<String> r = get(report, X402Headers.PAYMENT_SIGNATURE, proof(2));

        assertEquals(200, r.statusCode(), r.body());
        JsonNode settlement = decoded(r, X402Headers.PAYMENT_RESPONSE);
        assertTrue(settlement.path("success").asBoolean());
        assertTrue(settlement.path("transaction").asText().matches("0x[0-9a-f]{64}"), settlement.toString());
        assertEquals("eip155:84532", settlement.path("network").asText());
        assertTrue(r.body().contains(DemoAccounts.DEMO_PAYER.toChecksumHex()), r.body());
    }

    @Test
    void theDemoPayerPaysTheReportInV1WithASettlementHeader() throws Exception {
        HttpResponse<String> r = get(report, X402Headers.X_PAYMENT, proof(1));

        assertEquals(200, r.statusCode(), r.body());
        JsonNode settlement = decoded(r, X402Headers.X_PAYMENT_RESPONSE);
        assertTrue(settlement.path("success").asBoolean());
        assertEquals("base-sepolia", settlement.path("network").asText());
    }

    @Test
    void theDemoPayerPaysTheJaxRsWeatherInV1AndV2() throws Exception {
        URI weather = server.getURI().resolve("/api/weather");
        DemoPayer payer = payer();
        for (int version : new int[] {1, 2}) {
            String proof = payer.sign(payer.offer(get(weather, null, null), version));
            String header = version == 1 ? X402Headers.X_PAYMENT : X402Headers.PAYMENT_SIGNATURE;

            HttpResponse<String> r = get(weather, header, proof);

            assertEquals(200, r.statusCode(), "v" + version + ": " + r.body());
            assertTrue(r.body().contains("sunny"), r.body());
            String settlementHeader = version == 1 ? X402Headers.X_PAYMENT_RESPONSE : X402Headers.PAYMENT_RESPONSE;
            assertTrue(decoded(r, settlementHeader).path("success").asBoolean());
        }
    }

    @Test
    void thePayCommandPaysTheWeather() {
        String out = run(server.getURI().resolve("/api/weather").toString(), "--v1");

        assertTrue(out.contains("with X-PAYMENT -> 200"), out);
        assertTrue(out.contains("sunny"), out);
    }

    @Test
    void aSettledPaymentIsInTheSimulatedLedger() throws Exception {
        HttpResponse<String> r = get(report, X402Headers.PAYMENT_SIGNATURE, proof(2));
        String transaction = decoded(r, X402Headers.PAYMENT_RESPONSE).path("transaction").asText();

        List<SimulatedLedger.Transfer> transfers = DevMode.facilitator(server).ledger().transfers();

        assertTrue(transfers.stream().anyMatch(t -> t.transaction().equals(transaction)
                && t.from().equals(DemoAccounts.DEMO_PAYER) && t.value().equals(BigInteger.valueOf(10_000))));
    }

    @Test
    void payingTwiceWithTheSameAuthorizationIsRefused() throws Exception {
        String proof = proof(2);
        assertEquals(200, get(report, X402Headers.PAYMENT_SIGNATURE, proof).statusCode());

        HttpResponse<String> again = get(report, X402Headers.PAYMENT_SIGNATURE, proof);

        assertEquals(402, again.statusCode());
        assertEquals("payment_already_used", JSON.readTree(again.body()).path("error").asText(), again.body());
        assertFalse(again.body().contains("USDC demand up"), "the 402 must not carry the paid content");
    }

    @Test
    void theDevFacilitatorOverHttpRefusesToSettleOneAuthorizationTwice() throws Exception {
        DemoPayer payer = payer();
        DemoPayer.Offer offer = payer.offer(get(report, null, null), 1);
        JsonNode payload = JSON.readTree(Base64.getDecoder().decode(payer.sign(offer)));
        String body = JSON.createObjectNode().put("x402Version", 1).<com.fasterxml.jackson.databind.node.ObjectNode>set(
                "paymentPayload", payload).set("paymentRequirements", offer.requirement()).toString();
        URI settle = server.getURI().resolve("/dev-facilitator/settle");

        JsonNode first = post(settle, body);
        JsonNode second = post(settle, body);

        assertTrue(first.path("success").asBoolean(), first.toString());
        assertFalse(second.path("success").asBoolean(), second.toString());
        assertEquals(SimulatedLedger.REASON_NONCE_USED, second.path("errorReason").asText());
    }

    @Test
    void theDevFacilitatorListsWhatItSupports() throws Exception {
        HttpResponse<String> r = get(server.getURI().resolve("/dev-facilitator/supported"), null, null);

        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"eip155:84532\""), r.body());
    }

    @Test
    void theDevFacilitatorAnswersGarbageWith400() throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(server.getURI().resolve("/dev-facilitator/verify"))
                .POST(HttpRequest.BodyPublishers.ofString("not json")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(400, r.statusCode());
        assertEquals(DevFacilitator.REASON_INVALID_PAYLOAD, JSON.readTree(r.body()).path("invalidReason").asText());
    }

    @Test
    void thePayCommandPrintsTheStatusTheSettlementAndTheBody() {
        String out = run(report.toString());

        assertTrue(out.contains("-> 402"), out);
        assertTrue(out.contains("with PAYMENT-SIGNATURE -> 200"), out);
        assertTrue(out.contains("PAYMENT-RESPONSE: {\"success\":true"), out);
        assertTrue(out.contains("Premium market report"), out);
    }

    @Test
    void thePayCommandSpeaksV1OnRequest() {
        String out = run(report.toString(), "--v1");

        assertTrue(out.contains("with X-PAYMENT -> 200"), out);
        assertTrue(out.contains("X-PAYMENT-RESPONSE: {\"success\":true"), out);
    }

    @Test
    void thePayCommandsReplayIsRefused() {
        String out = run(report.toString(), "--replay");

        assertTrue(out.contains("with PAYMENT-SIGNATURE -> 200"), out);
        assertTrue(out.contains("with PAYMENT-SIGNATURE -> 402"), out);
        assertTrue(out.contains("payment_already_used"), out);
    }

    @Test
    void thePayCommandWithoutAUrlPrintsItsUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = DemoPayer.run(List.of("--v1"), System.out, new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage:"));
    }

    private static JsonNode post(URI uri, String body) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }
}
