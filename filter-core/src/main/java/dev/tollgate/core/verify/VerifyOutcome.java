package dev.tollgate.core.verify;

import java.time.Duration;

/** What a verifier concluded, or why it could not. */
public sealed interface VerifyOutcome {

    /**
     * The proof pays. {@code payment} is what a facilitator that reports the payment itself (the proof-API
     * dialect) said about it, for the gate to check against the route's terms; null when it reports nothing.
     * {@code detail} is what the verifier could not vouch for, null when nothing: a local verifier says here
     * that balance and nonce state on chain were not checked, so settlement may still fail.
     */
    record Valid(String payer, VerifiedPayment payment, String detail) implements VerifyOutcome {
        public Valid(String payer, VerifiedPayment payment) {
            this(payer, payment, null);
        }

        public Valid(String payer) {
            this(payer, null, null);
        }
    }

    /** The proof is refused; {@code reason} is a protocol reason string a client can act on. */
    record Invalid(String reason, String message) implements VerifyOutcome {
    }

    /**
     * The verifier could not be asked (down, slow, rate-limited): try again later. {@code facilitatorDown} says whether
     * this speaks of the facilitator as a whole (no answer, or 408, 429, 502, 503, 504), which opens the circuit after a
     * run of them; an answer such as a 500 may concern only the proof sent, and does not.
     */
    record Unavailable(Duration retryAfter, String detail, boolean facilitatorDown) implements VerifyOutcome {
        public Unavailable(Duration retryAfter, String detail) {
            this(retryAfter, detail, true);
        }
    }

    /** The verifier answered something that is not a valid answer. */
    record Malfunction(String detail) implements VerifyOutcome {
    }
}
