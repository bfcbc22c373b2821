package dev.tollgate.core.code;

import dev.tollgate.core.ledger.LedgerUnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;

/**
 * A shared intent store with the bound {@link InMemoryCodeIntentStore} has: at most {@code capacity} open
 * intents created by this instance. Intents are remembered before the sequencer is asked and anyone may ask
 * for one, so without it a flood of create-intent requests would fill the ledger's store, which also holds the
 * replay claims. Creations beyond the bound are refused ("try later"); open intents are never dropped.
 */
public final class BoundedCodeIntentStore implements CodeIntentStore {
    private final CodeIntentStore shared;
    private final int capacity;
    private final Clock clock;
    // Expiries of the intents this instance created, oldest first: one lifetime for all keeps them in order.
    private final ArrayDeque<Instant> open = new ArrayDeque<>();

    public BoundedCodeIntentStore(CodeIntentStore shared, int capacity, Clock clock) {
        this.shared = Objects.requireNonNull(shared, "shared");
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public boolean remember(CreatedIntent intent) throws LedgerUnavailableException {
        synchronized (open) {
            Instant now = clock.instant();
            while (!open.isEmpty() && !open.peekFirst().isAfter(now)) {
                open.pollFirst();
            }
            if (open.size() >= capacity) {
                return false;
            }
            // Counted before the store is written, so concurrent creations cannot pass the bound together.
            open.addLast(intent.expiresAt());
        }
        boolean kept = false;
        try {
            kept = shared.remember(intent);
            return kept;
        } finally {
            if (!kept) {
                synchronized (open) {
                    open.removeLastOccurrence(intent.expiresAt());
                }
            }
        }
    }

    @Override
    public Optional<CreatedIntent> find(String intentId) throws LedgerUnavailableException {
        return shared.find(intentId);
    }

    /** Uncounted only once the shared store dropped it: while it is there, it takes room there. */
    @Override
    public void forget(CreatedIntent intent) throws LedgerUnavailableException {
        shared.forget(intent);
        synchronized (open) {
            // Intents with the same expiry are interchangeable here: only how many there are matters.
            open.removeLastOccurrence(intent.expiresAt());
        }
    }

    /** Open intents this instance created. */
    public int openHere() {
        synchronized (open) {
            return open.size();
        }
    }
}
