package dev.tollgate.core.evm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the exact-EVM facts out of the x402 JSON a facilitator receives: a payment payload (v1 or v2) and
 * a requirement (v1 {@code maxAmountRequired} or v2 {@code amount}). Anything missing or malformed throws
 * {@link IllegalArgumentException} naming the field; callers answer that as a malformed request.
 */
public final class ExactEvmJson {

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
            throw new IllegalArgumentException("paymentPayload.payload.authorization must be an object");
        }
        String p = "paymentPayload.payload.authorization.";
        // Read before parsing: a missing field already names its whole path, a malformed one gets it below.
        String from = text(a, "from", p);
        String to = text(a, "to", p);
        String value = text(a, "value", p);
        String validAfter = text(a, "validAfter", p);
        String validBefore = text(a, "validBefore", p);
        String nonce = text(a, "nonce", p);
        ExactEvmAuthorization authorization;
        try {
            authorization = ExactEvmAuthorization.parse(from, to, value, validAfter, validBefore, nonce);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(p + e.getMessage(), e);
        }
        JsonNode signature = payload.path("signature");
        return new ExactEvmPayment(scheme, network, authorization, signature.isTextual() ? signature.asText() : null);
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
        JsonNode v = node.path(field);
        if (v.isTextual() || v.isIntegralNumber()) {
            return v.asText();
        }
        throw new IllegalArgumentException(where + field + " is missing or not a string");
    }
}
