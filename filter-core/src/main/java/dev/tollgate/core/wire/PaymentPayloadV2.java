package dev.tollgate.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** x402 v2 proof from the {@code PAYMENT-SIGNATURE} header. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PaymentPayloadV2(
        int x402Version,
        ResourceInfo resource,
        PaymentRequirements accepted,
        JsonNode payload,
        JsonNode extensions) {
}
