package dev.tollgate.core.event;

import dev.tollgate.core.gate.PaymentReceipt;
import java.time.Duration;

/**
 * Observes every step a payment goes through; logging and metrics are built on this, the gate logs nothing
 * itself. Methods are called on the request thread and must be quick; what one throws is logged (once per kind of
 * event) and changes nothing the gate decides.
 */
public interface PaymentListener {
    PaymentListener NONE = new PaymentListener() {
    };

    /** A 402 was answered; {@code reason} is null when no proof was sent. */
    default void challenged(String path, String reason) {
    }

    /** A verifier answered; {@code outcome} is the simple name of the outcome type (Valid, Invalid, ...). */
    default void verified(String path, String outcome, String reason, Duration latency) {
    }

    default void admitted(String path, PaymentReceipt receipt) {
    }

    default void settled(String path, PaymentReceipt receipt, boolean success, String detail, Duration latency) {
    }

    /**
     * A retry under an x402 v2 payment identifier of a payment already settled was admitted without verifying or
     * settling again; {@code receipt} names the original transaction.
     */
    default void retried(String path, PaymentReceipt receipt) {
    }

    /**
     * The replay ledger's store could not be reached. {@code admitted}: {@code ledger.onUnavailable=open}, so the
     * request goes on WITHOUT replay protection; otherwise it gets 503.
     */
    default void ledgerUnavailable(String path, boolean admitted, String detail) {
    }

    /**
     * The gate refused the request with neither content nor a challenge (409, 500, 502, 503). Nothing was charged
     * for it: a payment settled whose answer then failed is reported as {@link #undelivered} only.
     */
    default void rejected(String path, int status, String reason) {
    }

    /**
     * A payment was settled (a facilitator's {@code /settle}, or a Code intent marked used) and the answer paid for
     * did not reach the payer: the handler failed after a settlement before it ran ({@code settlement=before}; not
     * also reported as {@link #rejected}), or writing the settled answer failed (a JAX-RS {@code WriterInterceptor} or
     * {@code MessageBodyWriter}, the client gone, the container). The operator may owe a refund: {@code receipt}
     * names the network, asset, amount, payer and transaction; {@code cause} says what failed. Reported at most once
     * per payment, and never for a payment that was not settled.
     */
    default void undelivered(String path, PaymentReceipt receipt, String cause) {
    }
}
