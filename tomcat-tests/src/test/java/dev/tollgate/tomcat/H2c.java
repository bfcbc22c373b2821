package dev.tollgate.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** What the HTTP/2 tests of both bindings on Tomcat share: an upgraded client and the two refusal checks. */
final class H2c {
    private H2c() {
    }

    /** A client whose connection its first request, to the free {@code url}, upgraded to HTTP/2 (h2c). */
    static HttpClient upgradedBy(String url) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> upgraded = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, upgraded.version(), "h2c upgrade");
        return client;
    }

    /** A 402 challenge over HTTP/2, without the connection-specific field that would make it malformed. */
    static void assertChallengeWithoutConnectionField(HttpResponse<String> r) {
        assertEquals(HttpClient.Version.HTTP_2, r.version(), "answered over HTTP/2");
        assertEquals(402, r.statusCode());
        assertTrue(r.headers().firstValue("payment-required").isPresent(), r.headers().map().toString());
        assertTrue(r.headers().firstValue("connection").isEmpty(),
                "a connection-specific field makes an HTTP/2 answer malformed: " + r.headers().map());
    }

    /** Over HTTP/1.1 the refusal of a POST with a body still says it closes: the unread body may be on its way. */
    static void assertHttp11RefusalSaysItCloses(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 5\r\n\r\nhello").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 402"), answer);
            assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
        }
    }
}
