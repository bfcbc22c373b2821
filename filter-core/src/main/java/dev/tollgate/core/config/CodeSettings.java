package dev.tollgate.core.config;

import dev.tollgate.core.code.BoundedCodeIntentStore;
import dev.tollgate.core.code.CodeCurrency;
import dev.tollgate.core.code.CodeIntentApi;
import dev.tollgate.core.code.CodeIntentStore;
import dev.tollgate.core.code.CodeIntentVerifier;
import dev.tollgate.core.code.CodeOption;
import dev.tollgate.core.code.CodeSequencerClient;
import dev.tollgate.core.code.InMemoryCodeIntentStore;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Code payment settings. Per route (or top level, inherited by every route): {@code code.destination}
 * (turns the option on; {@code code.enabled=false} turns an inherited one off), {@code code.amount} (e.g. 0.05), {@code code.currency} (default usd),
 * {@code code.createIntentUrl} (default /create-intent). Top level only: {@code code.sequencerUrl},
 * {@code code.connectTimeout}, {@code code.requestTimeout}, {@code code.intentLifetime} (default 1h),
 * {@code code.maxOpenIntents} (default 10000).
 */
final class CodeSettings {
    static final String DEFAULT_CREATE_INTENT_URL = "/create-intent";

    private final CodeIntentApi api;
    private final CodeIntentStore store;
    private final Duration intentLifetime;
    private final int maxOpenIntents;
    private final Clock clock;

    private CodeSettings(CodeIntentApi api, CodeIntentStore store, Duration intentLifetime, int maxOpenIntents,
                         Clock clock) {
        this.api = api;
        this.store = store;
        this.intentLifetime = intentLifetime;
        this.maxOpenIntents = maxOpenIntents;
        this.clock = clock;
    }

    CodeIntentApi api() {
        return api;
    }

    CodeIntentStore store() {
        return store;
    }

    Duration intentLifetime() {
        return intentLifetime;
    }

    /**
     * The same settings with intents kept in {@code shared} (a shared ledger's store), still at most
     * {@code code.maxOpenIntents} open ones created by this instance.
     */
    CodeSettings withSharedStore(CodeIntentStore shared) {
        return new CodeSettings(api, new BoundedCodeIntentStore(shared, maxOpenIntents, clock), intentLifetime,
                maxOpenIntents, clock);
    }

    /** Null when nothing mentions Code and no API or store was supplied in code. */
    static CodeSettings read(Settings s, CodeIntentApi api, CodeIntentStore store, Clock clock) {
        boolean mentioned = s.asMap().keySet().stream()
                .anyMatch(k -> k.startsWith("code.") || k.matches("route\\.[^.]+\\.code\\..+"));
        if (!mentioned && api == null && store == null) {
            return null;
        }
        Duration lifetime = s.get("code.intentLifetime").map(v -> Settings.duration("code.intentLifetime", v))
                .orElse(CodeIntentVerifier.DEFAULT_INTENT_LIFETIME);
        int capacity = s.get("code.maxOpenIntents").map(v -> Settings.positiveInt("code.maxOpenIntents", v))
                .orElse(InMemoryCodeIntentStore.DEFAULT_CAPACITY);
        if (store == null) {
            store = new InMemoryCodeIntentStore(capacity, clock);
        }
        if (api == null) {
            CodeSequencerClient.Config config = CodeSequencerClient.Config.defaults();
            Optional<String> url = s.get("code.sequencerUrl");
            if (url.isPresent()) {
                URI uri = SettingValues.httpUrl("code.sequencerUrl", url.get());
                config = config.withEndpoint(uri);
            }
            Duration connect = s.get("code.connectTimeout").map(v -> Settings.duration("code.connectTimeout", v))
                    .orElse(config.connectTimeout());
            Duration request = s.get("code.requestTimeout").map(v -> Settings.duration("code.requestTimeout", v))
                    .orElse(config.requestTimeout());
            api = new CodeSequencerClient(config.withTimeouts(connect, request));
        }
        return new CodeSettings(api, store, lifetime, capacity, clock);
    }

    /** The Code option of a route, or null if {@code code.destination} is not set for it. */
    static CodeOption option(Settings s, String routePrefix) {
        List<String> prefixes = List.of(routePrefix, "");
        TollgateConfig.Lookup look = new TollgateConfig.Lookup(s, prefixes);
        Optional<Map.Entry<String, String>> destination = look.find("code.destination");
        if (destination.isEmpty()) {
            return null;
        }
        Optional<Map.Entry<String, String>> enabled = look.find("code.enabled");
        if (enabled.isPresent()) {
            String v = enabled.get().getValue();
            if (!"true".equalsIgnoreCase(v) && !"false".equalsIgnoreCase(v)) {
                throw new ConfigurationException(enabled.get().getKey(), "must be true or false, was \"" + v + "\"");
            }
            if ("false".equalsIgnoreCase(v)) {
                return null;
            }
        }
        Map.Entry<String, String> amountSetting = look.find("code.amount").orElseThrow(() ->
                new ConfigurationException(look.key("code.amount"), "is required with code.destination (for example 0.05)"));
        BigDecimal amount;
        try {
            amount = new BigDecimal(amountSetting.getValue());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(amountSetting.getKey(), "must be a decimal amount such as 0.05, was \""
                    + amountSetting.getValue() + "\"");
        }
        Map.Entry<String, String> currencySetting = look.find("code.currency").orElse(Map.entry("code.currency", "usd"));
        CodeCurrency currency;
        try {
            currency = CodeCurrency.of(currencySetting.getValue());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(currencySetting.getKey(), e.getMessage());
        }
        String createIntentUrl = look.find("code.createIntentUrl").map(Map.Entry::getValue)
                .orElse(DEFAULT_CREATE_INTENT_URL);
        String route = routePrefix.isEmpty() ? "default"
                : routePrefix.substring("route.".length(), routePrefix.length() - 1);
        try {
            return new CodeOption(route, destination.get().getValue(), amount, currency, createIntentUrl);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            String key = m.contains("destination") ? destination.get().getKey()
                    : m.contains("createIntentUrl") ? look.key("code.createIntentUrl") : amountSetting.getKey();
            throw new ConfigurationException(key, m);
        }
    }
}
