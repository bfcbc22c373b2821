package dev.tollgate.core.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.wire.ExactEvmPayload;

/**
 * A decoded proof matched to the option it pays for: what verifiers and settlers are asked about.
 *
 * @param x402Version   1 or 2
 * @param paymentPayload the proof exactly as the client sent it (forwarded to facilitators untouched)
 * @param requirements  the server's own requirement the proof was matched to ({@code PaymentRequirementsV1}
 *                      or {@code PaymentRequirements}), never the client's copy
 * @param option        the configured option behind {@code requirements}
 * @param evm           the EVM exact payload when the scheme has one, else null
 */
public record PaymentAttempt(
        int x402Version,
        JsonNode paymentPayload,
        Object requirements,
        PaymentOption option,
        ExactEvmPayload evm) {
}
