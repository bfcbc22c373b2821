package dev.tollgate.core.ledger;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The single-instance ledger. Expired entries are swept every so many claims, so memory stays bounded by
 * the number of proofs still inside their validity window. Behind a load balancer use a shared ledger.
 */
public final class InMemoryReplayLedger implements ReplayLedger {
    private static final int SWEEP_EVERY = 1024;

    private final ConcurrentHashMap<String, Instant> claims = new ConcurrentHashMap<>();
    private final AtomicInteger sinceSweep = new AtomicInteger();
    private final Clock clock;
    private final InMemoryPaymentIdentifierStore identifiers;

    public InMemoryReplayLedger() {
        this(Clock.systemUTC());
    }

    public InMemoryReplayLedger(Clock clock) {
        this.clock = clock;
        this.identifiers = new InMemoryPaymentIdentifierStore(clock);
    }

    @Override
    public ClaimResult claim(String key, Instant until) {
        if (sinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            sinceSweep.set(0);
            sweep();
        }
        Instant now = clock.instant();
        boolean[] won = {false};
        claims.compute(key, (k, held) -> {
            if (held != null && held.isAfter(now)) {
                return held;
            }
            won[0] = true;
            return until;
        });
        return won[0] ? ClaimResult.CLAIMED : ClaimResult.DUPLICATE;
    }

    @Override
    public void settled(String key, Instant until) {
        claims.merge(key, until, (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public void release(String key) {
        claims.remove(key);
    }

    @Override
    public InMemoryPaymentIdentifierStore paymentIdentifiers() {
        return identifiers;
    }

    /** Drops entries whose time is up. */
    public void sweep() {
        Instant now = clock.instant();
        claims.values().removeIf(until -> !until.isAfter(now));
    }

    public int size() {
        return claims.size();
    }
}
