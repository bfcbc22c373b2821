package dev.tollgate.core.verify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Stops calling a facilitator that keeps failing to answer. CLOSED: calls pass, and {@code threshold}
 * consecutive unavailability failures open it. OPEN: calls fail fast until {@code openDuration} has passed.
 * HALF_OPEN: one probe call passes (others still fail fast); its success closes the circuit, its failure
 * opens it again for another {@code openDuration}. Only "no answer" counts as failure: a facilitator that
 * answers, even "invalid" or nonsense, is up.
 */
public final class CircuitBreaker {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    public static final int DEFAULT_THRESHOLD = 5;
    public static final Duration DEFAULT_OPEN_DURATION = Duration.ofSeconds(30);

    private final int threshold;
    private final Duration openDuration;
    private final Clock clock;
    private State state = State.CLOSED;
    private int failures;
    private Instant openUntil = Instant.MIN;
    private boolean probing;

    public CircuitBreaker(int threshold, Duration openDuration, Clock clock) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1");
        }
        this.threshold = threshold;
        this.openDuration = Objects.requireNonNull(openDuration, "openDuration");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Asks to make a call. Empty when the call may go ahead (then report it with {@link #succeeded} or
     * {@link #failed}, or {@link #abandoned} when it was not made after all); otherwise how long until the
     * circuit will let a probe through.
     */
    public synchronized java.util.Optional<Duration> refuse() {
        if (state == State.CLOSED) {
            return java.util.Optional.empty();
        }
        Instant now = clock.instant();
        if (state == State.OPEN && !now.isBefore(openUntil)) {
            state = State.HALF_OPEN;
        }
        if (state == State.HALF_OPEN && !probing) {
            probing = true;
            return java.util.Optional.empty();
        }
        Duration wait = Duration.between(now, openUntil);
        return java.util.Optional.of(wait.isNegative() || wait.isZero() ? Duration.ofSeconds(1) : wait);
    }

    public synchronized void succeeded() {
        state = State.CLOSED;
        failures = 0;
        probing = false;
    }

    public synchronized void failed() {
        failures++;
        if (state == State.HALF_OPEN || failures >= threshold) {
            state = State.OPEN;
            openUntil = clock.instant().plus(openDuration);
            probing = false;
        }
    }

    /** A permitted call was not made (no local capacity): a half-open probe slot is given back. */
    public synchronized void abandoned() {
        probing = false;
    }

    public synchronized State state() {
        if (state == State.OPEN && !clock.instant().isBefore(openUntil)) {
            return State.HALF_OPEN;
        }
        return state;
    }
}
