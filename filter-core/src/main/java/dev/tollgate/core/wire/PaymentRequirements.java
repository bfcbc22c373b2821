package dev.tollgate.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** x402 v2 {@code accepts[]} entry; a v2 client copies the one it chose into {@code accepted}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PaymentRequirements(
        String scheme,
        String network,
        String amount,
        String asset,
        String payTo,
        int maxTimeoutSeconds,
        JsonNode extra) {
}
