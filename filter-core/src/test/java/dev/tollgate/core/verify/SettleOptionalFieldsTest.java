package dev.tollgate.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * x402 v2 §5.3.2: a SettleResponse requires {@code success}, {@code transaction} and {@code network}; {@code
 * errorReason}, {@code payer}, {@code amount} and {@code extensions} are optional (the reference SDKs add {@code
 * errorMessage}). A success whose optional field is absent, empty or unreadable is still the payment it reports:
 * answering it 502 would charge the payer and withhold the content. A success whose required field is unusable is
 * no answer to deliver on.
 */
class SettleOptionalFieldsTest {
    private static final Network SEPOLIA = NetworkRegistry.defaults().find("base-sepolia").orElseThrow();
    private static final PaymentOption OPTION = new PaymentOption("exact", SEPOLIA, BigInteger.valueOf(10_000),
            SEPOLIA.usdcAddress(), Proofs.PAY_TO, 60, "USDC", "2");
    private static final String SUCCESS = "\"success\":true,\"transaction\":\"0x01\",\"network\":\"eip155:84532\"";

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

    private SettleOutcome settleAnswering(String body) throws IOException {
        facilitator.onSettle(FacilitatorDouble.answer(200, body));
        return client.settle(new PaymentAttempt(2,
                new ObjectMapper().readTree(Base64.getDecoder().decode(Proofs.proof().v2())),
                OPTION.requirementsV2(), OPTION, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"amount\":\"\"", "\"amount\":null", "\"amount\":\"  \"", "\"amount\":{}", "\"amount\":[]",
            "\"amount\":10000",
            "\"payer\":{}", "\"payer\":[\"0x01\"]", "\"payer\":null",
            "\"errorReason\":\"\"", "\"errorReason\":{}", "\"errorReason\":null",
            "\"errorMessage\":{}", "\"extensions\":\"none\"", "\"extensions\":[]", "\"extensions\":null"})
    void aSuccessWithAnEmptyOrUnreadableOptionalFieldIsSettled(String field) throws IOException {
        SettleOutcome o = settleAnswering("{" + SUCCESS + "," + field + "}");
        assertEquals("0x01", assertInstanceOf(SettleOutcome.Settled.class, o).response().transaction());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"success\":true,\"transaction\":{},\"network\":\"eip155:84532\"}",
            "{\"success\":true,\"transaction\":\"\",\"network\":\"eip155:84532\"}",
            "{\"success\":true,\"network\":\"eip155:84532\"}",
            "{\"success\":true,\"transaction\":[\"0x01\"],\"network\":\"eip155:84532\"}",
            "{\"success\":true,\"transaction\":\"0x01\",\"network\":{}}",
            "{\"success\":\"true\",\"transaction\":\"0x01\",\"network\":\"eip155:84532\"}",
            "{\"success\":true,\"transaction\":\"0x01\",\"network\":\"eip155:84532\",\"amount\":\"1\"}"})
    void aSuccessWithAnUnusableRequiredFieldOrAnotherAmountIsAMalfunction(String body) throws IOException {
        assertInstanceOf(SettleOutcome.Malfunction.class, settleAnswering(body));
    }
}
