package dev.tollgate.core.config;

import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.ledger.ReplayLedgerProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The {@code ledger} setting: {@code memory} (the default), the name of a provider found with
 * {@link ServiceLoader} ({@code redis}, {@code jdbc}), or a URL one of them accepts.
 */
final class LedgerSetting {
    static final String KEY = "ledger";
    static final String MEMORY = "memory";

    private LedgerSetting() {
    }

    /** Null for the in-memory ledger, which the Tollgate makes itself. */
    static ReplayLedger create(Settings s, ClassLoader loader) {
        String value = s.get(KEY).orElse(MEMORY);
        if (MEMORY.equalsIgnoreCase(value)) {
            return null;
        }
        List<ReplayLedgerProvider> providers = new ArrayList<>();
        ServiceLoader.load(ReplayLedgerProvider.class, loader).forEach(providers::add);
        boolean url = value.contains(":");
        ReplayLedgerProvider chosen = providers.stream()
                .filter(p -> url ? p.acceptsUrl(value) : p.name().equalsIgnoreCase(value))
                .findFirst()
                .orElseThrow(() -> new ConfigurationException(KEY, "no ledger " + (url ? "accepts the URL" : "is named")
                        + " \"" + value + "\"; available: " + names(providers) + ". A shared ledger is a module of"
                        + " its own: put dev.tollgate:store-redis or dev.tollgate:store-jdbc on the classpath"));
        Map<String, String> settings = new LinkedHashMap<>(s.asMap());
        if (url) {
            if (s.get(KEY + ".url").filter(u -> !u.equals(value)).isPresent()) {
                throw new ConfigurationException(KEY + ".url", "conflicts with the URL given as '" + KEY + "'");
            }
            settings.put(KEY, chosen.name());
            settings.put(KEY + ".url", value);
        }
        try {
            return chosen.create(Map.copyOf(settings));
        } catch (ConfigurationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigurationException(KEY, "the " + chosen.name() + " ledger could not be set up: " + e);
        }
    }

    private static List<String> names(List<ReplayLedgerProvider> providers) {
        List<String> names = new ArrayList<>();
        names.add(MEMORY);
        providers.forEach(p -> names.add(p.name().toLowerCase(Locale.ROOT)));
        return names;
    }
}
