package dev.tollgate.core.config;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every key Tollgate reads, so that one it does not (a misspelt {@code setlement=before}, a {@code leger=redis} that
 * would leave each instance a replay memory of its own) stops start-up instead of quietly leaving its default in
 * place. A key is known if some configuration reads it, not only this one: a file shared by the servlet filter and
 * the JAX-RS feature, or a {@code ledger.table} kept beside {@code ledger=memory} for another environment, is no
 * mistake.
 */
final class KnownSettings {
    /** What a payment option reads: under {@code accept.<option>.}, under {@code route.<name>.}, and at the top. */
    static final Set<String> OPTION = Set.of("payTo", "network", "price", "amount", "asset", "scheme",
            "maxTimeoutSeconds", "eip712.name", "eip712.version", "assetTransferMethod");
    /** What a route reads besides its options' settings, under {@code route.<name>.}; all but methods at the top too. */
    private static final Set<String> ROUTE_TERMS = Set.of("path", "accepts", "settlement", "description", "mimeType",
            "code.destination", "code.enabled", "code.amount", "code.currency", "code.createIntentUrl");
    /** What is read at the top only. */
    private static final Set<String> TOP_ONLY = Set.of("routes", "maxHeaderBytes", "bufferLimit", "maxClaim", "verify",
            "listener", "facilitator.url", "facilitator.dialect", "facilitator.connectTimeout",
            "facilitator.requestTimeout", "facilitator.authorization", "facilitator.supported.check",
            "facilitator.supported.refresh", "facilitator.retryVerify", "facilitator.proofApi.settle",
            "facilitator.maxConcurrentCalls", "facilitator.circuit.failureThreshold", "facilitator.circuit.openDuration",
            "facilitator.cache.ttl", "facilitator.cache.maxEntries", "ledger", "ledger.url", "ledger.onUnavailable",
            "ledger.retryAfter", "ledger.closeTimeout", "paymentIdentifier", "paymentIdentifier.ttl",
            "code.intentLifetime", "code.maxOpenIntents", "code.sequencerUrl", "code.connectTimeout", "code.requestTimeout");
    static final Set<String> TOP = union(TOP_ONLY, ROUTE_TERMS, OPTION);
    static final Set<String> ROUTE = union(Set.of("methods"), ROUTE_TERMS, OPTION);
    /** What defines a network under {@code network.<name>.}. */
    static final Set<String> NETWORK = Set.of("chainId", "asset", "decimals", "caip2", "eip712.name", "eip712.version");
    /** Any header name may follow it; {@code TollgateConfig} checks the name itself. */
    static final String FACILITATOR_HEADER = "facilitator.header.";
    private static final String LEDGER = "ledger.";
    /**
     * What the JAX-RS feature's application properties put before each key (its {@code PROPERTY_PREFIX}), and
     * nothing else does: a key copied from them into init-params or a file is read by nothing.
     */
    private static final String JAX_RS_PREFIX = "tollgate.";

    /** Keys made of a prefix, a name the user chose, and one of {@code keys}. */
    private record Family(String prefix, Set<String> keys) {
        /** Whether {@code key} is {@code prefix + <name> + "." + k} for a non-empty name and a k of {@link #keys}. */
        boolean holds(String key) {
            if (!key.startsWith(prefix)) {
                return false;
            }
            String rest = key.substring(prefix.length());
            return keys.stream().anyMatch(k -> rest.endsWith("." + k) && rest.length() > k.length() + 1);
        }
    }

    private static final List<Family> FAMILIES = List.of(new Family("route.", ROUTE), new Family("accept.", OPTION),
            new Family("network.", NETWORK));

    private KnownSettings() {
    }

    /**
     * @param ledgerKeys the {@code ledger.*} keys the ledger providers on the class path read; null when one of them
     *                   does not say, which leaves every {@code ledger.*} key unchecked
     * @throws ConfigurationException naming the first key that no configuration reads, with the known key it is
     *                                closest to when one is close
     */
    static void check(Collection<String> keys, Set<String> ledgerKeys) {
        for (String key : keys) {
            if (!known(key, ledgerKeys)) {
                String unprefixed = key.startsWith(JAX_RS_PREFIX) ? key.substring(JAX_RS_PREFIX.length()) : null;
                if (unprefixed != null && known(unprefixed, ledgerKeys)) {
                    throw new ConfigurationException(key, "is no setting Tollgate reads; did you mean '" + unprefixed
                            + "'? Only the JAX-RS feature's application properties carry the prefix '"
                            + JAX_RS_PREFIX + "'; init-params, settings files and maps built in code do not");
                }
                String closest = closest(key, ledgerKeys);
                throw new ConfigurationException(key, (key.startsWith(LEDGER)
                        ? "is read by no ledger on the class path" : "is no setting Tollgate reads")
                        + (closest == null ? "" : "; did you mean '" + closest + "'?")
                        + " (README.md, \"Configuration reference\", lists them)");
            }
        }
    }

    static boolean known(String key, Set<String> ledgerKeys) {
        if (TOP.contains(key)
                || key.startsWith(FACILITATOR_HEADER) && key.length() > FACILITATOR_HEADER.length()) {
            return true;
        }
        if (key.startsWith(LEDGER)) {
            return ledgerKeys == null || ledgerKeys.contains(key);
        }
        return FAMILIES.stream().anyMatch(f -> f.holds(key));
    }

    /** The known key {@code key} most likely meant: the same words in another case, or a slip of a letter or two. */
    static String closest(String key, Set<String> ledgerKeys) {
        for (Family f : FAMILIES) {
            int dot = key.indexOf('.', f.prefix().length());
            if (key.startsWith(f.prefix()) && dot > f.prefix().length()) {
                // The name is the user's own: keep it, and judge only what follows it.
                String best = best(key.substring(dot + 1), f.keys());
                return best == null ? null : key.substring(0, dot + 1) + best;
            }
        }
        return best(key, ledgerKeys == null ? TOP : union(TOP, ledgerKeys));
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> out = new HashSet<>();
        for (Set<String> s : sets) {
            out.addAll(s);
        }
        return Set.copyOf(out);
    }

    private static String best(String typed, Set<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = typed.toLowerCase(Locale.ROOT);
        // In order, so that of two keys equally close the same one is suggested on every start.
        for (String candidate : new TreeSet<>(candidates)) {
            int d = distance(lower, candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // A letter or two off in a long key is a slip; in a short one ("path" for "port") it is another word.
        int allowed = typed.length() < 5 ? 1 : 2;
        return bestDistance <= allowed ? best : null;
    }

    /** Edits (insert, delete, replace, swap of neighbours) between two strings: optimal string alignment. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
