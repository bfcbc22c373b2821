package dev.tollgate.core.ledger;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The claims this instance holds, each with a random token written to the store beside it. A release deletes
 * the key only while it still carries this token: a claim that lapsed and was taken again (here or by another
 * instance) is never freed by the first holder's late release. Shared by the store-backed ledgers.
 *
 * <p>One instance may hold a key twice: a slow request's claim lapsed, and another request here claimed the same
 * proof again. A release that names its claim's expiry ({@link #forgetHeld(String, Instant)}, as the gate's do)
 * ends exactly that claim. One that does not ends the oldest claim of the key: its token, which the store no longer
 * holds, deletes nothing while the newer claim is still held, and the last release frees the key; a request that
 * ends first may then leave the key held until the other ends too, never free it under a request still working.
 */
public final class HeldClaims {
    private static final int SWEEP_EVERY = 1024;
    /**
     * A claim whose time is up still stands for a request that will release or settle it, and must keep its place
     * in line; only long after is it taken for a session that never ended.
     */
    private static final Duration FORGOTTEN_AFTER = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A claim this instance holds: the token written beside it, and until when it holds. */
    public record Held(String token, Instant until) {
    }

    /** Per key, its claims here, oldest first. */
    private final ConcurrentHashMap<String, List<Held>> held = new ConcurrentHashMap<>();
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
            Instant old = Instant.now().minus(FORGOTTEN_AFTER);
            for (String k : held.keySet()) {
                held.computeIfPresent(k, (x, claims) -> {
                    List<Held> live = claims.stream().filter(h -> !h.until().isBefore(old)).toList();
                    return live.isEmpty() ? null : live;
                });
            }
        }
        Held h = new Held(token, until);
        held.compute(key, (k, claims) -> {
            if (claims == null) {
                return List.of(h);
            }
            List<Held> more = new ArrayList<>(claims);
            more.add(h);
            return List.copyOf(more);
        });
    }

    /** The token of this instance's oldest claim of {@code key}, forgotten from now on; null if it holds none. */
    public String forget(String key) {
        Held h = forgetHeld(key);
        return h == null ? null : h.token();
    }

    /** This instance's oldest claim of {@code key}, forgotten from now on; null if it holds none. */
    public Held forgetHeld(String key) {
        Held[] oldest = {null};
        held.computeIfPresent(key, (k, claims) -> {
            oldest[0] = claims.get(0);
            return claims.size() == 1 ? null : List.copyOf(claims.subList(1, claims.size()));
        });
        return oldest[0];
    }

    /**
     * This instance's claim of {@code key} made until {@code until}, forgotten from now on; null if it holds none such
     * (ended already, or never made here). A key is claimed again only once its claim has lapsed, so two claims of it
     * never share an expiry: a request that names its own claim ends exactly it, whatever order the requests holding
     * the key end in, and a second end of the same claim finds nothing.
     */
    public Held forgetHeld(String key, Instant until) {
        Held[] found = {null};
        held.computeIfPresent(key, (k, claims) -> {
            List<Held> rest = new ArrayList<>(claims.size());
            for (Held h : claims) {
                if (found[0] == null && h.until().equals(until)) {
                    found[0] = h;
                } else {
                    rest.add(h);
                }
            }
            return rest.isEmpty() ? null : List.copyOf(rest);
        });
        return found[0];
    }

    /** Claims held, a key held twice counting twice. */
    public int size() {
        return held.values().stream().mapToInt(List::size).sum();
    }
}
