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
        Digest d = Digest.of(key);
        boolean claimed = claims.claim(d.high, d.low, millisUp(until), clock.millis());
        return claimed ? ClaimResult.CLAIMED : ClaimResult.DUPLICATE;
    }

    @Override
    public void settled(String key, Instant until) {
        Digest d = Digest.of(key);
        claims.settled(d.high, d.low, millisUp(until), clock.millis());
    }

    @Override
    public void release(String key) {
        Digest d = Digest.of(key);
        claims.release(d.high, d.low);
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
     * The key's 128-bit SHA-256 prefix. A paid request claims and then settles (or releases) the very same key
     * string on the same thread, so each thread remembers its last one: the second digest is free.
     */
    private static final class Digest {
        private static final ThreadLocal<Digest> LAST = new ThreadLocal<>();
        private final String key;
        final long high;
        final long low;

        private Digest(String key, long high, long low) {
            this.key = key;
            this.high = high;
            this.low = low;
        }

        static Digest of(String key) {
            Digest last = LAST.get();
            if (last != null && last.key == key) { // the same instance: its content cannot differ
                return last;
            }
            byte[] d = Sha256.of(key.getBytes(StandardCharsets.UTF_8));
            Digest made = new Digest(key, word(d, 0), word(d, 8));
            LAST.set(made);
            return made;
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
