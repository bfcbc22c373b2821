package dev.tollgate.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.SettingValues;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.ledger.ReplayLedgerProvider;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ledger=jdbc} (or {@code ledger=jdbc:postgresql://host/db}), over a HikariCP pool:
 * <ul>
 *   <li>{@code ledger.url} — the JDBC URL; required. The database's driver must be on the classpath</li>
 *   <li>{@code ledger.user}, {@code ledger.password}</li>
 *   <li>{@code ledger.table} — default {@code tollgate_ledger}, optionally schema-qualified</li>
 *   <li>{@code ledger.createTable} — {@code true} runs the shipped DDL at start-up; default {@code false}</li>
 *   <li>{@code ledger.timeout} — per statement, default 2s; {@code ledger.connectTimeout} — for a pooled
 *       connection, default 2s; past either the request gets 503</li>
 *   <li>{@code ledger.poolSize} — default 10</li>
 *   <li>{@code ledger.purgeInterval} — default 5m, {@code off} to leave purging to the operator;
 *       {@code ledger.purgeBatch} — rows per purge statement, default 1000</li>
 * </ul>
 */
public final class JdbcLedgerProvider implements ReplayLedgerProvider {
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(5);

    @Override
    public String name() {
        return "jdbc";
    }

    @Override
    public Optional<Set<String>> settingKeys() {
        return Optional.of(Set.of("ledger.url", "ledger.user", "ledger.password", "ledger.table",
                "ledger.createTable", "ledger.timeout", "ledger.connectTimeout", "ledger.poolSize", "ledger.purgeInterval",
                "ledger.purgeBatch"));
    }

    @Override
    public boolean acceptsUrl(String url) {
        return url.startsWith("jdbc:");
    }

    @Override
    public ReplayLedger create(Map<String, String> settings) {
        String url = value(settings, "ledger.url");
        if (url == null || !acceptsUrl(url)) {
            throw new ConfigurationException("ledger.url", "is required for ledger=jdbc: a JDBC URL such as "
                    + "jdbc:postgresql://127.0.0.1:5432/app");
        }
        Duration timeout = duration(settings, "ledger.timeout", JdbcReplayLedger.DEFAULT_QUERY_TIMEOUT);
        Duration connect = duration(settings, "ledger.connectTimeout", DEFAULT_CONNECT_TIMEOUT);
        if (connect.toMillis() < 250) {
            throw new ConfigurationException("ledger.connectTimeout", "must be at least 250ms");
        }
        int poolSize = positiveInt(settings, "ledger.poolSize", 10);
        int purgeBatch = positiveInt(settings, "ledger.purgeBatch", JdbcReplayLedger.DEFAULT_PURGE_BATCH);
        String purge = value(settings, "ledger.purgeInterval");
        Duration purgeEvery = purge != null && purge.equalsIgnoreCase("off") ? null
                : duration(settings, "ledger.purgeInterval", DEFAULT_PURGE_INTERVAL);
        String createTable = value(settings, "ledger.createTable");
        if (createTable != null && !createTable.equalsIgnoreCase("true") && !createTable.equalsIgnoreCase("false")) {
            throw new ConfigurationException("ledger.createTable", "must be true or false, was \"" + createTable + "\"");
        }
        JdbcReplayLedger.Builder builder;
        HikariDataSource pool = null;
        try {
            String table = value(settings, "ledger.table");
            HikariConfig config = new HikariConfig();
            config.setPoolName("tollgate-ledger");
            config.setJdbcUrl(url);
            config.setUsername(value(settings, "ledger.user"));
            config.setPassword(settings.get("ledger.password"));
            config.setMaximumPoolSize(poolSize);
            config.setMinimumIdle(Math.min(2, poolSize));
            config.setConnectionTimeout(connect.toMillis());
            config.setValidationTimeout(Math.min(connect.toMillis(), 1000));
            config.setAutoCommit(true);
            // Start even while the database is down: each request then gets 503 until it is back.
            config.setInitializationFailTimeout(-1);
            if (url.startsWith("jdbc:postgresql:")) {
                long seconds = Math.max(1, (connect.toMillis() + 999) / 1000);
                putUnlessInUrl(config, url, "connectTimeout", Long.toString(seconds));
                // A server that stops answering mid-statement must not hold the thread past the query timeout.
                putUnlessInUrl(config, url, "socketTimeout", Long.toString((timeout.toMillis() + 999) / 1000 + 5));
            }
            pool = new HikariDataSource(config);
            builder = JdbcReplayLedger.builder(pool)
                    .queryTimeout(timeout)
                    .purgeBatch(purgeBatch)
                    .purgeEvery(purgeEvery)
                    .createTable("true".equalsIgnoreCase(createTable))
                    .closing(pool);
            if (table != null) {
                try {
                    builder.table(table);
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("ledger.table", e.getMessage() + ", was \"" + table + "\"");
                }
            }
            return builder.build();
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            if (e instanceof ConfigurationException c) {
                throw c;
            }
            // Keep the URL (it may carry a password) out of the message.
            throw new ConfigurationException("ledger.url", "cannot open a JDBC pool: " + e.getClass().getSimpleName()
                    + " (is the database's driver on the classpath?)");
        }
    }

    private static void putUnlessInUrl(HikariConfig config, String url, String property, String value) {
        if (!url.toLowerCase(Locale.ROOT).contains(property.toLowerCase(Locale.ROOT) + "=")) {
            config.addDataSourceProperty(property, value);
        }
    }

    private static String value(Map<String, String> settings, String key) {
        String v = settings.get(key);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static int positiveInt(Map<String, String> settings, String key, int fallback) {
        String v = value(settings, key);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v);
            if (i > 0) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException(key, "must be a positive whole number, was \"" + v + "\"");
    }

    static Duration duration(Map<String, String> settings, String key, Duration fallback) {
        String v = value(settings, key);
        return v == null ? fallback : SettingValues.duration(key, v);
    }
}
