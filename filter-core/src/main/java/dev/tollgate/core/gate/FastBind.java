package dev.tollgate.core.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.wire.ExactEvmPayload;
import dev.tollgate.core.wire.PaymentPayloadV2;
import dev.tollgate.core.wire.PaymentRequirements;
import dev.tollgate.core.wire.ResourceInfo;

/**
 * Reads the two records every paid request needs straight from the parsed tree, for proofs of the usual
 * shape: every field the exact type Jackson would bind without coercion. For anything else it answers null
 * and the caller binds with Jackson, so odd input gets exactly Jackson's result or error. The records are
 * equal to Jackson's (JSON subtrees are shared rather than copied). Jackson's tree-to-record binding was
 * about a fifth of the gate's time on the paid path.
 */
final class FastBind {
    private FastBind() {
    }

    static PaymentPayloadV2 paymentPayloadV2(JsonNode tree) {
        JsonNode accepted = tree.get("accepted");
        JsonNode payload = tree.get("payload");
        JsonNode resource = tree.get("resource");
        JsonNode version = tree.get("x402Version");
        if (accepted == null || !accepted.isObject() || payload == null || !payload.isObject()
                || version == null || !version.isInt()) {
            return null;
        }
        PaymentRequirements requirements = requirements(accepted);
        if (requirements == null) {
            return null;
        }
        ResourceInfo info = null;
        if (resource != null && !resource.isNull()) {
            if (!resource.isObject()) {
                return null;
            }
            String[] r = texts(resource, "url", "description", "mimeType");
            if (r == null) {
                return null;
            }
            info = new ResourceInfo(r[0], r[1], r[2]);
        }
        JsonNode extensions = tree.get("extensions");
        if (extensions != null && !extensions.isObject()) {
            return null; // Jackson's handling of null and scalars for a JsonNode field is its own business
        }
        return new PaymentPayloadV2(version.intValue(), info, requirements, payload, extensions);
    }

    private static PaymentRequirements requirements(JsonNode accepted) {
        String[] t = texts(accepted, "scheme", "network", "amount", "asset", "payTo");
        JsonNode timeout = accepted.get("maxTimeoutSeconds");
        JsonNode extra = accepted.get("extra");
        if (t == null || timeout == null || !timeout.isInt() || (extra != null && !extra.isObject())) {
            return null;
        }
        return new PaymentRequirements(t[0], t[1], t[2], t[3], t[4], timeout.intValue(), extra);
    }

    static ExactEvmPayload exactEvmPayload(JsonNode payload) {
        JsonNode signature = payload.get("signature");
        JsonNode a = payload.get("authorization");
        if (signature == null || !signature.isTextual() || a == null || !a.isObject()) {
            return null;
        }
        String[] t = texts(a, "from", "to", "value", "validAfter", "validBefore", "nonce");
        if (t == null) {
            return null;
        }
        return new ExactEvmPayload(signature.textValue(),
                new ExactEvmPayload.Authorization(t[0], t[1], t[2], t[3], t[4], t[5]));
    }

    /** The fields' strings (null where absent or JSON null), or null if any is something else. */
    private static String[] texts(JsonNode object, String... names) {
        String[] out = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            JsonNode v = object.get(names[i]);
            if (v == null || v.isNull()) {
                continue;
            }
            if (!v.isTextual()) {
                return null;
            }
            out[i] = v.textValue();
        }
        return out;
    }
}
