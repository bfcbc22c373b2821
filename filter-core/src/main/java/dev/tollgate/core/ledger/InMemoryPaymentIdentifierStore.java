package dev.tollgate.core.ledger;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The single-instance payment-identifier store, kept by {@link InMemoryReplayLedger}. Expired entries are
 * swept every so many begins, so memory stays bounded by the ids still inside their time to live.
 */
public final class InMemoryPaymentIdentifierStore implements PaymentIdentifierStore {
    private static final int SWEEP_EVERY = 1024;

    private record Entry(IdentifierRecord record, Instant until) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger sinceSweep = new AtomicInteger();
    private final Clock clock;

    public InMemoryPaymentIdentifierStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public IdentifierRecord begin(String id, String fingerprint, Instant until) {
        if (sinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            sinceSweep.set(0);
            sweep();
        }
        Instant now = clock.instant();
        IdentifierRecord[] existing = {null};
        entries.compute(id, (k, e) -> {
            if (e != null && e.until().isAfter(now)) {
                existing[0] = e.record();
                return e;
            }
            return new Entry(new IdentifierRecord(fingerprint, null), until);
        });
        return existing[0];
    }

    @Override
    public void finish(String id, String fingerprint, String outcome, Instant until) {
        Instant now = clock.instant();
        boolean paid = PaymentIdentifierStore.paid(outcome);
        entries.compute(id, (k, e) -> e == null || !e.until().isAfter(now)
                || e.record().fingerprint().equals(fingerprint)
                        && (paid || !PaymentIdentifierStore.paid(e.record().outcome()))
                ? new Entry(new IdentifierRecord(fingerprint, outcome), until) : e);
    }

    /**
     * Writes over the mark {@code begin(id, fingerprint, markUntil)} set, told by its expiry as in
     * {@link #abandon(String, String, Instant)}, or a free slot; a paid outcome also over any unpaid entry of its
     * fingerprint, since the payload it settled can never be paid for again.
     */
    @Override
    public void finish(String id, String fingerprint, Instant markUntil, String outcome, Instant until) {
        Instant now = clock.instant();
        boolean paid = PaymentIdentifierStore.paid(outcome);
        entries.compute(id, (k, e) -> e == null || !e.until().isAfter(now)
                || e.record().fingerprint().equals(fingerprint) && (paid
                        ? !PaymentIdentifierStore.paid(e.record().outcome())
                        : e.record().inProgress() && e.until().equals(markUntil))
                ? new Entry(new IdentifierRecord(fingerprint, outcome), until) : e);
    }

    @Override
    public void abandon(String id, String fingerprint) {
        entries.computeIfPresent(id, (k, e) -> e.record().inProgress() && e.record().fingerprint().equals(fingerprint)
                ? null : e);
    }

    /**
     * Frees the mark only while it is still the one {@code begin(id, fingerprint, until)} set. The expiry is the
     * mark's token, so an entry gains nothing: an id is taken again only once its mark has lapsed, so a later mark
     * always ends later than the one before it.
     */
    @Override
    public void abandon(String id, String fingerprint, Instant until) {
        entries.computeIfPresent(id, (k, e) -> e.record().inProgress() && e.record().fingerprint().equals(fingerprint)
                && e.until().equals(until) ? null : e);
    }

    /** Drops entries whose time is up. */
    public void sweep() {
        Instant now = clock.instant();
        entries.values().removeIf(e -> !e.until().isAfter(now));
    }

    public int size() {
        return entries.size();
    }
}
