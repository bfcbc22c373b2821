package dev.tollgate.reliability.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.core.route.PathFirewall;
import dev.tollgate.core.route.RoutePattern;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The path firewall and route matching under arbitrary request paths. Property: a path the firewall lets
 * through decodes (once, as a container does) to a canonical path, one without NUL, backslash, ';', empty or
 * dot segments, and that decoded path matches a paid prefix exactly when its lower-cased form starts with it.
 * Route patterns themselves either parse or are refused with IllegalArgumentException.
 */
class PathFuzzTest {
    private static final RoutePattern PAID = RoutePattern.parse("/premium/*");

    @FuzzTest
    void firewallPassesOnlyCanonicalPaths(FuzzedDataProvider data) {
        String raw = data.consumeRemainingAsString();
        Optional<String> refusal = PathFirewall.check(raw);
        if (refusal.isPresent()) {
            return;
        }
        String decoded = percentDecode(raw);
        assertTrue(decoded.startsWith("/"), raw);
        assertFalse(decoded.contains("\0"), raw);
        assertFalse(decoded.contains("\\"), raw);
        assertFalse(decoded.contains(";"), raw);
        assertFalse(decoded.contains("//"), raw);
        assertFalse(decoded.contains("%"), "decoding once must be the end of it: " + raw);
        for (String segment : decoded.split("/", -1)) {
            assertFalse(segment.equals(".") || segment.equals(".."), raw);
        }
        String lower = decoded.toLowerCase(Locale.ROOT);
        boolean underPaid = lower.equals("/premium") || lower.startsWith("/premium/");
        assertTrue(PAID.matches(decoded) == underPaid, "route match disagrees for " + raw);
    }

    @FuzzTest
    void routePatternsParseOrAreRefused(FuzzedDataProvider data) {
        String pattern = data.consumeString(200);
        String path = data.consumeRemainingAsString();
        RoutePattern parsed;
        try {
            parsed = RoutePattern.parse(pattern);
        } catch (IllegalArgumentException refused) {
            return;
        }
        parsed.matches(path.isEmpty() ? "/" : path);
    }

    /** UTF-8 percent-decoding as Jetty does it (malformed UTF-8 becomes U+FFFD). */
    static String percentDecode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
