package dev.tollgate.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoutePatternTest {

    @ParameterizedTest(name = "/premium/* covers {0}")
    @ValueSource(strings = {"/premium", "/premium/", "/premium/a", "/premium/a/b", "/PREMIUM", "/Premium/A/b",
            "/premium/a/b/c/d/e"})
    void aPrefixPatternCoversThePrefixItselfAndEverythingBelowInAnyCase(String path) {
        assertTrue(RoutePattern.parse("/premium/*").matches(path));
    }

    @ParameterizedTest(name = "/premium/* leaves {0}")
    @ValueSource(strings = {"/premiumx", "/premium-data", "/", "/free/premium", "/pre"})
    void aPrefixPatternLeavesPathsThatOnlyStartWithTheSameLetters(String path) {
        assertFalse(RoutePattern.parse("/premium/*").matches(path));
    }

    @Test
    void aDoubleStarSuffixIsAPrefixPatternToo() {
        assertTrue(RoutePattern.parse("/premium/**").matches("/premium/a/b"));
        assertFalse(RoutePattern.parse("/premium/**").matches("/premiumx"));
    }

    @Test
    void theRootPrefixPatternCoversEveryPath() {
        RoutePattern all = RoutePattern.parse("/*");
        assertTrue(all.matches("/"));
        assertTrue(all.matches("/anything/at/all"));
    }

    @ParameterizedTest(name = "/api/items/'{'id'}' covers {0}")
    @ValueSource(strings = {"/api/items/42", "/api/items/abc", "/API/Items/42/", "/api/items/x-y_z"})
    void aVariableMatchesExactlyOneSegment(String path) {
        assertTrue(RoutePattern.parse("/api/items/{id}").matches(path));
    }

    @ParameterizedTest(name = "/api/items/'{'id'}' leaves {0}")
    @ValueSource(strings = {"/api/items", "/api/items/", "/api/items/42/reviews", "/api/things/42", "/api/items42"})
    void aVariableNeverMatchesZeroOrSeveralSegments(String path) {
        assertFalse(RoutePattern.parse("/api/items/{id}").matches(path));
    }

    @Test
    void variablesMayStandInTheMiddleOfAPattern() {
        RoutePattern p = RoutePattern.parse("/users/{user}/reports/*");
        assertTrue(p.matches("/users/7/reports"));
        assertTrue(p.matches("/users/7/reports/2024/q1"));
        assertFalse(p.matches("/users/7/settings"));
    }

    @ParameterizedTest(name = "/report covers {0}")
    @ValueSource(strings = {"/report", "/report/", "/REPORT"})
    void anExactPatternIgnoresCaseAndATrailingSlash(String path) {
        assertTrue(RoutePattern.parse("/report").matches(path));
    }

    @ParameterizedTest(name = "/report leaves {0}")
    @ValueSource(strings = {"/report/2024", "/reports", "/", "/a/report"})
    void anExactPatternMatchesNoOtherPath(String path) {
        assertFalse(RoutePattern.parse("/report").matches(path));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"premium/*", "", "/a/*/b", "/a*", "/{}", "/{id", "/id}", "/a/../b", "/./a"})
    void aMalformedPatternIsRefusedWhenParsed(String pattern) {
        assertThrows(IllegalArgumentException.class, () -> RoutePattern.parse(pattern));
    }

    /**
     * Patterns are matched against the decoded path, and the firewall refuses {@code %25}, {@code %3B}, {@code ;},
     * {@code %5C} and {@code \}: a pattern holding '%', ';' or '\' (an encoded "/my%20docs/*", say) matched no
     * request at all, and its route silently charged nothing.
     */
    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"/my%20docs/*", "/premium/%7Bid%7D", "/premium;v=1/*", "/premium/report;", "/premium\\report"})
    void aPatternThatNoDecodedRequestPathCanMatchIsRefusedWhenParsed(String pattern) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RoutePattern.parse(pattern));
        assertTrue(e.getMessage().contains(pattern), e.getMessage());
    }

    @Test
    void aMissingPatternIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> RoutePattern.parse(null));
    }

    @Test
    void aPathSplitsIntoItsNonEmptySegmentsLowerCasedAsStringSplitWouldGiveThem() {
        Random random = new Random(402);
        String alphabet = "/aB.%2-";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder path = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                path.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            List<String> expected = new ArrayList<>();
            for (String s : path.toString().toLowerCase(Locale.ROOT).split("/")) {
                if (!s.isEmpty()) {
                    expected.add(s);
                }
            }
            assertEquals(expected, RoutePattern.split(path.toString()), path::toString);
        }
    }
}
