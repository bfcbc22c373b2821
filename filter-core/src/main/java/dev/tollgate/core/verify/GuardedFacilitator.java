package dev.tollgate.core.verify;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What every facilitator call goes through, whatever the dialect: a circuit breaker that fails fast while
 * the facilitator is down, a bound on concurrent calls, and at most one retry of {@code /verify} after a
 * transport failure (when enabled). {@code /settle} is never retried after a failure: it moves money (only an
 * answer that it is pending is asked again, by {@link HttpFacilitatorClient#settle}, within the same permit).
 *
 * <p>The bound is a semaphore in front of the connection pool ({@link FacilitatorHttp}, sized to this bound
 * plus one when Tollgate wires them), not the pool itself: a call that cannot get a permit within
 * {@code permitWait} is answered "unavailable" at once (503 + Retry-After), without touching the circuit,
 * where waiting for a pooled connection would spend the call's whole deadline.
 *
 * <p>{@code /verify} calls may hold the permits less a quarter of them, rounded down (so all of them when the
 * bound is below four): the rest are kept for {@code /settle}. Anyone can send proofs that make Tollgate ask {@code /verify}; a flood of
 * them must not keep requests that were verified and served from settling.
 */
public final class GuardedFacilitator implements PaymentVerifier, PaymentSettler {
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 32;
    public static final Duration DEFAULT_PERMIT_WAIT = Duration.ofSeconds(1);

    private final PaymentVerifier verifier;
    private final PaymentSettler settler;
    private final CircuitBreaker circuit;
    private final Semaphore permits;
    /** What /verify calls may hold of {@link #permits}; the rest is kept for /settle. */
    private final Semaphore verifyPermits;
    private final int maxConcurrentCalls;
    private final int maxConcurrentVerifications;
    private final Duration permitWait;
    private final boolean retryVerify;

    public GuardedFacilitator(PaymentVerifier verifier, PaymentSettler settler, CircuitBreaker circuit,
                              int maxConcurrentCalls, Duration permitWait, boolean retryVerify) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.settler = Objects.requireNonNull(settler, "settler");
        this.circuit = Objects.requireNonNull(circuit, "circuit");
        if (maxConcurrentCalls < 1) {
            throw new IllegalArgumentException("maxConcurrentCalls must be at least 1");
        }
        this.maxConcurrentCalls = maxConcurrentCalls;
        this.permits = new Semaphore(maxConcurrentCalls, true);
        this.maxConcurrentVerifications = Math.max(1, maxConcurrentCalls - maxConcurrentCalls / 4);
        this.verifyPermits = new Semaphore(maxConcurrentVerifications, true);
        this.permitWait = Objects.requireNonNull(permitWait, "permitWait");
        this.retryVerify = retryVerify;
    }

    public CircuitBreaker circuit() {
        return circuit;
    }

    @Override
    public VerifyOutcome verify(PaymentAttempt attempt) {
        VerifyOutcome first = verifyOnce(attempt);
        if (retryVerify && FacilitatorFailures.isTransportFailure(first)) {
            return verifyOnce(attempt);
        }
        return first;
    }

    private VerifyOutcome verifyOnce(PaymentAttempt attempt) {
        return guarded(verifyPermits, () -> verifier.verify(attempt),
                o -> o instanceof VerifyOutcome.Unavailable u && u.facilitatorDown(), VerifyOutcome.Unavailable::new);
    }

    @Override
    public SettleOutcome settle(PaymentAttempt attempt) {
        return guarded(null, () -> settler.settle(attempt),
                o -> o instanceof SettleOutcome.Unavailable u && u.facilitatorDown(), SettleOutcome.Unavailable::new);
    }

    /** {@code share}: a second semaphore the call must also get a permit of (null: none). */
    private <T> T guarded(Semaphore share, Supplier<T> call, Predicate<T> unavailable,
                          BiFunction<Duration, String, T> refused) {
        Optional<Duration> open = circuit.refuse();
        if (open.isPresent()) {
            return refused.apply(open.get(), "facilitator circuit open: failing fast after repeated failures");
        }
        long deadline = System.nanoTime() + permitWait.toNanos();
        boolean shared = share == null || acquire(share, deadline);
        boolean permitted = shared && acquire(permits, deadline);
        if (!permitted) {
            if (shared && share != null) {
                share.release();
            }
            circuit.abandoned();
            return refused.apply(Duration.ofSeconds(1), share == null || shared
                    ? "too many concurrent facilitator calls (limit " + maxConcurrentCalls + ")"
                    : "too many concurrent facilitator verifications (limit " + maxConcurrentVerifications
                            + "; the rest of " + maxConcurrentCalls + " are kept for settlements)");
        }
        T outcome;
        try {
            outcome = call.get();
        } catch (RuntimeException e) {
            circuit.abandoned();
            throw e;
        } finally {
            permits.release();
            if (share != null) {
                share.release();
            }
        }
        if (unavailable.test(outcome)) {
            circuit.failed();
        } else {
            circuit.succeeded();
        }
        return outcome;
    }

    private static boolean acquire(Semaphore semaphore, long deadline) {
        try {
            return semaphore.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
