package dev.tollgate.core.verify;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.pricing.Network;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A settlement "success" that names an amount other than the price did not pay for this request. Found by the
 * reliability campaign's faulty facilitator: the client used to report it as settled, and the content went out.
 */
class SettledAmountTest {
    private static final Network SEPOLIA = NetworkRegistry.defaults().find("base-sepolia").orElseThrow();
    private static final PaymentOption OPTION = new PaymentOption("exact", SEPOLIA, BigInteger.valueOf(10_000),
            SEPOLIA.usdcAddress(), Proofs.PAY_TO, 60, "USDC", "2");

    private FacilitatorDouble facilitator;
    private HttpFacilitatorClient client;

    @BeforeEach
    void start() throws IOException {
        facilitator = new FacilitatorDouble();
        client = new HttpFacilitatorClient(new FacilitatorSettings(URI.create(facilitator.url()), Map.of(),
                Duration.ofSeconds(2), Duration.ofSeconds(5), FacilitatorSettings.DEFAULT_MAX_RESPONSE_BYTES));
    }

    @AfterEach
    void stop() {
        facilitator.close();
    }

    private static PaymentAttempt attempt() throws IOException {
        return new PaymentAttempt(2, new ObjectMapper().readTree(Base64.getDecoder().decode(Proofs.proof().v2())),
                OPTION.requirementsV2(), OPTION, null);
    }

    private SettleOutcome settleAnswering(String body) throws IOException {
        facilitator.onSettle(FacilitatorDouble.answer(200, body));
        return client.settle(attempt());
    }

    @Test
    void aSuccessForAnotherAmountIsAMalfunction() throws IOException {
        SettleOutcome o = settleAnswering("{\"success\":true,\"transaction\":\"0x01\",\"amount\":\"1\"}");
        assertTrue(assertInstanceOf(SettleOutcome.Malfunction.class, o).detail().contains("amount 1"));
    }

    @Test
    void aSuccessNamingThePriceIsSettled() throws IOException {
        assertInstanceOf(SettleOutcome.Settled.class,
                settleAnswering("{\"success\":true,\"transaction\":\"0x01\",\"amount\":\"10000\"}"));
    }

    @Test
    void aSuccessNamingNoAmountIsSettledAsBefore() throws IOException {
        assertInstanceOf(SettleOutcome.Settled.class, settleAnswering("{\"success\":true,\"transaction\":\"0x01\"}"));
    }

    @Test
    void aFailureNamingAnotherAmountStaysAFailure() throws IOException {
        assertInstanceOf(SettleOutcome.Failed.class,
                settleAnswering("{\"success\":false,\"errorReason\":\"insufficient_funds\",\"amount\":\"1\"}"));
    }
}
