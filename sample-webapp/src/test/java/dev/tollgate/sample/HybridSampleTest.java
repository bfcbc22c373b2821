package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.dev.DemoAccounts;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.wire.X402Headers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TOLLGATE_VERIFY=local beside TOLLGATE_FACILITATOR_URL: signatures checked in-process, settlement remote. */
class HybridSampleTest {
    private static FacilitatorDouble facilitator;
    private static SampleServer sample;

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        sample = SampleServer.start("TOLLGATE_FACILITATOR_URL", facilitator.url(), "TOLLGATE_VERIFY", "local");
    }

    @AfterAll
    static void stop() throws Exception {
        sample.close();
        facilitator.close();
    }

    @Test
    void withAFacilitatorUrlThereIsNoDevFacilitator() throws Exception {
        assertNull(DevMode.facilitator(sample.server()));
        assertEquals(404, sample.get("/dev-facilitator/supported").statusCode());
    }

    @Test
    void aPaymentIsVerifiedLocallyAndSettledByTheFacilitator() throws Exception {
        DemoPayer payer = new DemoPayer(DemoAccounts.DEMO_PAYER_KEY, NetworkRegistry.defaults(), Clock.systemUTC());
        String proof = payer.sign(payer.offer(sample.get("/premium/report"), 2));
        int verifiesBefore = facilitator.verifyRequests().size();
        int settlesBefore = facilitator.settleRequests().size();

        HttpResponse<String> r = sample.get("/premium/report", X402Headers.PAYMENT_SIGNATURE, proof);

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue(X402Headers.PAYMENT_RESPONSE).isPresent());
        assertEquals(verifiesBefore, facilitator.verifyRequests().size(), "no /verify call in hybrid mode");
        assertEquals(settlesBefore + 1, facilitator.settleRequests().size());
    }

    @Test
    void aSmartWalletsSignatureIsVerifiedByTheFacilitator() throws Exception {
        DemoPayer payer = new DemoPayer(DemoAccounts.DEMO_PAYER_KEY, NetworkRegistry.defaults(), Clock.systemUTC());
        String proof = payer.sign(payer.offer(sample.get("/premium/report"), 2));
        String json = new String(Base64.getDecoder().decode(proof), StandardCharsets.UTF_8);
        // The same authorization, its signature wrapped as a wallet not yet deployed would send it (ERC-6492). The
        // double says yes to anything: this shows the proof taken to /verify, not a wallet paying (interop/ does).
        int at = json.indexOf("\"signature\":\"") + 13;
        String signature = json.substring(at, json.indexOf('"', at));
        String wrapped = Proofs.erc6492(Proofs.SMART_WALLET_FACTORY, new byte[] {1, 2, 3}, signature);
        String smartWallet = json.substring(0, at) + wrapped + json.substring(at + signature.length());
        int verifiesBefore = facilitator.verifyRequests().size();
        int settlesBefore = facilitator.settleRequests().size();

        HttpResponse<String> r = sample.get("/premium/report", X402Headers.PAYMENT_SIGNATURE,
                Base64.getEncoder().encodeToString(smartWallet.getBytes(StandardCharsets.UTF_8)));

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(verifiesBefore + 1, facilitator.verifyRequests().size(), "only the chain can judge it: asked");
        assertEquals(settlesBefore + 1, facilitator.settleRequests().size());
    }

    @Test
    void aForged65ByteSignatureNeverReachesTheFacilitator() throws Exception {
        DemoPayer payer = new DemoPayer(DemoAccounts.DEMO_PAYER_KEY, NetworkRegistry.defaults(), Clock.systemUTC());
        String proof = payer.sign(payer.offer(sample.get("/premium/report"), 1));
        String json = new String(java.util.Base64.getDecoder().decode(proof), java.nio.charset.StandardCharsets.UTF_8);
        // Same authorization, signature of another message: flip one hex digit of r.
        int at = json.indexOf("\"signature\":\"0x") + 15;
        char c = json.charAt(at);
        String forged = json.substring(0, at) + (c == 'a' ? 'b' : 'a') + json.substring(at + 1);
        int verifiesBefore = facilitator.verifyRequests().size();
        int settlesBefore = facilitator.settleRequests().size();

        HttpResponse<String> r = sample.get("/premium/report", X402Headers.X_PAYMENT,
                java.util.Base64.getEncoder().encodeToString(forged.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        assertEquals(402, r.statusCode());
        assertTrue(r.body().contains("invalid_exact_evm_payload_signature"), r.body());
        assertEquals(verifiesBefore, facilitator.verifyRequests().size());
        assertEquals(settlesBefore, facilitator.settleRequests().size());
    }
}
