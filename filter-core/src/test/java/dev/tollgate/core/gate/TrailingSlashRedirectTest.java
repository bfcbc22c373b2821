package dev.tollgate.core.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrailingSlashRedirectTest {
    @ParameterizedTest(name = "{0} {1}?{2} -> {3}: {4}")
    @CsvSource(nullValues = "null", value = {
            "302, http://h:8080/docs, null, /docs/, true",
            "301, http://h:8080/docs, null, http://h:8080/docs/, true",
            "302, http://H:8080/docs, null, HTTP://h:8080/docs/, true",
            "307, http://h/a/docs, null, docs/, true",
            "302, http://h/docs, lang=en, /docs/?lang=en, true",
            "302, http://h/docs, lang=en, /docs/, true",
            "308, http://h/d%20s, null, /d%20s/, true",
            // anything else is a redirect like any other, and is settled
            "200, http://h/docs, null, /docs/, false",
            "300, http://h/docs, null, /docs/, false",
            "302, http://h/docs, null, /docs/index.html, false",
            "302, http://h/docs, null, /docs, false",
            "302, http://h/docs, null, /other/, false",
            "302, http://h/docs, null, http://cdn.example/docs/, false",
            "302, http://h/docs, null, https://h/docs/, false",
            "302, http://h/docs, null, //h:81/docs/, false",
            "302, http://h/docs, null, /docs/?signed=1, false",
            "302, http://h/docs, lang=en, /docs/?lang=fr, false",
            "302, http://h/docs, null, /docs/#part, false",
            "302, http://h/docs/, null, /docs//, false",
            "302, http://h/docs, null, null, false",
            "302, http://h/docs, null, ' ', false",
            "302, http://h/docs, null, /docs/ x, false",
    })
    void onlyARedirectToTheSamePathWithItsSlashIsOne(int status, String url, String query, String location,
                                                      boolean expected) {
        assertEquals(expected, TrailingSlashRedirect.is("GET", status, url, query, location));
    }

    /** A handler of another method may have done the paid action (an order placed) before it redirects. */
    @ParameterizedTest
    @CsvSource({"POST", "PUT", "DELETE", "PATCH", "get"})
    void onlyAGetsRedirectIsOne(String method) {
        assertEquals(false, TrailingSlashRedirect.is(method, 303, "http://h/orders", null, "/orders/"));
    }
}
