package dev.tollgate.reliability.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import java.util.List;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a person with a browser gets, and which URL the challenge names behind a reverse proxy, on both
 * bindings. Proxy headers count only on a connector configured to trust its proxy (Jetty's
 * ForwardedRequestCustomizer); anywhere else they are a client's say-so and are ignored.
 */
class BrowserAndProxyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> BROWSER = List.of(
            "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
    static PaidApps direct;
    static PaidApps behindProxy;

    @BeforeAll
    static void start() throws Exception {
        direct = PaidApps.shared();
        behindProxy = new PaidApps(http -> http.addCustomizer(new ForwardedRequestCustomizer()));
    }

    @AfterAll
    static void stop() throws Exception {
        behindProxy.close();
    }

    static int port(PaidApps apps, String path) {
        return path.startsWith("/api/") ? apps.jerseyPort() : apps.servletPort();
    }

    static String get(PaidApps apps, String path, List<String> headers) throws Exception {
        return RawHttp.exchange(port(apps, path), RawHttp.request("GET", path, headers, null));
    }

    static String header(String response, String name) {
        for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return null;
    }

    static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    /** The resource URL the challenge names, from the v2 header and from the v1 body, which must agree. */
    static String resourceUrl(String response) throws Exception {
        JsonNode v2 = JSON.readTree(Base64.getDecoder().decode(header(response, "PAYMENT-REQUIRED")));
        String url = v2.path("resource").path("url").asText();
        if (!header(response, "Content-Type").startsWith("text/html")) {
            assertEquals(url, JSON.readTree(body(response)).path("accepts").get(0).path("resource").asText());
        }
        return url;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/premium/report", "/api/premium/report"})
    void aBrowserGetsAReadablePageThatStillCarriesPaymentRequired(String path) throws Exception {
        String r = get(direct, path, BROWSER);
        assertTrue(r.startsWith("HTTP/1.1 402"), r);
        assertTrue(header(r, "Content-Type").startsWith("text/html"), header(r, "Content-Type"));
        String html = body(r);
        assertTrue(html.startsWith("<!DOCTYPE html>"), html);
        assertTrue(html.contains("Payment required") && html.contains("0.01 USDC"), html);
        JsonNode v2 = JSON.readTree(Base64.getDecoder().decode(header(r, "PAYMENT-REQUIRED")));
        assertEquals("10000", v2.path("accepts").get(0).path("amount").asText());
        assertFalse(html.contains(PaidApps.MARKER));
        assertEquals("no-store", header(r, "Cache-Control"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/premium/report", "/api/premium/report"})
    void thePageRunsAndLoadsNothingAndCannotBeFramed(String path) throws Exception {
        String r = get(direct, path, BROWSER);

        assertTrue(header(r, "Content-Type").startsWith("text/html"), r);
        // It echoes the request's URL: should escaping ever miss, nothing injected may run, load or frame it.
        assertEquals("default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
                header(r, "Content-Security-Policy"));
        assertEquals("nosniff", header(r, "X-Content-Type-Options"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/premium/report", "/api/premium/report"})
    void theJsonChallengeIsNotSniffedIntoAPage(String path) throws Exception {
        // The v1 body quotes a refused proof's error, which can carry what the client sent.
        String r = get(direct, path, List.of("X-PAYMENT: PGh0bWw+"));

        assertTrue(header(r, "Content-Type").startsWith("application/json"), r);
        assertEquals("nosniff", header(r, "X-Content-Type-Options"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/premium/report", "/api/premium/report"})
    void aProgramGetsJsonNotThePage(String path) throws Exception {
        String r = get(direct, path, List.of("Accept: text/html", "User-Agent: curl/8.5.0"));
        assertTrue(r.startsWith("HTTP/1.1 402"));
        assertTrue(header(r, "Content-Type").startsWith("application/json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/premium/%3Cscript%3Ealert(1)%3C/script%3E", "/api/premium/%3Cscript%3Ealert(1)%3C/script%3E",
        "/premium/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E"})
    void thePageEscapesThePathItEchoes(String path) throws Exception {
        String r = get(direct, path, BROWSER);
        assertTrue(r.startsWith("HTTP/1.1 402"), r);
        assertFalse(body(r).contains("<script>") || body(r).contains("<img"), body(r));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/premium/report", "/api/premium/report"})
    void behindATrustedProxyTheChallengeNamesThePublicUrl(String path) throws Exception {
        assertEquals("https://shop.example" + path, resourceUrl(get(behindProxy, path,
                List.of("Forwarded: for=203.0.113.7;proto=https;host=shop.example"))));
        assertEquals("https://shop.example:8443" + path, resourceUrl(get(behindProxy, path,
                List.of("X-Forwarded-Proto: https", "X-Forwarded-Host: shop.example", "X-Forwarded-Port: 8443"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/premium/report", "/api/premium/report"})
    void withoutATrustedProxyForwardedHeadersAreIgnored(String path) throws Exception {
        String expected = "http://127.0.0.1" + path; // RawHttp sends Host: 127.0.0.1
        assertEquals(expected, resourceUrl(get(direct, path, List.of("Forwarded: proto=https;host=evil.example"))));
        assertEquals(expected, resourceUrl(get(direct, path,
                List.of("X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example", "X-Forwarded-Port: 443"))));
    }
}
