package dev.tollgate.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** x402 v1 proof from the {@code X-PAYMENT} header. The scheme-specific {@code payload} stays a JSON tree. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PaymentPayloadV1(int x402Version, String scheme, String network, JsonNode payload) {
}
