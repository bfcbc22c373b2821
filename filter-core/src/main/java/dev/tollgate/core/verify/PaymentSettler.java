package dev.tollgate.core.verify;

/** Executes a verified payment. Implementations must bound their own time. */
@FunctionalInterface
public interface PaymentSettler {
    SettleOutcome settle(PaymentAttempt attempt);
}
