package dev.tollgate.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The x402 v1 402 body. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PaymentRequiredV1(int x402Version, String error, List<PaymentRequirementsV1> accepts) {
}
