package dev.tollgate.core.gate;

/** When a verified payment is settled relative to running the paid handler. */
public enum SettlementMode {
    /** Run the handler on a buffered response, then settle; a failed settlement discards the content. */
    AFTER,
    /**
     * Settle first, then run the handler: for handlers whose work is too costly to risk unpaid. A Code payment
     * is final when confirmed, so it is treated as {@link #AFTER}: marked used once the handler succeeded.
     */
    BEFORE
}
