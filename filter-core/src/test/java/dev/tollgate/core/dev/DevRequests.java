package dev.tollgate.core.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.pricing.Network;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.wire.HeaderCodec;
import dev.tollgate.core.wire.MalformedPaymentException;
import dev.tollgate.core.wire.WireJson;
import java.math.BigInteger;
import java.time.Instant;

/** Facilitator request bodies around real proofs from the test kit, as a resource server would send them. */
final class DevRequests {
    static final Instant NOW = Instant.parse("2026-01-15T12:00:00Z");
    static final Network BASE_SEPOLIA = NetworkRegistry.defaults().find("base-sepolia").orElseThrow();
    static final PaymentOption OPTION = new PaymentOption("exact", BASE_SEPOLIA, BigInteger.valueOf(10_000),
            Proofs.BASE_SEPOLIA_USDC, Proofs.PAY_TO, 60, "USDC", "2");

    private DevRequests() {
    }

    static ObjectNode v1(String xPaymentHeader) {
        return request(1, decode(xPaymentHeader),
                WireJson.mapper().valueToTree(OPTION.requirementsV1("http://localhost/premium/report", "report", null)));
    }

    static ObjectNode v2(String paymentSignatureHeader) {
        return request(2, decode(paymentSignatureHeader), WireJson.mapper().valueToTree(OPTION.requirementsV2()));
    }

    static ObjectNode request(int version, JsonNode payload, JsonNode requirements) {
        ObjectNode r = WireJson.mapper().createObjectNode().put("x402Version", version);
        r.set("paymentPayload", payload);
        r.set("paymentRequirements", requirements);
        return r;
    }

    static JsonNode decode(String header) {
        try {
            return new HeaderCodec().decodeTree("proof", header);
        } catch (MalformedPaymentException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode authorization(ObjectNode request) {
        return (ObjectNode) request.path("paymentPayload").path("payload").path("authorization");
    }
}
