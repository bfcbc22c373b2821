package dev.tollgate.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A facilitator's answer to {@code POST /settle}, and what the server sends back in
 * {@code PAYMENT-RESPONSE} / {@code X-PAYMENT-RESPONSE}. {@code transaction} is "" on failure, unless the
 * facilitator named one it broadcast (x402's {@code settlement_pending}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SettleResponse(
        boolean success,
        String errorReason,
        String transaction,
        String network,
        String payer) {
    /** x402's errorReason for a settlement broadcast whose receipt the facilitator did not see in time. */
    public static final String SETTLEMENT_PENDING = "settlement_pending";

    public static SettleResponse failure(String errorReason, String network, String payer) {
        return new SettleResponse(false, errorReason, "", network, payer);
    }
}
