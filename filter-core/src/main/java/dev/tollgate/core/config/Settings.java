package dev.tollgate.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flat string settings with typed readers whose errors name the key. Values may refer to the environment
 * as {@code ${NAME}} or {@code ${NAME:-default}}, so one web.xml serves every deployment.
 */
final class Settings {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.]*)(:-([^}]*))?}");

    /** Where {@code ${NAME}} is looked up by default: the environment, then system properties. */
    static final UnaryOperator<String> ENVIRONMENT = name -> {
        String v = System.getenv(name);
        // A blank variable counts as unset (as the sample launcher treats it), so a property can stand in.
        return v != null && !v.isBlank() ? v : System.getProperty(name);
    };

    private final Map<String, String> values;
    /** For each key whose value read the environment, where it came from, in words: "${TOLLGATE_NETWORK}". */
    private final Map<String, String> sources;

    Settings(Map<String, String> raw, UnaryOperator<String> environment) {
        Map<String, String> resolved = new LinkedHashMap<>();
        Map<String, String> from = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (v != null) {
                List<String> read = new ArrayList<>();
                resolved.put(k.strip(), expand(k, v, environment, read).strip());
                if (!read.isEmpty()) {
                    from.put(k.strip(), String.join(" and ", read));
                }
            }
        });
        this.values = Collections.unmodifiableMap(resolved);
        this.sources = Collections.unmodifiableMap(from);
    }

    private Settings(Map<String, String> resolved) {
        this.values = Collections.unmodifiableMap(resolved);
        this.sources = Map.of();
    }

    /**
     * {@code e}, saying where the value of its setting came from when that was the environment: a deployer sets
     * TOLLGATE_NETWORK, not the init-param {@code network} that reads it, and the message should name what to change.
     */
    ConfigurationException naming(ConfigurationException e) {
        String from = sources.get(e.setting());
        return from == null ? e : new ConfigurationException(e.setting(), e.problem() + " (its value came from "
                + from + ")");
    }

    /**
     * These settings with {@code raw} (resolved like any other) laid over them under {@code prefix}; keys that
     * already started with {@code prefix} are dropped, so nothing of an earlier value under it survives.
     */
    Settings overlay(String prefix, Map<String, String> raw, UnaryOperator<String> environment) {
        Map<String, String> merged = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!k.startsWith(prefix)) {
                merged.put(k, v);
            }
        });
        new Settings(raw, environment).values.forEach((k, v) -> merged.put(prefix + k, v));
        return new Settings(merged);
    }

    Map<String, String> asMap() {
        return values;
    }

    /** The first non-blank value among {@code keys}, with the key it came from. */
    Optional<Map.Entry<String, String>> first(List<String> keys) {
        for (String k : keys) {
            String v = values.get(k);
            if (v != null && !v.isEmpty()) {
                return Optional.of(Map.entry(k, v));
            }
        }
        return Optional.empty();
    }

    Optional<String> get(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    List<String> list(String key) {
        List<String> out = new ArrayList<>();
        get(key).ifPresent(v -> {
            for (String s : v.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
        });
        return out;
    }

    static int positiveInt(String key, String value) {
        return SettingValues.positiveInt(key, value);
    }

    /** "2s", "500ms", "10m", "1h"; a bare number is milliseconds. */
    static Duration duration(String key, String value) {
        return SettingValues.duration(key, value);
    }

    /** {@code value} with its {@code ${NAME}} and {@code ${NAME:-default}} references resolved. */
    static String expand(String value, UnaryOperator<String> environment) {
        return expand(null, value, environment, new ArrayList<>());
    }

    /** @param read where each reference's value came from is added to it, in words */
    private static String expand(String key, String value, UnaryOperator<String> environment, List<String> read) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = environment.apply(m.group(1));
            if (v == null || v.isEmpty()) {
                v = m.group(3);
                // Not the default itself: it may be a credential (a header's), which no message quotes.
                read.add("the default given with ${" + m.group(1) + ":-...}, " + m.group(1) + " being unset");
            } else {
                read.add("${" + m.group(1) + "}");
            }
            if (v == null) {
                // Left empty, an optional setting would quietly take its built-in default: network=${NET} would sell
                // for testnet USDC, ledger=${LEDGER_URL} give each instance a memory of its own. ${NAME:-} asks for
                // empty on purpose.
                throw new ConfigurationException(key == null ? "config" : key.strip(), "refers to ${" + m.group(1)
                        + "}, which is not set; set it, or give a default as ${" + m.group(1) + ":-value}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
