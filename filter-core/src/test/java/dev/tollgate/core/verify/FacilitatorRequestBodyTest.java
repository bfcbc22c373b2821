package dev.tollgate.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.wire.FacilitatorRequest;
import dev.tollgate.core.wire.WireJson;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class FacilitatorRequestBodyTest {
    private static final PaymentOption OPTION = new PaymentOption("exact", NetworkRegistry.defaults().find("base-sepolia").orElseThrow(),
            BigInteger.valueOf(10_000), "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
            "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", 60, "USDC", "2");

    private static JsonNode expected(PaymentAttempt a) {
        return WireJson.mapper().valueToTree(new FacilitatorRequest(a.x402Version(), a.paymentPayload(),
                a.requirements()));
    }

    @Test
    void theBodyIsTheFacilitatorRequestWithTheClientsOwnBytes() throws Exception {
        // Odd but valid formatting and escapes survive as the client wrote them.
        String v2 = "  {\"x402Version\":2, \"accepted\":{\"scheme\":\"ex\\u0061ct\"},\n\"payload\":{\"a\":[1,2.5e3]}}\t";
        byte[] raw = v2.getBytes(StandardCharsets.UTF_8);
        PaymentAttempt fromBytes = PaymentAttempt.ofJson(2, raw, OPTION.requirementsV2(), OPTION, null);
        byte[] body = FacilitatorRequestBody.of(fromBytes);
        assertEquals(expected(fromBytes), WireJson.mapper().readTree(body));
        assertEquals(true, new String(body, StandardCharsets.UTF_8).contains(v2));

        JsonNode v1 = WireJson.mapper().readTree(Base64.getDecoder().decode(Proofs.proof().v1()));
        PaymentAttempt fromTree = new PaymentAttempt(1, v1, OPTION.requirementsV1("http://h/p", "d", null), OPTION, null);
        assertEquals(expected(fromTree), WireJson.mapper().readTree(FacilitatorRequestBody.of(fromTree)));
    }

    @Test
    void aV2BodyIsCompactJsonEveryTime() {
        PaymentAttempt a = PaymentAttempt.ofJson(2, "{}".getBytes(StandardCharsets.UTF_8), OPTION.requirementsV2(),
                OPTION, null);
        String first = new String(FacilitatorRequestBody.of(a), StandardCharsets.UTF_8);
        assertEquals(expected(a).toString(), first);
        assertEquals(first, new String(FacilitatorRequestBody.of(a), StandardCharsets.UTF_8)); // from the cache
    }
}
