package dev.tollgate.sample;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How often {@code POST /create-intent} may ask Code's sequencer for an intent: a token bucket per client address
 * and one for all clients together, each refilled continuously at its rate per minute and holding at most one
 * minute's worth (the burst). A caller past either waits for the next token, told how long.
 *
 * <p>Written here rather than taken from Bucket4j: the sample needs two buckets and a bounded map of them, which is
 * about as much code as wiring the library would be, and Bucket4j keeps no bounded map of per-key buckets itself
 * (that would be Caffeine as well), so the library would add two dependencies to the war for this one endpoint.
 */
final class CreateIntentLimiter {
    /** Client addresses remembered at once; past it the least recently seen is forgotten (the total bound holds). */
    static final int MAX_CLIENTS = 10_000;
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final int perClient;
    private final LongSupplier nanoTime;
    private final Bucket all;
    private final Map<String, Bucket> clients = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    /** What {@link #acquire} decided: {@code retryAfterSeconds} is 0 when the request may go ahead. */
    record Decision(long retryAfterSeconds, boolean clientsOwnLimit) {
        boolean allowed() {
            return retryAfterSeconds == 0;
        }
    }

    CreateIntentLimiter(int perClientPerMinute, int totalPerMinute, LongSupplier nanoTime) {
        this.perClient = perClientPerMinute;
        this.nanoTime = nanoTime;
        this.all = new Bucket(totalPerMinute, nanoTime.getAsLong());
    }

    /**
     * Takes a token for {@code remoteAddress} and one from the total, or neither. A sequencer call is made for
     * each success, so one lock around two arithmetic updates costs nothing beside it.
     */
    synchronized Decision acquire(String remoteAddress) {
        long now = nanoTime.getAsLong();
        Bucket own = clients.computeIfAbsent(clientKey(remoteAddress), k -> new Bucket(perClient, now));
        long ownWait = own.waitNanos(now);
        if (ownWait > 0) {
            return new Decision(seconds(ownWait), true);
        }
        long allWait = all.waitNanos(now);
        if (allWait > 0) {
            return new Decision(seconds(allWait), false);
        }
        own.take();
        all.take();
        return new Decision(0, false);
    }

    /**
     * The address a limit is kept for. An IPv6 client is counted by its /64: one host or home network is handed a
     * whole /64, and counted by full address it would have 2^64 fresh buckets.
     */
    static String clientKey(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.isBlank()) {
            return "";
        }
        String literal = remoteAddress.startsWith("[") && remoteAddress.endsWith("]")
                ? remoteAddress.substring(1, remoteAddress.length() - 1) : remoteAddress;
        if (!literal.contains(":")) {
            return literal;
        }
        try {
            // A literal with a colon is parsed, never looked up; a mapped IPv4 address comes back as IPv4.
            InetAddress address = InetAddress.getByName(literal);
            if (address instanceof Inet6Address) {
                byte[] bytes = address.getAddress();
                return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
            }
            return address.getHostAddress();
        } catch (UnknownHostException e) {
            return literal;
        }
    }

    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** Up to {@code perMinute} tokens, one more every minute / perMinute. */
    private static final class Bucket {
        private final int perMinute;
        private double tokens;
        private long updated;

        Bucket(int perMinute, long now) {
            this.perMinute = perMinute;
            this.tokens = perMinute;
            this.updated = now;
        }

        /** 0 if a token is here now, else how long until one is. */
        long waitNanos(long now) {
            tokens = Math.min(perMinute, tokens + (double) (now - updated) * perMinute / MINUTE_NANOS);
            updated = now;
            return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * MINUTE_NANOS / perMinute);
        }

        void take() {
            tokens -= 1;
        }
    }
}
