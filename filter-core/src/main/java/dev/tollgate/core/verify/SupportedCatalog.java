package dev.tollgate.core.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the facilitator says it supports ({@code GET {base}/supported}), fetched on demand and cached; once
 * older than {@code refresh} the cached answer is still served while a fresh one is fetched in the
 * background (on a short-lived daemon thread: no caller waits on it).
 *
 * <p>Both dialects' answers are read: the x402 form {@code {kinds:[{x402Version, scheme, network}]}} and the
 * proof-API form {@code {networks:["base", ...]}} (entries may also be objects with {@code network} or
 * {@code name}). A facilitator without {@code /supported} (404, 405, 501) is "not offered", not an error.
 * The fetch is idempotent, so a transport failure is retried once.
 */
public final class SupportedCatalog implements AutoCloseable {
    /**
     * One facilitator's answer. {@code offered} false: it has no {@code /supported}; nothing is known.
     * {@code versionedKinds}: the kinds that name their {@code x402Version}, as "version scheme network".
     */
    public record Supported(boolean offered, Set<String> kinds, Set<String> networks, Set<String> versionedKinds) {
        public Supported {
            kinds = Set.copyOf(kinds);
            networks = Set.copyOf(networks);
            versionedKinds = Set.copyOf(versionedKinds);
        }

        public Supported(boolean offered, Set<String> kinds, Set<String> networks) {
            this(offered, kinds, networks, Set.of());
        }

        /**
         * Whether x402 {@code version}'s payers of {@code scheme} on the network named either way are served: true
         * unless the facilitator lists that kind only under versions of its own (a kind listed without a version, or
         * a bare network list, says nothing about generations).
         */
        public boolean supportsVersion(int version, String scheme, String... networkNames) {
            String s = scheme.toLowerCase(Locale.ROOT);
            boolean versioned = false;
            for (String n : networkNames) {
                String kind = s + " " + n.toLowerCase(Locale.ROOT);
                if (versionedKinds.contains(version + " " + kind)) {
                    return true;
                }
                for (String v : versionedKinds) {
                    versioned |= v.substring(v.indexOf(' ') + 1).equals(kind); // "version scheme network"
                }
            }
            return !versioned;
        }

        /** Whether {@code scheme} on the network named either way is listed (a bare network list: any scheme). */
        public boolean supports(String scheme, String... networkNames) {
            if (!offered) {
                return true;
            }
            for (String n : networkNames) {
                String key = n.toLowerCase(Locale.ROOT);
                if (kinds.contains(scheme.toLowerCase(Locale.ROOT) + " " + key) || networks.contains(key)) {
                    return true;
                }
            }
            return false;
        }

        /** For messages: everything listed, as "scheme network" or "network". */
        public Set<String> listed() {
            Set<String> all = new LinkedHashSet<>(kinds);
            all.addAll(networks);
            return all;
        }
    }

    private final FacilitatorHttp http;
    private final boolean ownsHttp;
    private final Duration refresh;
    private final Clock clock;
    private final URI uri;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Supported current;
    private volatile Instant fetchedAt;

    /** A catalog with its own (one-connection) transport, closed with it. */
    public SupportedCatalog(FacilitatorSettings settings, Duration refresh, Clock clock) {
        this(new FacilitatorHttp(settings, 1), true, refresh, clock);
    }

    /** A catalog over the facilitator client's transport, which its owner closes. */
    public SupportedCatalog(FacilitatorHttp http, Duration refresh, Clock clock) {
        this(http, false, refresh, clock);
    }

    private SupportedCatalog(FacilitatorHttp http, boolean ownsHttp, Duration refresh, Clock clock) {
        this.http = http;
        this.ownsHttp = ownsHttp;
        this.refresh = refresh;
        this.clock = clock;
        this.uri = http.uri("/supported");
    }

    /** The cached answer, if any was had; starts a background refresh when it is stale. */
    public Optional<Supported> cached() {
        Supported s = current;
        if (s != null && !clock.instant().isBefore(fetchedAt.plus(refresh)) && refreshing.compareAndSet(false, true)) {
            Thread refresher = new Thread(() -> {
                try {
                    FacilitatorHttp.Result r = http.get(uri, "/supported");
                    if (r instanceof FacilitatorHttp.Answer a) {
                        store(parse(a));
                    }
                } catch (IOException ignored) {
                    // keep serving the previous answer; the next stale read tries again
                } finally {
                    refreshing.set(false);
                }
            }, "tollgate-supported-refresh");
            refresher.setDaemon(true);
            refresher.start();
        }
        return Optional.ofNullable(s);
    }

    /** Asks now (one retry after a transport failure) and caches the answer. */
    public Supported fetch() throws IOException {
        FacilitatorHttp.NoAnswer last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            FacilitatorHttp.Result r = http.get(uri, "/supported");
            if (r instanceof FacilitatorHttp.NoAnswer n) {
                // A refused or reset connection is worth one more try (the request is idempotent); a timeout,
                // an oversized answer or a closed client is not.
                last = n;
                if (n.failure() == FacilitatorHttp.Failure.UNREACHABLE) {
                    continue;
                }
                break;
            }
            Supported s = parse((FacilitatorHttp.Answer) r);
            store(s);
            return s;
        }
        throw new IOException(last.detail());
    }

    private void store(Supported s) {
        current = s;
        fetchedAt = clock.instant();
    }

    /** Releases the transport if this catalog made it. */
    @Override
    public void close() {
        if (ownsHttp) {
            http.close();
        }
    }

    static Supported parse(FacilitatorHttp.Answer r) throws IOException {
        int status = r.status();
        if (status == 404 || status == 405 || status == 501) {
            return new Supported(false, Set.of(), Set.of());
        }
        if (status != 200) {
            throw new IOException("facilitator /supported answered HTTP " + status);
        }
        JsonNode json;
        try {
            json = WireJson.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new IOException("facilitator /supported answered malformed JSON");
        }
        if (json == null || !json.isObject() || !(json.path("kinds").isArray() || json.path("networks").isArray())) {
            throw new IOException("facilitator /supported answer has neither kinds nor networks");
        }
        Set<String> kinds = new LinkedHashSet<>();
        Set<String> versionedKinds = new LinkedHashSet<>();
        json.path("kinds").forEach(k -> {
            if (k.path("scheme").isTextual() && k.path("network").isTextual()) {
                String kind = k.get("scheme").asText().toLowerCase(Locale.ROOT) + " "
                        + k.get("network").asText().toLowerCase(Locale.ROOT);
                kinds.add(kind);
                if (k.path("x402Version").isInt()) {
                    versionedKinds.add(k.get("x402Version").intValue() + " " + kind);
                }
            }
        });
        Set<String> networks = new LinkedHashSet<>();
        json.path("networks").forEach(n -> {
            String name = n.isTextual() ? n.asText() : n.path("network").asText(n.path("name").asText(""));
            if (!name.isBlank()) {
                networks.add(name.toLowerCase(Locale.ROOT));
            }
        });
        return new Supported(true, kinds, networks, versionedKinds);
    }
}
