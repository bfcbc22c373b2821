package dev.tollgate.core.config;

import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.ledger.ReplayLedgerProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ledger} setting: {@code memory} (the default), the name of a provider found with
 * {@link ServiceLoader} ({@code redis}, {@code jdbc}), or a URL one of them accepts.
 */
final class LedgerSetting {
    static final String KEY = "ledger";
    static final String MEMORY = "memory";
    /** "redis:", "jdbc:postgresql:", "jdbc:oracle:thin:": the words before the host, user or path. */
    private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*:)+");

    private LedgerSetting() {
    }

    /** Null for the in-memory ledger, which the Tollgate makes itself. */
    static ReplayLedger create(Settings s, ClassLoader loader) {
        if (s.get(KEY).isEmpty() && s.get(KEY + ".url").isPresent()) {
            // The URL of a shared store, and yet the default in-memory ledger: each instance would admit a proof
            // once of its own. ledger=memory said on purpose keeps a URL meant for another environment.
            throw new ConfigurationException(KEY, "is not set, though " + KEY + ".url is: set ledger=redis or"
                    + " ledger=jdbc to use that store (or ledger=memory for this instance's own memory)");
        }
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
                .orElseThrow(() -> new ConfigurationException(KEY, "no ledger "
                        + (url ? "accepts URLs starting \"" + scheme(value) + "\"" : "is named \"" + value + "\"")
                        + "; available: " + names(providers) + ". A shared ledger is a module of its own: put"
                        + " dev.tollgate:store-redis or dev.tollgate:store-jdbc on the classpath"));
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
            throw new ConfigurationException(KEY, "the " + chosen.name() + " ledger could not be set up: "
                    + withoutSecrets(e.toString(), s));
        }
    }

    /**
     * The {@code ledger.*} keys the providers on the class path read, or null when one of them does not say (then
     * no {@code ledger.*} key can be called unknown).
     */
    static Set<String> keysRead(ClassLoader loader) {
        Set<String> keys = new HashSet<>();
        for (ReplayLedgerProvider p : ServiceLoader.load(ReplayLedgerProvider.class, loader)) {
            Optional<Set<String>> read = p.settingKeys();
            if (read.isEmpty()) {
                return null;
            }
            keys.addAll(read.get());
        }
        return keys;
    }

    /**
     * What a message may show of a ledger URL: its scheme ("redis:", "jdbc:postgresql:"). The rest may hold a
     * password ({@code redis://:pw@host}, {@code ?password=pw}), and these messages end up in start-up logs.
     */
    static String scheme(String url) {
        Matcher m = SCHEME.matcher(url);
        return m.lookingAt() ? m.group() : "";
    }

    /** {@code message} with the configured URL and password cut out: a provider's exception may quote them. */
    private static String withoutSecrets(String message, Settings s) {
        String out = message;
        for (String key : List.of(KEY, KEY + ".url", KEY + ".password")) {
            String secret = s.get(key).orElse("");
            // "ledger" is a secret only as a URL; as a name ("redis") it is not, and cutting it would garble.
            if (!secret.isEmpty() && (!key.equals(KEY) || secret.contains(":"))) {
                out = out.replace(secret, "<" + key + ">");
            }
        }
        return out;
    }

    private static List<String> names(List<ReplayLedgerProvider> providers) {
        List<String> names = new ArrayList<>();
        names.add(MEMORY);
        providers.forEach(p -> names.add(p.name().toLowerCase(Locale.ROOT)));
        return names;
    }
}
