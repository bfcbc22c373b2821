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
        // One pass without copies: this runs on every request the filter sees, paid or not.
        int length = rawPath.length();
        for (int i = 0; i < length; i++) {
            char c = rawPath.charAt(i);
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
                if (i + 2 >= length) {
                    return Optional.of("request path has a truncated percent-encoding");
                }
                String enc = rawPath.substring(i + 1, i + 3).toLowerCase(Locale.ROOT);
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
        if (rawPath.contains("//")) {
            return Optional.of("request path contains an empty segment (//)");
        }
        int segment = 0;
        for (int i = 0; i <= length; i++) {
            if (i == length || rawPath.charAt(i) == '/') {
                int n = i - segment;
                if ((n == 1 || n == 2) && rawPath.charAt(segment) == '.' && rawPath.charAt(i - 1) == '.') {
                    return Optional.of("request path contains a dot segment");
                }
                segment = i + 1;
            }
        }
        return Optional.empty();
    }

    /**
     * Refuses a percent-encoded unreserved character (a letter, a digit, '-', '_' or '~'; '.' is refused by
     * {@link #check}), for adapters whose framework matches the path in its <em>encoded</em> form, as JAX-RS does.
     * RFC 3986 makes {@code repor%74} and {@code report} the same path, and the container and every decoder read
     * them alike; JAX-RS does not, so {@code /repor%74} would miss a paid {@code @Path("report")} and be handed,
     * decoded to "report", to a free template such as {@code {page}} beside it. No client need encode these
     * characters, so refusing them costs nothing, unlike the encoding of a character that has no other spelling
     * (a space, a non-ASCII letter), which stays allowed.
     *
     * @param rawPath the request target's path exactly as received, still percent-encoded
     */
    public static Optional<String> checkEncodedMatching(String rawPath) {
        if (rawPath == null) {
            return Optional.empty();
        }
        for (int i = rawPath.indexOf('%'); i >= 0 && i + 2 < rawPath.length(); i = rawPath.indexOf('%', i + 1)) {
            int hi = Character.digit(rawPath.charAt(i + 1), 16);
            int lo = Character.digit(rawPath.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                continue; // malformed: check() refuses it
            }
            char c = (char) (hi * 16 + lo);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '~') {
                return Optional.of("request path percent-encodes '" + c + "', which is matched differently encoded "
                        + "and decoded; send it unencoded");
            }
        }
        return Optional.empty();
    }
}
