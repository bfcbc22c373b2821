package dev.tollgate.core.gate;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an adapter answers in place of a paid handler's response that it cannot deliver (it overflowed the buffer,
 * failed to render, timed out), once the session has ended. Nothing was charged, unless the route settled before
 * its handler ran: then the payer is told so and given the settlement's receipt, since the charge stands.
 */
public final class UndeliveredAnswer {
    private UndeliveredAnswer() {
    }

    /**
     * @param why   what went wrong, a JSON-safe phrase such as "the response exceeded the configured bufferLimit"
     * @param ended what ending the session returned ({@code complete} with an error status)
     */
    public static HttpAnswer of(int status, String why, Completion ended) {
        Map<String, String> headers = new LinkedHashMap<>();
        String error;
        if (ended instanceof Completion.Deliver settled && !settled.headers().isEmpty()) {
            headers.putAll(settled.headers());
            error = why + " after the payment was settled; its receipt is in the PAYMENT-RESPONSE header";
        } else {
            error = why + "; nothing was charged";
        }
        headers.put("Cache-Control", "no-store");
        return new HttpAnswer(status, headers, "application/json",
                ("{\"error\":\"" + error + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}
