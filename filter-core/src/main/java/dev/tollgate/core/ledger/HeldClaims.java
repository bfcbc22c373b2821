package dev.tollgate.core.ledger;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The claims this instance holds, each with a random token written to the store beside it. A release deletes
 * the key only while it still carries this token: a claim that lapsed and was taken again (here or by another
 * instance) is never freed by the first holder's late release. Shared by the store-backed ledgers.
 */
public final class HeldClaims {
    private static final int SWEEP_EVERY = 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A claim this instance holds: the token written beside it, and until when it holds. */
    public record Held(String token, Instant until) {
    }

    private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();
    private final AtomicInteger sinceSweep = new AtomicInteger();

    public static String newToken() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public void remember(String key, String token, Instant until) {
        if (sinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            sinceSweep.set(0);
            // A session that never ended must not pin memory beyond its claim's life.
            Instant now = Instant.now();
            held.values().removeIf(h -> h.until().isBefore(now));
        }
        held.put(key, new Held(token, until));
    }

    /** The token of this instance's claim of {@code key}, forgotten from now on; null if it holds none. */
    public String forget(String key) {
        Held h = held.remove(key);
        return h == null ? null : h.token();
    }

    /** This instance's claim of {@code key}, forgotten from now on; null if it holds none. */
    public Held forgetHeld(String key) {
        return held.remove(key);
    }

    public int size() {
        return held.size();
    }
}
