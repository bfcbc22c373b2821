package dev.tollgate.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A facilitator's answer to {@code POST /settle}, and what the server sends back in
 * {@code PAYMENT-RESPONSE} / {@code X-PAYMENT-RESPONSE}. {@code transaction} is "" on failure.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SettleResponse(
        boolean success,
        String errorReason,
        String transaction,
        String network,
        String payer) {

    public static SettleResponse failure(String errorReason, String network, String payer) {
        return new SettleResponse(false, errorReason, "", network, payer);
    }
}
