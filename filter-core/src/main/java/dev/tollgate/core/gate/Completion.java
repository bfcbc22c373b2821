package dev.tollgate.core.gate;

import java.util.Map;

/** What to do with the buffered handler response once the payment has been dealt with. */
public sealed interface Completion {
    /**
     * Request attribute (or JAX-RS request property) under which an adapter keeps the {@link Deliver} of a settled
     * payment once its session ended, so that an error answered in place of the paid answer, after the settlement,
     * can still carry the receipt.
     */
    String SETTLED_ATTRIBUTE = Completion.class.getName() + ".settled";

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
