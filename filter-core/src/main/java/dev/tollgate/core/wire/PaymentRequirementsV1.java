package dev.tollgate.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** x402 v1 {@code accepts[]} entry: what a client must pay for one resource. Amounts are atomic units as decimal strings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PaymentRequirementsV1(
        String scheme,
        String network,
        String maxAmountRequired,
        String resource,
        String description,
        String mimeType,
        JsonNode outputSchema,
        String payTo,
        int maxTimeoutSeconds,
        String asset,
        JsonNode extra) {
}
