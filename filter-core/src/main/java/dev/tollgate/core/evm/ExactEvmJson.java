package dev.tollgate.core.evm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.wire.ExactEvmPayload;

/**
 * Reads the exact-EVM facts out of the x402 JSON a facilitator receives: a payment payload (v1 or v2) and
 * a requirement (v1 {@code maxAmountRequired} or v2 {@code amount}). Anything missing or malformed throws
 * {@link IllegalArgumentException} naming the field; callers answer that as a malformed request.
 */
public final class ExactEvmJson {

    private static final String AUTHORIZATION = "paymentPayload.payload.authorization";

    private ExactEvmJson() {
    }

    /**
     * The payment as the client stated it. A v2 payload names its scheme and network in {@code accepted}, a v1
     * payload at the top level; the signature and authorization are in {@code payload} for both.
     */
    public static ExactEvmPayment payment(JsonNode paymentPayload) {
        if (paymentPayload == null || !paymentPayload.isObject()) {
            throw new IllegalArgumentException("paymentPayload must be an object");
        }
        JsonNode stated = paymentPayload.path("x402Version").asInt() >= 2
                ? paymentPayload.path("accepted") : paymentPayload;
        String where = stated == paymentPayload ? "paymentPayload." : "paymentPayload.accepted.";
        String scheme = text(stated, "scheme", where);
        String network = text(stated, "network", where);
        JsonNode payload = paymentPayload.path("payload");
        JsonNode a = payload.path("authorization");
        if (!a.isObject()) {
            throw new IllegalArgumentException(AUTHORIZATION + " must be an object");
        }
        JsonNode signature = payload.path("signature");
        return new ExactEvmPayment(scheme, network, authorization(textOrNull(a, "from"), textOrNull(a, "to"),
                textOrNull(a, "value"), textOrNull(a, "validAfter"), textOrNull(a, "validBefore"),
                textOrNull(a, "nonce")), signature.isTextual() ? signature.asText() : null);
    }

    /**
     * The payment from a payload already read (the gate's reading of a proof), under the scheme and network the
     * proof states; what is missing or malformed is refused as {@link #payment(JsonNode)} refuses it.
     */
    public static ExactEvmPayment payment(String scheme, String network, ExactEvmPayload payload) {
        ExactEvmPayload.Authorization a = payload.authorization();
        if (a == null) {
            throw new IllegalArgumentException(AUTHORIZATION + " must be an object");
        }
        return new ExactEvmPayment(scheme, network,
                authorization(a.from(), a.to(), a.value(), a.validAfter(), a.validBefore(), a.nonce()),
                payload.signature());
    }

    /** The authorization from its fields as text, null where a field is missing; refusals name the field's path. */
    private static ExactEvmAuthorization authorization(String from, String to, String value, String validAfter,
                                                       String validBefore, String nonce) {
        String p = AUTHORIZATION + ".";
        // Checked before parsing: a missing field is named with its whole path here, a malformed one below.
        present(from, p, "from");
        present(to, p, "to");
        present(value, p, "value");
        present(validAfter, p, "validAfter");
        present(validBefore, p, "validBefore");
        present(nonce, p, "nonce");
        try {
            return ExactEvmAuthorization.parse(from, to, value, validAfter, validBefore, nonce);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(p + e.getMessage(), e);
        }
    }

    /**
     * The requirement, under the chain id the caller resolved for its network. {@code extra.name} and
     * {@code extra.version} may be absent: the verifier reports that as its own check, in the reference order.
     */
    public static ExactEvmRequirement requirement(JsonNode requirements, long chainId) {
        if (requirements == null || !requirements.isObject()) {
            throw new IllegalArgumentException("paymentRequirements must be an object");
        }
        String r = "paymentRequirements.";
        String amountField = requirements.has("amount") ? "amount" : "maxAmountRequired";
        JsonNode extra = requirements.path("extra");
        try {
            return new ExactEvmRequirement(
                    text(requirements, "scheme", r),
                    text(requirements, "network", r),
                    chainId,
                    EvmAddress.parse(text(requirements, "asset", r)),
                    extra.path("name").isTextual() ? extra.path("name").asText() : null,
                    extra.path("version").isTextual() ? extra.path("version").asText() : null,
                    EvmAddress.parse(text(requirements, "payTo", r)),
                    Uint256.parse(amountField, text(requirements, amountField, r)));
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(r) ? e
                    : new IllegalArgumentException(r + e.getMessage(), e);
        }
    }

    /** A string field; integers sent as JSON numbers are accepted too, as some clients send them. */
    private static String text(JsonNode node, String field, String where) {
        return present(textOrNull(node, field), where, field);
    }

    /** {@link #text}, or null when the field is missing or neither a string nor an integer. */
    private static String textOrNull(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() || v.isIntegralNumber() ? v.asText() : null;
    }

    private static String present(String value, String where, String field) {
        if (value == null) {
            throw new IllegalArgumentException(where + field + " is missing or not a string");
        }
        return value;
    }
}
