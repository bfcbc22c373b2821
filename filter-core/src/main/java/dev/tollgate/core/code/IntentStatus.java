package dev.tollgate.core.code;

/**
 * What the sequencer knows about an intent. Only {@code intentSubmitted} means money moved; a scanned code
 * may still be abandoned in the wallet.
 */
public record IntentStatus(String intentId, boolean exists, boolean codeScanned, boolean intentSubmitted) {

    public enum State { PENDING, CONFIRMED }

    /** Confirmed iff the payment was submitted, as in the SDK's {@code getStatus}. */
    public State state() {
        return intentSubmitted ? State.CONFIRMED : State.PENDING;
    }

    public boolean isConfirmed() {
        return state() == State.CONFIRMED;
    }
}
