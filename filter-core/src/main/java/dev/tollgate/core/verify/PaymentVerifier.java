package dev.tollgate.core.verify;

/** Checks a proof against the server's requirement. Implementations must bound their own time. */
@FunctionalInterface
public interface PaymentVerifier {
    VerifyOutcome verify(PaymentAttempt attempt);
}
