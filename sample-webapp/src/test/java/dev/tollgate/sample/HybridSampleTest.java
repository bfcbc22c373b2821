package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.dev.DemoAccounts;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.wire.X402Headers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TOLLGATE_VERIFY=local beside TOLLGATE_FACILITATOR_URL: signatures checked in-process, settlement remote. */
class HybridSampleTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static FacilitatorDouble facilitator;
    private static Server server;

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        System.setProperty("TOLLGATE_FACILITATOR_URL", facilitator.url());
        System.setProperty("TOLLGATE_VERIFY", "local");
        server = Main.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        facilitator.close();
        System.clearProperty("TOLLGATE_FACILITATOR_URL");
        System.clearProperty("TOLLGATE_VERIFY");
    }

    private static HttpResponse<String> get(URI uri, String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (header != null) {
            b.header(header, value);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withAFacilitatorUrlThereIsNoDevFacilitator() throws Exception {
        assertNull(DevMode.facilitator(server));
        assertEquals(404, get(server.getURI().resolve("/dev-facilitator/supported"), null, null).statusCode());
    }

    @Test
    void aPaymentIsVerifiedLocallyAndSettledByTheFacilitator() throws Exception {
        URI report = server.getURI().resolve("/premium/report");
        DemoPayer payer = new DemoPayer(DemoAccounts.DEMO_PAYER_KEY, NetworkRegistry.defaults(), Clock.systemUTC());
        String proof = payer.sign(payer.offer(get(report, null, null), 2));
        int verifiesBefore = facilitator.verifyRequests().size();
        int settlesBefore = facilitator.settleRequests().size();

        HttpResponse<String> r = get(report, X402Headers.PAYMENT_SIGNATURE, proof);

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue(X402Headers.PAYMENT_RESPONSE).isPresent());
        assertEquals(verifiesBefore, facilitator.verifyRequests().size(), "no /verify call in hybrid mode");
        assertEquals(settlesBefore + 1, facilitator.settleRequests().size());
    }

    @Test
    void aBadSignatureNeverReachesTheFacilitator() throws Exception {
        URI report = server.getURI().resolve("/premium/report");
        DemoPayer payer = new DemoPayer(DemoAccounts.DEMO_PAYER_KEY, NetworkRegistry.defaults(), Clock.systemUTC());
        String proof = payer.sign(payer.offer(get(report, null, null), 1));
        String json = new String(java.util.Base64.getDecoder().decode(proof), java.nio.charset.StandardCharsets.UTF_8);
        // Same authorization, signature of another message: flip one hex digit of r.
        int at = json.indexOf("\"signature\":\"0x") + 15;
        char c = json.charAt(at);
        String forged = json.substring(0, at) + (c == 'a' ? 'b' : 'a') + json.substring(at + 1);
        int settlesBefore = facilitator.settleRequests().size();

        HttpResponse<String> r = get(report, X402Headers.X_PAYMENT,
                java.util.Base64.getEncoder().encodeToString(forged.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        assertEquals(402, r.statusCode());
        assertTrue(r.body().contains("invalid_exact_evm_payload_signature"), r.body());
        assertEquals(settlesBefore, facilitator.settleRequests().size());
    }
}
