package dev.tollgate.core.gate;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether the gate takes part in the x402 v2 {@code payment-identifier} extension (setting
 * {@code paymentIdentifier}), and how long a finished request's outcome answers retries
 * ({@code paymentIdentifier.ttl}).
 */
public record PaymentIdentifierPolicy(Mode mode, Duration ttl) {
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    public static final PaymentIdentifierPolicy OFF = new PaymentIdentifierPolicy(Mode.OFF, DEFAULT_TTL);

    public enum Mode {
        /** Not advertised; an identifier a client sends anyway is ignored. */
        OFF,
        /** Advertised with {@code required: false}; proofs with an identifier get idempotent retries. */
        OPTIONAL,
        /** Advertised with {@code required: true}; a v2 proof without an identifier is refused. */
        REQUIRED
    }

    public PaymentIdentifierPolicy {
        Objects.requireNonNull(mode, "mode");
        if (ttl == null || ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
    }

    public boolean enabled() {
        return mode != Mode.OFF;
    }
}
