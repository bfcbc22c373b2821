package dev.tollgate.core.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathFirewallTest {

    private static void refused(String path, String because) {
        Optional<String> verdict = PathFirewall.check(path);
        assertTrue(verdict.isPresent(), () -> path + " was let through");
        assertTrue(verdict.get().contains(because), () -> path + ": " + verdict.get());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/premium%2Fdata", "/premium%2fdata", "/free%2F..%2Fpremium"})
    void anEncodedSlashIsRefused(String path) {
        refused(path, "ambiguous encoding %2F");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/free%5Cpremium", "/free%5cpremium"})
    void anEncodedBackslashIsRefused(String path) {
        refused(path, "ambiguous encoding %5C");
    }

    @Test
    void anEncodedNulIsRefused() {
        refused("/premium%00.json", "ambiguous encoding %00");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/free/%2E%2E/premium", "/free/%2e%2e/premium", "/premium/%2e"})
    void anEncodedDotIsRefused(String path) {
        refused(path, "ambiguous encoding %2E");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/premium%252Fdata", "/free/%252e%252e/premium", "/a%25"})
    void doubleEncodingIsRefused(String path) {
        refused(path, "ambiguous encoding %25");
    }

    @Test
    void anEncodedSemicolonIsRefused() {
        refused("/premium%3Bjsessionid=x", "ambiguous encoding %3B");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/premium;jsessionid=abc", "/free;/../premium", "/premium/data;x=1", "/;"})
    void aPathParameterIsRefused(String path) {
        refused(path, "';' parameter");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"//premium", "/free//premium", "/premium//"})
    void anEmptySegmentIsRefused(String path) {
        refused(path, "empty segment");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/free/./premium", "/free/../premium", "/..", "/premium/.", "/premium/..", "/."})
    void aDotSegmentIsRefused(String path) {
        refused(path, "dot segment");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/free\\..\\premium", "/premium\\"})
    void aBackslashIsRefused(String path) {
        refused(path, "backslash");
    }

    @ParameterizedTest(name = "char {0}")
    @ValueSource(ints = {0x00, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x7f, 0xe9, 0x2028, 0xff0f})
    void controlSpaceAndNonAsciiCharactersAreRefused(int c) {
        refused("/premium" + (char) c + "data", "control, space or non-ASCII");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/premium%", "/premium%2", "/a%4"})
    void aTruncatedPercentEncodingIsRefused(String path) {
        refused(path, "truncated percent-encoding");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/premium%zz", "/premium%g0", "/premium%0g", "/a%-1b"})
    void aMalformedPercentEncodingIsRefused(String path) {
        refused(path, "malformed percent-encoding");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "premium", "*"})
    void aPathThatDoesNotStartWithSlashIsRefused(String path) {
        refused(path, "must start with /");
    }

    @Test
    void aMissingPathIsRefused() {
        refused(null, "must start with /");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/", "/premium", "/premium/", "/premium/data.json", "/api/items/42", "/a-b_c~d/e.f",
            "/my%20report", "/caf%C3%A9", "/a%41b", "/q%3Fx", "/..data", "/data..", "/.well-known/x402",
            "/v1/items/{id}", "/a/b/c/d/e/f/g"})
    void ordinaryPathsAndHarmlessEncodingsPass(String path) {
        assertEquals(Optional.empty(), PathFirewall.check(path));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"/a%2F, 2F", "/a%2f, 2F", "/a%5c, 5C"})
    void theVerdictNamesTheEncodingInUpperCase(String path, String enc) {
        refused(path, "%" + enc);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/api/repor%74", "/api/%72eport", "/api/%52EPORT", "/items/%31", "/a%2Db", "/a%5fb", "/a%7Eb"})
    void forEncodedMatchingAPercentEncodedUnreservedCharacterIsRefused(String path) {
        Optional<String> verdict = PathFirewall.checkEncodedMatching(path);
        assertTrue(verdict.isPresent(), () -> path + " was let through");
        assertTrue(verdict.get().contains("percent-encodes"), verdict.get());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/api/report", "/caf%C3%A9", "/a%20b", "/100%", "/%zz"})
    void forEncodedMatchingAnEncodingThatIsTheOnlySpellingOfItsCharacterIsLetThrough(String path) {
        assertEquals(Optional.empty(), PathFirewall.checkEncodedMatching(path));
    }

    /**
     * ':', '@' and the sub-delimiters may stand unencoded too, but common clients encode them (JavaScript's
     * encodeURIComponent does, in an e-mail address say): refusing them would refuse ordinary requests.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/users/a%40b.example", "/a%3Ab", "/a%2Bb", "/a%3Db", "/a%26b", "/a%2Cb"})
    void forEncodedMatchingTheEncodingsCommonClientsProduceAreLetThrough(String path) {
        assertEquals(Optional.empty(), PathFirewall.checkEncodedMatching(path));
    }
}
