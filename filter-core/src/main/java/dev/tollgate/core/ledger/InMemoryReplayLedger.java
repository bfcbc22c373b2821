package dev.tollgate.core.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The single-instance ledger. Expired entries are swept by the claims themselves, so memory stays bounded by
 * the number of proofs still inside their validity window. Behind a load balancer use a shared ledger.
 *
 * <p>Sized for a million live claims: an entry holds a 128-bit SHA-256 prefix of its key, not the key itself
 * (gate keys are about 170 characters), and its expiry in epoch milliseconds, rounded up. Two keys with the
 * same prefix can only make the later one a duplicate, never admit a proof twice; finding such a pair takes
 * about 2^64 hashes. A sweep visits every entry, so it runs after as many claims as half the ledger holds
 * (at least {@value #SWEEP_EVERY}): its cost per claim stays constant however large the ledger grows, and
 * expired entries never take more than about half again the live ones.
 */
public final class InMemoryReplayLedger implements ReplayLedger {
    private static final int SWEEP_EVERY = 1024;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    });

    private final ConcurrentHashMap<Key, Long> claims = new ConcurrentHashMap<>();
    private final AtomicLong sinceSweep = new AtomicLong();
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
        long since = sinceSweep.incrementAndGet();
        if (since >= SWEEP_EVERY && since >= claims.mappingCount() / 2 && sinceSweep.compareAndSet(since, 0)) {
            sweep();
        }
        Key k = Key.of(key);
        Long expiry = millisUp(until);
        long now = clock.millis();
        while (true) {
            Long held = claims.putIfAbsent(k, expiry);
            if (held == null) {
                return ClaimResult.CLAIMED;
            }
            if (held > now) {
                return ClaimResult.DUPLICATE;
            }
            if (claims.replace(k, held, expiry)) {
                return ClaimResult.CLAIMED; // the held claim had expired
            }
        }
    }

    @Override
    public void settled(String key, Instant until) {
        claims.merge(Key.of(key), millisUp(until), Math::max);
    }

    @Override
    public void release(String key) {
        claims.remove(Key.of(key));
    }

    @Override
    public InMemoryPaymentIdentifierStore paymentIdentifiers() {
        return identifiers;
    }

    /** Drops entries whose time is up. */
    public void sweep() {
        long now = clock.millis();
        claims.values().removeIf(until -> until <= now);
    }

    public int size() {
        return claims.size();
    }

    /** Rounded up, so an entry is never held for less than it was asked to be; far futures saturate. */
    private static long millisUp(Instant t) {
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1000L), (t.getNano() + 999_999) / 1_000_000);
        } catch (ArithmeticException e) {
            return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private record Key(long high, long low) {
        static Key of(String key) {
            byte[] d = SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8));
            return new Key(word(d, 0), word(d, 8));
        }

        private static long word(byte[] b, int at) {
            long v = 0;
            for (int i = at; i < at + 8; i++) {
                v = (v << 8) | (b[i] & 0xFF);
            }
            return v;
        }
    }
}
