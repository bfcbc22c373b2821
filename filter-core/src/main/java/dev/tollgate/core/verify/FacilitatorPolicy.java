package dev.tollgate.core.verify;

import java.time.Duration;
import java.util.Objects;

/**
 * How Tollgate talks to its facilitator beyond where it is: the dialect, the verification cache, the bounds
 * and the circuit breaker around every call, and the {@code /supported} check. Defaults in {@link #DEFAULTS}.
 *
 * @param cacheTtl             zero disables the verification cache
 * @param retryVerify          retry {@code /verify} once after a transport failure (never {@code /settle})
 * @param checkSupported       compare the routes' networks with the facilitator's {@code /supported}
 * @param proofApiSettle       the proof-API facilitator offers {@code /settle}: call it after the handler
 */
public record FacilitatorPolicy(
        FacilitatorDialect dialect,
        Duration cacheTtl,
        int cacheMaxEntries,
        int maxConcurrentCalls,
        boolean retryVerify,
        int circuitFailureThreshold,
        Duration circuitOpenDuration,
        boolean checkSupported,
        Duration supportedRefresh,
        boolean proofApiSettle) {

    public static final Duration DEFAULT_SUPPORTED_REFRESH = Duration.ofMinutes(10);
    public static final FacilitatorPolicy DEFAULTS = new FacilitatorPolicy(FacilitatorDialect.X402,
            VerificationCache.DEFAULT_TTL, VerificationCache.DEFAULT_MAX_ENTRIES,
            GuardedFacilitator.DEFAULT_MAX_CONCURRENT_CALLS, false, CircuitBreaker.DEFAULT_THRESHOLD,
            CircuitBreaker.DEFAULT_OPEN_DURATION, true, DEFAULT_SUPPORTED_REFRESH, false);

    public FacilitatorPolicy {
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        Objects.requireNonNull(circuitOpenDuration, "circuitOpenDuration");
        Objects.requireNonNull(supportedRefresh, "supportedRefresh");
    }

    public FacilitatorPolicy withDialect(FacilitatorDialect d) {
        return new FacilitatorPolicy(d, cacheTtl, cacheMaxEntries, maxConcurrentCalls, retryVerify,
                circuitFailureThreshold, circuitOpenDuration, checkSupported, supportedRefresh, proofApiSettle);
    }
}
