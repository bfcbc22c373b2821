package dev.tollgate.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Readers for setting values shared by the core and the optional modules (ledger providers), so every
 * setting of a kind is written and refused the same way, with the key named.
 */
public final class SettingValues {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})\\s*(ms|s|m|h)?");

    private SettingValues() {
    }

    /** "2s", "500ms", "10m", "1h"; a bare number is milliseconds. */
    public static Duration duration(String key, String value) {
        Matcher m = DURATION.matcher(value.strip());
        if (!m.matches()) {
            throw new ConfigurationException(key, "must be a duration such as 500ms, 2s, 10m or 1h, was \"" + value + "\"");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        Duration d = switch (unit) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofMillis(n);
        };
        if (d.isZero()) {
            throw new ConfigurationException(key, "must be longer than zero");
        }
        try {
            // Deadlines are counted in nanoseconds; past 292 years they overflow where they are used, far from here.
            d.toNanos();
        } catch (ArithmeticException e) {
            throw new ConfigurationException(key, "is too long, was \"" + value + "\"");
        }
        return d;
    }

    /**
     * An http(s) URL with a host. Neither message quotes the URL: one that fails here often does so because of a
     * user's password or an API key in it with an unescaped "/", "#" or space, and start-up errors are logged.
     */
    public static URI httpUrl(String key, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigurationException(key, "is not a URL: " + e.getReason() + " at index " + e.getIndex()
                    + " (escape reserved characters of a user name, password or key as %XX)");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new ConfigurationException(key, "must be an http(s) URL with a host, was "
                    + (uri.getScheme() == null ? "one without a scheme" : "a \"" + uri.getScheme() + ":\" URL")
                    + (uri.getRawAuthority() != null && uri.getHost() == null ? " whose host could not be read" : ""));
        }
        return uri;
    }

    public static int positiveInt(String key, String value) {
        long l = positiveLong(key, value);
        if (l > Integer.MAX_VALUE) {
            throw notPositive(key, value);
        }
        return (int) l;
    }

    public static long positiveLong(String key, String value) {
        try {
            long l = Long.parseLong(value.strip());
            if (l > 0) {
                return l;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw notPositive(key, value);
    }

    private static ConfigurationException notPositive(String key, String value) {
        return new ConfigurationException(key, "must be a positive whole number, was \"" + value + "\"");
    }
}
