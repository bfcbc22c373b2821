package dev.tollgate.core.config;

import dev.tollgate.core.verify.FacilitatorDialect;
import dev.tollgate.core.verify.FacilitatorPolicy;
import dev.tollgate.core.verify.FacilitatorSettings;
import dev.tollgate.core.verify.ProofApiClient;
import java.time.Duration;
import java.util.Locale;

/** Reads the {@code facilitator.*} settings beyond URL, headers and timeouts into a {@link FacilitatorPolicy}. */
final class FacilitatorPolicySettings {
    private FacilitatorPolicySettings() {
    }

    static FacilitatorPolicy read(Settings s) {
        FacilitatorPolicy d = FacilitatorPolicy.DEFAULTS;
        FacilitatorDialect dialect = s.get("facilitator.dialect").map(v -> FacilitatorDialect.of(v)
                .orElseThrow(() -> new ConfigurationException("facilitator.dialect",
                        "must be \"x402\" or \"proof-api\", was \"" + v + "\""))).orElse(d.dialect());
        Duration ttl = s.get("facilitator.cache.ttl").map(v -> v.strip().equals("0") || v.strip().equalsIgnoreCase("off")
                ? Duration.ZERO : Settings.duration("facilitator.cache.ttl", v)).orElse(d.cacheTtl());
        return new FacilitatorPolicy(dialect, ttl,
                positive(s, "facilitator.cache.maxEntries", d.cacheMaxEntries()),
                concurrentCalls(s, d.maxConcurrentCalls()),
                bool(s, "facilitator.retryVerify", d.retryVerify()),
                positive(s, "facilitator.circuit.failureThreshold", d.circuitFailureThreshold()),
                s.get("facilitator.circuit.openDuration")
                        .map(v -> Settings.duration("facilitator.circuit.openDuration", v)).orElse(d.circuitOpenDuration()),
                bool(s, "facilitator.supported.check", d.checkSupported()),
                s.get("facilitator.supported.refresh")
                        .map(v -> Settings.duration("facilitator.supported.refresh", v)).orElse(d.supportedRefresh()),
                bool(s, "facilitator.proofApi.settle", d.proofApiSettle()));
    }

    /** The proof-API dialect's advised 5 s request timeout, unless one was configured. */
    static FacilitatorSettings adjust(Settings s, FacilitatorSettings f, FacilitatorPolicy policy) {
        if (f == null || policy.dialect() != FacilitatorDialect.PROOF_API || s.get("facilitator.requestTimeout").isPresent()) {
            return f;
        }
        return new FacilitatorSettings(f.baseUrl(), f.headers(), f.connectTimeout(),
                ProofApiClient.DEFAULT_REQUEST_TIMEOUT, f.maxResponseBytes());
    }

    private static int positive(Settings s, String key, int fallback) {
        return s.get(key).map(v -> Settings.positiveInt(key, v)).orElse(fallback);
    }

    /** One pooled connection per call: a bound keeps a typo of a few digits from being a pool of billions. */
    static final int MAX_CONCURRENT_CALLS = 10_000;

    private static int concurrentCalls(Settings s, int fallback) {
        String key = "facilitator.maxConcurrentCalls";
        int calls = positive(s, key, fallback);
        if (calls > MAX_CONCURRENT_CALLS) {
            throw new ConfigurationException(key, "must be at most " + MAX_CONCURRENT_CALLS + ", was \"" + calls + "\"");
        }
        return calls;
    }

    private static boolean bool(Settings s, String key, boolean fallback) {
        return s.get(key).map(v -> switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigurationException(key, "must be true or false, was \"" + v + "\"");
        }).orElse(fallback);
    }
}
