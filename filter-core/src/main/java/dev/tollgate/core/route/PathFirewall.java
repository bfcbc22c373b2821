package dev.tollgate.core.route;

import java.util.Locale;
import java.util.Optional;

/**
 * Refuses request targets whose meaning depends on who decodes them, in the manner of Spring Security's
 * strict firewall: encoded slashes, backslashes, NULs and dots, double encoding, path parameters, dot
 * segments and empty segments. Such a path could be matched one way here and dispatched another way by the
 * container; refusing it (400) is the only answer that cannot give content away.
 */
public final class PathFirewall {
    private PathFirewall() {
    }

    /** @param rawPath the request target's path exactly as received, still percent-encoded */
    public static Optional<String> check(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return Optional.of("request path must start with /");
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return Optional.of("request path contains a control, space or non-ASCII character");
            }
            if (c == '\\') {
                return Optional.of("request path contains a backslash");
            }
            if (c == ';') {
                return Optional.of("request path contains a ';' parameter");
            }
            if (c == '%') {
                if (i + 2 >= lower.length()) {
                    return Optional.of("request path has a truncated percent-encoding");
                }
                String enc = lower.substring(i + 1, i + 3);
                switch (enc) {
                    case "2f", "5c", "00", "2e", "25", "3b" -> {
                        return Optional.of("request path contains an ambiguous encoding %" + enc.toUpperCase(Locale.ROOT));
                    }
                    default -> {
                        if (Character.digit(enc.charAt(0), 16) < 0 || Character.digit(enc.charAt(1), 16) < 0) {
                            return Optional.of("request path has a malformed percent-encoding");
                        }
                    }
                }
            }
        }
        if (lower.contains("//")) {
            return Optional.of("request path contains an empty segment (//)");
        }
        for (String segment : lower.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("request path contains a dot segment");
            }
        }
        return Optional.empty();
    }
}
