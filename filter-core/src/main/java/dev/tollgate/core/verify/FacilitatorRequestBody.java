package dev.tollgate.core.verify;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The JSON body of {@code POST /verify} and {@code /settle}: a {@link dev.tollgate.core.wire.FacilitatorRequest}
 * with the client's proof as the client's own bytes (the gate has read them through, so they are one JSON
 * object) rather than a tree parsed and written again, and the requirement's JSON from {@link RequirementsJson}:
 * two facilitator calls per paid request each spent more on these serializations than on the rest of the call's
 * preparation.
 */
final class FacilitatorRequestBody {
    private FacilitatorRequestBody() {
    }

    static byte[] of(PaymentAttempt attempt) {
        byte[] payload = attempt.payloadJsonShared();
        byte[] requirements = RequirementsJson.of(attempt.requirements());
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + requirements.length + 64);
        out.writeBytes(("{\"x402Version\":" + attempt.x402Version() + ",\"paymentPayload\":")
                .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        out.writeBytes(",\"paymentRequirements\":".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(requirements);
        out.write('}');
        return out.toByteArray();
    }
}
