package dev.tollgate.core.gate;

import java.time.Duration;
import java.util.Objects;

/**
 * What a paid request gets while the replay ledger's store cannot be reached (settings
 * {@code ledger.onUnavailable} and {@code ledger.retryAfter}).
 *
 * @param failOpen   false (the default, {@code closed}): 503 with {@code Retry-After}, never content. true
 *                   ({@code open}): DANGEROUS — the request is verified and admitted without replay protection,
 *                   so one proof can be admitted by several requests and instances; only the facilitator's
 *                   settlement (the token's on-chain nonce check) still refuses a second payment with it, and
 *                   with {@code settlement=after} the handler has run by then
 * @param retryAfter the {@code Retry-After} of the 503 when closed
 */
public record LedgerFailurePolicy(boolean failOpen, Duration retryAfter) {
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(2);
    public static final LedgerFailurePolicy CLOSED = new LedgerFailurePolicy(false, DEFAULT_RETRY_AFTER);

    public LedgerFailurePolicy {
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retryAfter must be positive");
        }
    }
}
