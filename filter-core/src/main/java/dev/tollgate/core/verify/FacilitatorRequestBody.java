package dev.tollgate.core.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tollgate.core.wire.FacilitatorRequest;
import dev.tollgate.core.wire.PaymentRequirements;
import dev.tollgate.core.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON body of {@code POST /verify} and {@code /settle}: a {@link FacilitatorRequest} with the client's proof
 * as the client's own bytes (the gate has read them through, so they are one JSON object) rather than a tree
 * parsed and written again, and a v2 requirement's JSON written once per option: two facilitator calls per paid
 * request each spent more on these serializations than on the rest of the call's preparation.
 */
final class FacilitatorRequestBody {
    /** Requirements are the server's own, one per configured option; the bound only guards against misuse. */
    private static final int MAX_CACHED = 1024;
    private static final ConcurrentHashMap<PaymentRequirements, byte[]> REQUIREMENTS = new ConcurrentHashMap<>();

    private FacilitatorRequestBody() {
    }

    static byte[] of(PaymentAttempt attempt) {
        byte[] payload = attempt.paymentPayloadJson();
        byte[] requirements = requirements(attempt.requirements());
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + requirements.length + 64);
        out.writeBytes(("{\"x402Version\":" + attempt.x402Version() + ",\"paymentPayload\":")
                .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        out.writeBytes(",\"paymentRequirements\":".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(requirements);
        out.write('}');
        return out.toByteArray();
    }

    private static byte[] requirements(Object requirements) {
        if (requirements instanceof PaymentRequirements v2) {
            byte[] cached = REQUIREMENTS.get(v2);
            if (cached == null) {
                cached = json(v2);
                if (REQUIREMENTS.size() < MAX_CACHED) {
                    REQUIREMENTS.putIfAbsent(v2, cached);
                }
            }
            return cached;
        }
        return json(requirements); // v1 requirements name the request's URL: not worth keeping
    }

    private static byte[] json(Object value) {
        try {
            return WireJson.mapper().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize facilitator request", e);
        }
    }
}
