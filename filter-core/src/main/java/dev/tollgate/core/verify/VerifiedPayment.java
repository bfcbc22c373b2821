package dev.tollgate.core.verify;

/**
 * A payment as a proof-API facilitator reported it on {@code /verify}. {@code amount} is a decimal amount of
 * the network's stablecoin ("1.00"), exactly as sent; the gate, not the facilitator, decides whether it pays
 * the route.
 *
 * @param transactionId the facilitator's id of the payment; with the network, its single-use key
 * @param timestamp     Unix seconds, or null when absent or not a number; the gate refuses an undated payment as a
 *                      malfunction, since its age tells whether it could have been used and forgotten
 * @param recipient     whom the facilitator says was paid, or null when it names no one (the dialect's documented
 *                      answer does not); the gate refuses a payment to anyone but the option's payTo
 */
public record VerifiedPayment(String transactionId, String amount, String network, Long timestamp,
                              String status, String recipient) {
    /** A payment whose facilitator named no recipient. */
    public VerifiedPayment(String transactionId, String amount, String network, Long timestamp, String status) {
        this(transactionId, amount, network, timestamp, status, null);
    }
}
