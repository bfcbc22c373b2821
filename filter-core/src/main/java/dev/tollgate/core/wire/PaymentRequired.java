package dev.tollgate.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The x402 v2 challenge, carried base64-encoded in the {@code PAYMENT-REQUIRED} header. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PaymentRequired(
        int x402Version,
        String error,
        ResourceInfo resource,
        List<PaymentRequirements> accepts,
        JsonNode extensions) {
}
