package dev.tollgate.store.redis;

import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.SettingValues;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.ledger.ReplayLedgerProvider;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ledger=redis} (or {@code ledger=redis://host:port}):
 * <ul>
 *   <li>{@code ledger.url} — {@code redis://[:password@]host[:port][/database]} or {@code rediss://…}; required</li>
 *   <li>{@code ledger.keyPrefix} — in front of every key, default {@code tollgate:}; give each independent
 *       deployment sharing one Redis its own</li>
 *   <li>{@code ledger.timeout} — per command, default 1s; past it the request gets 503</li>
 *   <li>{@code ledger.connectTimeout} — default 2s</li>
 * </ul>
 */
public final class RedisLedgerProvider implements ReplayLedgerProvider {

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public Optional<Set<String>> settingKeys() {
        return Optional.of(Set.of("ledger.url", "ledger.keyPrefix", "ledger.timeout", "ledger.connectTimeout"));
    }

    @Override
    public boolean acceptsUrl(String url) {
        return url.startsWith("redis://") || url.startsWith("rediss://");
    }

    @Override
    public ReplayLedger create(Map<String, String> settings) {
        String url = value(settings, "ledger.url");
        if (url == null) {
            throw new ConfigurationException("ledger.url", "is required for ledger=redis, for example redis://127.0.0.1:6379");
        }
        if (!acceptsUrl(url)) {
            // Not quoted: the rest of a URL may carry a password.
            int end = url.indexOf("://");
            String scheme = end > 0 && url.substring(0, end).matches("[A-Za-z][A-Za-z0-9+.-]{0,15}")
                    ? "a " + url.substring(0, end) + ":// URL" : "no URL";
            throw new ConfigurationException("ledger.url", "must be a redis:// or rediss:// URL (in lower case), was "
                    + scheme);
        }
        // Empty counts as not set, as for every other setting: an empty prefix would share the key space with
        // whatever else the Redis holds, and ${PREFIX:-} left unset must not choose that.
        String given = value(settings, "ledger.keyPrefix");
        String prefix = given == null ? RedisReplayLedger.DEFAULT_KEY_PREFIX : given;
        Duration timeout = duration(settings, "ledger.timeout", RedisReplayLedger.DEFAULT_TIMEOUT);
        Duration connect = duration(settings, "ledger.connectTimeout", RedisReplayLedger.DEFAULT_CONNECT_TIMEOUT);
        try {
            return RedisReplayLedger.create(url, prefix, timeout, connect);
        } catch (IllegalArgumentException e) {
            // Lettuce's message may quote the URL, password included: keep it out of the exception.
            throw new ConfigurationException("ledger.url", "is not a usable Redis URL (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String value(Map<String, String> settings, String key) {
        String v = settings.get(key);
        return v == null || v.isBlank() ? null : v.strip();
    }

    static Duration duration(Map<String, String> settings, String key, Duration fallback) {
        String v = value(settings, key);
        return v == null ? fallback : SettingValues.duration(key, v);
    }
}
