package dev.tollgate.core.code;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Created intents in this process's memory, at most {@code capacity} of them. When full, expired entries are
 * dropped; if none has expired, new intents are refused rather than evicting open ones: an evicted intent
 * that its payer then pays could never be redeemed, so refusing new sales is the lesser harm.
 */
public final class InMemoryCodeIntentStore implements CodeIntentStore {
    public static final int DEFAULT_CAPACITY = 10_000;

    private final int capacity;
    private final Clock clock;
    // Insertion order is creation order; with one lifetime for all intents that is also expiry order.
    private final LinkedHashMap<String, CreatedIntent> intents = new LinkedHashMap<>();

    public InMemoryCodeIntentStore(int capacity, Clock clock) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.clock = clock;
    }

    public InMemoryCodeIntentStore() {
        this(DEFAULT_CAPACITY, Clock.systemUTC());
    }

    @Override
    public synchronized boolean remember(CreatedIntent intent) {
        Instant now = clock.instant();
        if (intents.size() >= capacity && !intents.containsKey(intent.id())) {
            sweep(now);
            if (intents.size() >= capacity) {
                return false;
            }
        }
        intents.put(intent.id(), intent);
        return true;
    }

    @Override
    public synchronized Optional<CreatedIntent> find(String intentId) {
        CreatedIntent intent = intents.get(intentId);
        if (intent == null) {
            return Optional.empty();
        }
        if (!intent.expiresAt().isAfter(clock.instant())) {
            intents.remove(intentId);
            return Optional.empty();
        }
        return Optional.of(intent);
    }

    @Override
    public synchronized void forget(CreatedIntent intent) {
        intents.remove(intent.id());
    }

    public synchronized int size() {
        return intents.size();
    }

    private void sweep(Instant now) {
        for (Iterator<Map.Entry<String, CreatedIntent>> it = intents.entrySet().iterator(); it.hasNext(); ) {
            if (!it.next().getValue().expiresAt().isAfter(now)) {
                it.remove();
            }
        }
    }
}
