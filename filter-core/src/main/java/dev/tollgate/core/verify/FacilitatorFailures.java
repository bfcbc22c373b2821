package dev.tollgate.core.verify;

import java.time.Duration;

/**
 * The wording both facilitator clients use for a call that got no answer, and the one distinction the retry
 * policy needs from it: a transport failure before any answer (refused or reset connection, typically a
 * stale pooled connection) may be retried once; a timeout or an HTTP 429/5xx answer never is, since
 * repeating it would only double the wait or ignore the facilitator's {@code Retry-After}.
 */
final class FacilitatorFailures {
    private static final String UNREACHABLE = " unreachable: ";

    private FacilitatorFailures() {
    }

    static String unreachable(String what, Throwable cause) {
        // Same wording as HttpFacilitatorClient; FacilitatorResilienceTest pins both.
        return "facilitator " + what + UNREACHABLE + cause.getClass().getSimpleName();
    }

    static String timedOut(String what, Duration timeout) {
        return "facilitator " + what + " timed out after " + timeout;
    }

    static boolean isTransportFailure(VerifyOutcome outcome) {
        return outcome instanceof VerifyOutcome.Unavailable u && u.detail() != null
                && u.detail().contains(UNREACHABLE);
    }
}
