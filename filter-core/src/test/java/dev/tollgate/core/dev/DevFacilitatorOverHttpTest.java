package dev.tollgate.core.dev;

import static dev.tollgate.core.dev.DevRequests.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.verify.FacilitatorSettings;
import dev.tollgate.core.verify.HttpFacilitatorClient;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.verify.SettleOutcome;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.wire.SupportedResponse;
import dev.tollgate.core.wire.WireJson;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The JSON core needs nothing of its HTTP layer: served by the JDK's own server here, the standard facilitator
 * client talks to it as to any facilitator.
 */
class DevFacilitatorOverHttpTest {
    private final DevFacilitator facilitator = new DevFacilitator(new SimulatedLedger(Clock.fixed(NOW, ZoneOffset.UTC)),
            NetworkRegistry.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));
    private final HttpServer server;
    private final HttpFacilitatorClient client;

    DevFacilitatorOverHttpTest() throws IOException {
        facilitator.ledger().fund(DevFacilitator.token(DevRequests.BASE_SEPOLIA, Proofs.BASE_SEPOLIA_USDC),
                Proofs.PAYER.address(), BigInteger.valueOf(1_000_000));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/dev-facilitator/verify", ex -> post(ex, facilitator::verify));
        server.createContext("/dev-facilitator/settle", ex -> post(ex, facilitator::settle));
        server.createContext("/dev-facilitator/supported",
                ex -> send(ex, new DevFacilitator.Answer(200, facilitator.supported())));
        server.start();
        client = new HttpFacilitatorClient(FacilitatorSettings.of(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/dev-facilitator")));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void post(HttpExchange ex, Function<byte[], DevFacilitator.Answer> endpoint) throws IOException {
        send(ex, endpoint.apply(ex.getRequestBody().readNBytes(DevFacilitator.MAX_REQUEST_BYTES + 1)));
    }

    private static void send(HttpExchange ex, DevFacilitator.Answer answer) throws IOException {
        byte[] body = WireJson.mapper().writeValueAsBytes(answer.body());
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static PaymentAttempt attempt(JsonNode request) {
        return new PaymentAttempt(2, request.get("paymentPayload"), DevRequests.OPTION.requirementsV2(),
                DevRequests.OPTION, null);
    }

    @Test
    void theStandardClientVerifiesAndSettlesThroughIt() {
        PaymentAttempt attempt = attempt(DevRequests.v2(Proofs.proof().at(NOW).v2()));

        VerifyOutcome.Valid valid = assertInstanceOf(VerifyOutcome.Valid.class, client.verify(attempt));
        SettleOutcome.Settled settled = assertInstanceOf(SettleOutcome.Settled.class, client.settle(attempt));

        assertEquals(Proofs.PAYER.address().toChecksumHex(), valid.payer());
        assertTrue(settled.response().transaction().matches("0x[0-9a-f]{64}"));
    }

    @Test
    void theStandardClientSeesASecondSettlementFail() {
        PaymentAttempt attempt = attempt(DevRequests.v2(Proofs.proof().at(NOW).v2()));
        client.settle(attempt);

        SettleOutcome.Failed failed = assertInstanceOf(SettleOutcome.Failed.class, client.settle(attempt));

        assertEquals(SimulatedLedger.REASON_NONCE_USED, failed.response().errorReason());
    }

    @Test
    void theStandardClientReadsItsSupportedKinds() throws IOException {
        SupportedResponse supported = client.supported();

        assertTrue(supported.kinds().stream().anyMatch(k -> k.x402Version() == 1 && "base-sepolia".equals(k.network())));
        assertTrue(supported.kinds().stream().anyMatch(k -> k.x402Version() == 2 && "eip155:84532".equals(k.network())));
    }
}
