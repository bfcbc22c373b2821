package dev.tollgate.core.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the facilitator says it supports ({@code GET {base}/supported}), fetched on demand and cached; once
 * older than {@code refresh} the cached answer is still served while a fresh one is fetched in the
 * background (by the HTTP client's own threads: no thread of ours waits on it).
 *
 * <p>Both dialects' answers are read: the x402 form {@code {kinds:[{x402Version, scheme, network}]}} and the
 * proof-API form {@code {networks:["base", ...]}} (entries may also be objects with {@code network} or
 * {@code name}). A facilitator without {@code /supported} (404, 405, 501) is "not offered", not an error.
 * The fetch is idempotent, so a transport failure is retried once.
 */
public final class SupportedCatalog {
    /** One facilitator's answer. {@code offered} false: it has no {@code /supported}; nothing is known. */
    public record Supported(boolean offered, Set<String> kinds, Set<String> networks) {
        public Supported {
            kinds = Set.copyOf(kinds);
            networks = Set.copyOf(networks);
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

    private final FacilitatorSettings settings;
    private final Duration refresh;
    private final Clock clock;
    private final HttpClient http;
    private final URI uri;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Supported current;
    private volatile Instant fetchedAt;

    public SupportedCatalog(FacilitatorSettings settings, Duration refresh, Clock clock) {
        this.settings = settings;
        this.refresh = refresh;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // Plain HTTP/1.1, like HttpFacilitatorClient: no h2c upgrade attempt on cleartext calls.
                .version(HttpClient.Version.HTTP_1_1).build();
        this.uri = URI.create(settings.baseUrl().toString().replaceAll("/+$", "") + "/supported");
    }

    /** The cached answer, if any was had; starts a background refresh when it is stale. */
    public Optional<Supported> cached() {
        Supported s = current;
        if (s != null && !clock.instant().isBefore(fetchedAt.plus(refresh)) && refreshing.compareAndSet(false, true)) {
            send().whenComplete((r, e) -> {
                try {
                    if (e == null) {
                        store(parse(r));
                    }
                } catch (IOException ignored) {
                    // keep serving the previous answer; the next stale read tries again
                } finally {
                    refreshing.set(false);
                }
            });
        }
        return Optional.ofNullable(s);
    }

    /** Asks now (one retry after a transport failure) and caches the answer. */
    public Supported fetch() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            HttpResponse<byte[]> r;
            try {
                r = send().get(settings.requestTimeout().toMillis() + 100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IOException("facilitator /supported timed out after " + settings.requestTimeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while calling facilitator /supported");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof java.net.http.HttpTimeoutException) {
                    throw new IOException("facilitator /supported timed out after " + settings.requestTimeout());
                }
                last = new IOException(FacilitatorFailures.unreachable("/supported", cause));
                continue;
            }
            Supported s = parse(r);
            store(s);
            return s;
        }
        throw last;
    }

    private void store(Supported s) {
        current = s;
        fetchedAt = clock.instant();
    }

    private CompletableFuture<HttpResponse<byte[]>> send() {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(settings.requestTimeout())
                .header("Accept", "application/json");
        settings.headers().forEach(b::header);
        return http.sendAsync(b.build(), BoundedBody.handler(settings.maxResponseBytes()));
    }

    static Supported parse(HttpResponse<byte[]> r) throws IOException {
        int status = r.statusCode();
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
        json.path("kinds").forEach(k -> {
            if (k.path("scheme").isTextual() && k.path("network").isTextual()) {
                kinds.add(k.get("scheme").asText().toLowerCase(Locale.ROOT) + " "
                        + k.get("network").asText().toLowerCase(Locale.ROOT));
            }
        });
        Set<String> networks = new LinkedHashSet<>();
        json.path("networks").forEach(n -> {
            String name = n.isTextual() ? n.asText() : n.path("network").asText(n.path("name").asText(""));
            if (!name.isBlank()) {
                networks.add(name.toLowerCase(Locale.ROOT));
            }
        });
        return new Supported(true, kinds, networks);
    }
}
