package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a careless or hostile client gets for a request the sample cannot serve: a status and a short JSON error,
 * never the container's page naming the servlet, Jetty or its version, and no {@code Server} header.
 */
class SampleErrorAnswersTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static SampleServer sample;

    @BeforeAll
    static void start() throws Exception {
        // Dev mode (no facilitator URL): its dev facilitator's answers are checked too. Nothing here creates an
        // intent; the sequencer URL points at a closed loopback port all the same.
        sample = SampleServer.start("TOLLGATE_CODE_SEQUENCER_URL", "http://127.0.0.1:9/v1/api/");
    }

    @AfterAll
    static void stop() throws Exception {
        sample.close();
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(sample.uri(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Accept", "text/html,*/*").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertJsonError(HttpResponse<String> r, int status, String error) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), r.body());
        assertEquals("{\"error\":\"" + error + "\"}", r.body());
        assertTrue(r.headers().firstValue("Server").isEmpty(), r.headers().toString());
    }

    /** The whole answer, headers and body, to bytes curl would not send; the connection is closed after it. */
    private static String raw(String request) throws IOException {
        int port = sample.server().getURI().getPort();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertNamesNoServer(String answer) {
        String lower = answer.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("jetty"), answer);
        assertFalse(lower.contains("server:"), answer);
        assertFalse(lower.contains("<html"), answer);
    }

    @Test
    void anUnknownPathAnswersAJsonNotFound() throws Exception {
        assertJsonError(send("GET", "/nope"), 404, "not found");
    }

    @Test
    void anUnknownJaxRsPathAnswersAJsonNotFoundNamingNoServlet() throws Exception {
        assertJsonError(send("GET", "/api/nope"), 404, "not found");
    }

    @Test
    void aWrongMethodAnswersAJson405ThatKeepsItsAllowHeader() throws Exception {
        assertJsonError(send("POST", "/health"), 405, "method not allowed");
        HttpResponse<String> verify = send("POST", "/verify/abc");
        assertJsonError(verify, 405, "method not allowed");
        assertEquals("GET", verify.headers().firstValue("Allow").orElse(""));
        assertJsonError(send("POST", "/api/free"), 405, "method not allowed");
    }

    @Test
    void aProtectedPathAnswersANotFoundThatNamesNothing() throws Exception {
        HttpResponse<String> r = send("GET", "/WEB-INF/web.xml");

        // Jetty sends no body for a protected target, whatever the error page writes.
        assertEquals(404, r.statusCode());
        assertNamesNoServer(r.body());
        assertTrue(r.headers().firstValue("Server").isEmpty(), r.headers().toString());
    }

    @Test
    void noAnswerNamesTheServerInAHeader() throws Exception {
        for (String path : new String[] {"/", "/health", "/premium/report", "/api/weather", "/verify/abc"}) {
            HttpResponse<String> r = send("GET", path);
            assertTrue(r.headers().firstValue("Server").isEmpty(), path + ": " + r.headers());
        }
    }

    @Test
    void aBadHostIsRefusedWithoutNamingTheServer() throws Exception {
        String answer = raw("GET /premium/report HTTP/1.1\r\nHost: a\"><b>x</b>\r\nConnection: close\r\n\r\n");

        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertNamesNoServer(answer);
    }

    @Test
    void anAmbiguousOrBadlyEncodedPathIsRefusedWithoutNamingTheServer() throws Exception {
        for (String path : new String[] {"/verify/a%2Fb", "/verify/%ff%fe", "/premium/a%00b", "/verify/<script>"}) {
            String answer = raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            assertNamesNoServer(answer);
        }
    }

    @Test
    void headersTooLargeAreRefusedWithoutNamingTheServer() throws Exception {
        String answer = raw("GET /premium/report HTTP/1.1\r\nHost: 127.0.0.1\r\nX-PAYMENT: " + "A".repeat(64 * 1024)
                + "\r\nConnection: close\r\n\r\n");

        assertTrue(answer.startsWith("HTTP/1.1 431 "), answer);
        assertNamesNoServer(answer);
    }
}
