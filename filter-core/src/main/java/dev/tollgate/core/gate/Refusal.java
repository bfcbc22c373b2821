package dev.tollgate.core.gate;

/** A proof the gate will not take, with the reason the client gets in its 402. */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    Refusal(String reason) {
        super(reason, null, false, false);
    }
}
