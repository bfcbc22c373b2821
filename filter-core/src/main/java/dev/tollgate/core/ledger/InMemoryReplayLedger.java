package dev.tollgate.core.ledger;

import dev.tollgate.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

/**
 * The single-instance ledger. Expired entries are swept by the claims themselves, so memory stays bounded by
 * the number of proofs still inside their validity window. Behind a load balancer use a shared ledger.
 *
 * <p>Sized for a million live claims: an entry holds a 128-bit SHA-256 prefix of its key, not the key itself
 * (gate keys are about 170 characters; one of the bits marks a settled entry, which a release leaves alone), and
 * its expiry in epoch milliseconds, rounded up. Two keys with the same prefix can only make the later one a
 * duplicate, never admit a proof twice; finding such a pair takes about 2^63 hashes. The entries live in a {@link ClaimTable}, three longs each in open-addressed arrays, not
 * in a map of objects: at a million entries a map's claim chased table slot, node, key and boxed expiry, a
 * cache miss each, and the collector had three million objects to trace, which made claims 2.5 times slower
 * than in an empty ledger. Sweeps go a segment at a time, after as many claims as a quarter of its slots and
 * before it would grow, so their cost per claim stays constant however large the ledger grows.
 */
public final class InMemoryReplayLedger implements ReplayLedger {
    private final ClaimTable claims = new ClaimTable();
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
        long[] d = Digest.of(key);
        boolean claimed = claims.claim(d[0], d[1], millisUp(until), clock.millis());
        return claimed ? ClaimResult.CLAIMED : ClaimResult.DUPLICATE;
    }

    @Override
    public void settled(String key, Instant until) {
        long[] d = Digest.of(key);
        claims.settled(d[0], d[1], millisUp(until), clock.millis());
    }

    @Override
    public void release(String key) {
        long[] d = Digest.of(key);
        claims.release(d[0], d[1]);
    }

    /**
     * Frees the key only while it holds the claim that was made until {@code claimedUntil}. An entry keeps no holder,
     * but its expiry tells the claims of a key apart: a claim is taken again only once the one before has lapsed, so
     * the later claim always ends later than the lapsed one, and a late release of the lapsed one finds another
     * expiry and leaves it alone. No state is added to the entries.
     */
    @Override
    public void release(String key, Instant claimedUntil) {
        long[] d = Digest.of(key);
        claims.release(d[0], d[1], millisUp(claimedUntil));
    }

    @Override
    public InMemoryPaymentIdentifierStore paymentIdentifiers() {
        return identifiers;
    }

    /** Drops entries whose time is up. */
    public void sweep() {
        claims.sweep(clock.millis());
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

    /**
     * The key's 128-bit SHA-256 prefix, as {high, low}. A paid request claims and then settles (or releases) the very
     * same key string on the same thread, so each thread remembers its last one: the second digest is free.
     */
    private static final class Digest {
        /**
         * {key, words}: JDK types only. A container's request threads outlive the web application, and a value of a
         * class of this library left in their thread-local maps would keep the application's class loader, and all
         * it loaded, alive after every undeploy.
         */
        private static final ThreadLocal<Object[]> LAST = new ThreadLocal<>();

        private Digest() {
        }

        static long[] of(String key) {
            Object[] last = LAST.get();
            if (last == null) {
                last = new Object[2];
                LAST.set(last);
            } else if (last[0] == key) { // the same instance: its content cannot differ
                return (long[]) last[1];
            }
            byte[] d = Sha256.of(key.getBytes(StandardCharsets.UTF_8));
            long[] words = {word(d, 0), word(d, 8)};
            last[0] = key;
            last[1] = words;
            return words;
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
