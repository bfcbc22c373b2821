package dev.tollgate.core.verify;

/**
 * A payment as a proof-API facilitator reported it on {@code /verify}. {@code amount} is a decimal amount of
 * the network's stablecoin ("1.00"), exactly as sent; the gate, not the facilitator, decides whether it pays
 * the route.
 *
 * @param transactionId the facilitator's id of the payment; with the network, its single-use key
 * @param timestamp     Unix seconds, or null when absent or not a number; the gate refuses an undated payment as a
 *                      malfunction, since its age tells whether it could have been used and forgotten
 */
public record VerifiedPayment(String transactionId, String amount, String network, Long timestamp,
                              String status) {
}
