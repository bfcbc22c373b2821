package dev.tollgate.core.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tollgate.core.wire.PaymentRequirements;
import dev.tollgate.core.wire.WireJson;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A requirement's JSON, as facilitators get it and as the verification cache keys on it. A v2 requirement is one
 * per configured option and is written once; a v1 requirement names the request's URL, so it is written each time.
 * Requirements are always the server's own, so the same one always gives the same bytes.
 */
final class RequirementsJson {
    /** One per configured option; the bound only guards against misuse. */
    private static final int MAX_CACHED = 1024;
    private static final ConcurrentHashMap<PaymentRequirements, byte[]> V2 = new ConcurrentHashMap<>();

    private RequirementsJson() {
    }

    /** The JSON bytes; callers must not change the array (it may be shared). */
    static byte[] of(Object requirements) {
        if (requirements instanceof PaymentRequirements v2) {
            byte[] cached = V2.get(v2);
            if (cached == null) {
                cached = write(v2);
                if (V2.size() < MAX_CACHED) {
                    V2.putIfAbsent(v2, cached);
                }
            }
            return cached;
        }
        return write(requirements);
    }

    private static byte[] write(Object value) {
        try {
            return WireJson.mapper().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize payment requirements", e);
        }
    }
}
