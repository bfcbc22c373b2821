package dev.tollgate.core.gate;

import java.util.Map;

/** What to do with the buffered handler response once the payment has been dealt with. */
public sealed interface Completion {

    /**
     * Send the handler's response, adding these headers (the settlement result, or none).
     * {@code transaction} is the settlement's transaction, or null when nothing was settled.
     */
    record Deliver(Map<String, String> headers, String transaction) implements Completion {
        public Deliver {
            headers = Map.copyOf(headers);
        }
    }

    /** Discard the handler's response and send this one instead (settlement failed or impossible). */
    record Withhold(HttpAnswer answer, String reason) implements Completion {
    }
}
