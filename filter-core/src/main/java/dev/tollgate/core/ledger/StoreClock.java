package dev.tollgate.core.ledger;

import java.time.Duration;
import java.time.Instant;

/**
 * A shared store judges a claim's expiry by its own clock (Redis {@code PXAT}, PostgreSQL {@code now()}), while the
 * gate reckons proofs and the claims' instants by this instance's. With the two more than a minute apart, a claim can
 * lapse while its proof still verifies here, and every copy of that proof then wins a claim. Nothing else would show
 * it before a replay did, so a store reads its clock when it connects and a skew beyond {@link #TOLERATED_SKEW} is
 * logged as a warning.
 */
public final class StoreClock {
    /** Half of the minute of slack a claim is given past its proof's {@code validBefore}. */
    public static final Duration TOLERATED_SKEW = Duration.ofSeconds(30);

    private static final System.Logger LOG = System.getLogger("dev.tollgate.ledger");

    private StoreClock() {
    }

    /**
     * Compares the store's time with this instance's and warns when they are too far apart.
     *
     * @param store      names the store in the warning (host and port, never credentials)
     * @param storeNow   the store's time, read by a request sent at {@code sentAt} and answered at {@code answeredAt}
     *                   (both by this instance's clock)
     * @return how far the store's clock is ahead of this instance's (negative: behind), beyond what the round trip
     *         leaves uncertain; zero when within it
     */
    public static Duration check(String store, Instant storeNow, Instant sentAt, Instant answeredAt) {
        // The store read its clock at some moment of the round trip: only what lies outside it is the clocks' own.
        Duration skew = Duration.ZERO;
        if (storeNow.isBefore(sentAt)) {
            skew = Duration.between(sentAt, storeNow);
        } else if (storeNow.isAfter(answeredAt)) {
            skew = Duration.between(answeredAt, storeNow);
        }
        if (skew.abs().compareTo(TOLERATED_SKEW) > 0) {
            LOG.log(System.Logger.Level.WARNING, "the clock of the replay ledger''s store {0} is {1} s {2} this "
                            + "instance''s. The store expires claims by its clock and the gate judges proofs by this one, so "
                            + "beyond a minute apart a used proof can be admitted again: synchronise the clocks (NTP)",
                    store, skew.abs().toSeconds(), skew.isNegative() ? "behind" : "ahead of");
        }
        return skew;
    }
}
