package dev.tollgate.core.verify;

import java.util.Locale;
import java.util.Optional;

/**
 * The refusal codes of the proof-API facilitator dialect, each with the x402-style reason Tollgate uses for
 * it (what the v2 header's {@code error} and the listener see) and the description the 402 body's
 * {@code details} carries. Reasons Tollgate finds itself map onto the same codes where they mean the same.
 */
public enum ProofApiCode {
    PAYMENT_NOT_FOUND("payment_not_found", "Payment proof not recognized"),
    INSUFFICIENT_AMOUNT("insufficient_amount", "Payment amount too low"),
    EXPIRED("payment_expired", "Payment authorization expired"),
    INVALID_NETWORK("invalid_network", "Network not supported"),
    ALREADY_USED("payment_already_used", "Payment already redeemed"),
    /** Tollgate's own: the verified amount is not the route's price (more than asked is refused too). */
    AMOUNT_MISMATCH("payment_amount_mismatch", "Payment amount differs from the price"),
    /** Tollgate's own: the facilitator named another recipient than the route's payTo. */
    RECIPIENT_MISMATCH("payment_recipient_mismatch", "Payment made to another recipient"),
    /** Anything else: a malformed proof, a proof for other terms, an unknown facilitator code. */
    INVALID_PAYMENT("invalid_payment", "Payment refused");

    private final String reason;
    private final String description;

    ProofApiCode(String reason, String description) {
        this.reason = reason;
        this.description = description;
    }

    public String reason() {
        return reason;
    }

    public String description() {
        return description;
    }

    /** A facilitator's code, case-insensitively; empty for a code this dialect does not define. */
    public static Optional<ProofApiCode> ofCode(String code) {
        if (code == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(code.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The code for a refusal reason; reasons with no code of their own are {@link #INVALID_PAYMENT}. */
    public static ProofApiCode ofReason(String reason) {
        if (reason != null) {
            for (ProofApiCode c : values()) {
                if (reason.equals(c.reason) || reason.startsWith(c.reason + ":")) {
                    return c;
                }
            }
        }
        return INVALID_PAYMENT;
    }
}
