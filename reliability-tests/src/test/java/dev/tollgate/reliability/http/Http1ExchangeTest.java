package dev.tollgate.reliability.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.Proofs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP/1 exchange around a paid route, byte for byte on one socket: HTTP/1.0, {@code Connection: close},
 * refused requests that carry a body on a keep-alive connection, {@code Expect: 100-continue}, and pipelined
 * requests mixing paid, unpaid and replayed proofs. Each answer is read by its own framing, so an answer that
 * belongs to another request, or a body read as a request, shows.
 */
class Http1ExchangeTest {
    static PaidApps apps;

    @BeforeAll
    static void start() throws Exception {
        apps = PaidApps.shared();
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String nonce(com.fasterxml.jackson.databind.JsonNode paymentPayloadOrSettle) {
        com.fasterxml.jackson.databind.JsonNode p = paymentPayloadOrSettle.has("paymentPayload")
                ? paymentPayloadOrSettle.get("paymentPayload") : paymentPayloadOrSettle;
        return p.path("payload").path("authorization").path("nonce").asText();
    }

    private static String transaction(String receipt) throws IOException {
        return JSON.readTree(java.util.Base64.getDecoder().decode(receipt)).path("transaction").asText();
    }

    private static int port(String binding) {
        return binding.equals("servlet") ? apps.servletPort() : apps.jerseyPort();
    }

    private static String paid(String binding, String name) {
        return (binding.equals("servlet") ? "/premium/" : "/api/premium/") + name;
    }

    private static String free(String binding) {
        return binding.equals("servlet") ? "/free/x" : "/api/free";
    }

    /** One answer read off the wire by its own framing. */
    record Answer(String statusLine, Map<String, String> headers, String body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Reads one answer, or null when the server closed the connection before sending one. */
    static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h; !(h = line(in)).isEmpty(); ) {
            int colon = h.indexOf(':');
            headers.merge(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        if (status == 100) {
            return new Answer(statusLine, headers, "");
        }
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size; (size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0; ) {
                body.write(in.readNBytes(size));
                line(in);
            }
            while (!line(in).isEmpty()) {
                // trailers
            }
        } else {
            body.write(in.readAllBytes()); // framed by the close
        }
        return new Answer(statusLine, headers, body.toString(StandardCharsets.ISO_8859_1));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                return b.toString().stripTrailing();
            }
            b.append((char) c);
        }
        return b.isEmpty() ? null : b.toString();
    }

    private static Socket connect(String binding) throws IOException {
        Socket s = new Socket("127.0.0.1", port(binding));
        s.setSoTimeout(10_000);
        return s;
    }

    private static void send(Socket s, String bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String get(String target, String... headers) {
        StringBuilder b = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void anHttp10PaidRequestWithoutHostIsServedWithItsReceiptsAndClosed(String binding) throws Exception {
        try (Socket s = connect(binding)) {
            send(s, "GET " + paid(binding, "report") + " HTTP/1.0\r\nX-PAYMENT: " + Proofs.proof().v1() + "\r\n\r\n");
            Answer a = read(s.getInputStream());
            assertEquals(200, a.status(), a.toString());
            assertTrue(a.body().startsWith(PaidApps.MARKER), a.body());
            assertNotNull(a.header("PAYMENT-RESPONSE"));
            assertNotNull(a.header("X-PAYMENT-RESPONSE"));
            assertEquals(-1, s.getInputStream().read(), "HTTP/1.0 without keep-alive ends the connection");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void anHttp10RequestWithoutAProofGetsTheWholeChallengeAndTheConnectionCloses(String binding) throws Exception {
        try (Socket s = connect(binding)) {
            send(s, "GET " + paid(binding, "report") + " HTTP/1.0\r\n\r\n");
            Answer a = read(s.getInputStream());
            assertEquals(402, a.status());
            assertNotNull(a.header("PAYMENT-REQUIRED"));
            assertTrue(a.body().contains("\"x402Version\""), a.body());
            assertEquals(-1, s.getInputStream().read());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void aPaidRequestAskingToCloseIsServedWholeWithItsReceipts(String binding) throws Exception {
        try (Socket s = connect(binding)) {
            send(s, get(paid(binding, "report"), "X-PAYMENT: " + Proofs.proof().v1(), "Connection: close"));
            Answer a = read(s.getInputStream());
            assertEquals(200, a.status(), a.toString());
            assertTrue(a.body().startsWith(PaidApps.MARKER));
            assertNotNull(a.header("PAYMENT-RESPONSE"));
            assertEquals("close", a.header("Connection"));
            assertEquals(-1, s.getInputStream().read());
        }
    }

    /**
     * A 402 to a POST whose body nobody read, on a keep-alive connection with a paid request right behind the
     * body: the body is never read as a request, and the paid request is either answered as itself with its
     * receipt, or not at all (the 402 said the connection closes), and then not charged: its proof still pays.
     */
    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void aChallengedPostWithABodyOnKeepAliveNeverDesyncsTheConnectionNorChargesWhatItDrops(String binding)
            throws Exception {
        // The body is itself a request line: a server that read it as a request would answer it.
        String smuggled = "GET " + paid(binding, "smuggled") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        String post = "POST " + paid(binding, "report") + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled;
        String proof = Proofs.proof().v1();
        int settled = apps.facilitator.settleRequests().size();
        try (Socket s = connect(binding)) {
            send(s, post + get(paid(binding, "behind"), "X-PAYMENT: " + proof));
            InputStream in = s.getInputStream();
            Answer challenge = read(in);
            assertEquals(402, challenge.status(), challenge.toString());
            assertFalse(challenge.body().contains(PaidApps.MARKER));
            Answer next = read(in);
            if (next != null) {
                assertEquals(200, next.status(), next.toString());
                assertNotNull(next.header("PAYMENT-RESPONSE"));
                assertNull(read(in));
                return;
            }
            assertEquals("close", challenge.header("Connection"), "closed without saying so");
        }
        assertEquals(settled, apps.facilitator.settleRequests().size(), "the dropped request was charged");
        try (Socket s = connect(binding)) {
            send(s, get(paid(binding, "behind"), "X-PAYMENT: " + proof, "Connection: close"));
            Answer retry = read(s.getInputStream());
            assertEquals(200, retry.status(), "the dropped request's proof pays its retry: " + retry);
        }
    }

    /** A paid POST whose handler leaves the body unread, then a free request on the same connection. */
    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void aPaidPostWhoseBodyIsUnreadLeavesTheConnectionInStep(String binding) throws Exception {
        String smuggled = "GET " + paid(binding, "smuggled") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        try (Socket s = connect(binding)) {
            send(s, "POST " + paid(binding, "report") + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                    + "X-PAYMENT: " + Proofs.proof().v1() + "\r\nContent-Length: " + smuggled.length() + "\r\n\r\n"
                    + smuggled + get(free(binding)));
            InputStream in = s.getInputStream();
            Answer paid = read(in);
            assertEquals(200, paid.status(), paid.toString());
            assertTrue(paid.body().startsWith(PaidApps.MARKER), paid.body());
            assertNotNull(paid.header("PAYMENT-RESPONSE"));
            Answer next = read(in);
            if (next != null) {
                assertEquals(PaidApps.FREE, next.body(), "the request behind the body answered as itself");
            }
        }
    }

    /**
     * {@code Expect: 100-continue} without a proof: the 402 goes out without asking for the body (no {@code 100
     * Continue} first), so a client never uploads a body to be refused.
     */
    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void aChallengeToAnExpectContinuePostGoesOutWithoutAskingForTheBody(String binding) throws Exception {
        try (Socket s = connect(binding)) {
            send(s, "POST " + paid(binding, "report") + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                    + "Expect: 100-continue\r\nContent-Length: 10000000\r\n\r\n");
            Answer a = read(s.getInputStream());
            assertEquals(402, a.status(), a.toString());
            assertNotNull(a.header("PAYMENT-REQUIRED"));
            assertEquals("close", a.header("Connection"));
        }
    }

    /** With a proof, the body is asked for (the handler may read it) and the answer carries the receipts. */
    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void aPaidExpectContinuePostIsServedWithItsReceipts(String binding) throws Exception {
        try (Socket s = connect(binding)) {
            send(s, "POST " + paid(binding, "report") + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                    + "Expect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\nX-PAYMENT: "
                    + Proofs.proof().v1() + "\r\n\r\n");
            InputStream in = s.getInputStream();
            Answer a = read(in);
            if (a.status() == 100) {
                send(s, "hello");
                a = read(in);
            }
            assertEquals(200, a.status(), a.toString());
            assertTrue(a.body().startsWith(PaidApps.MARKER), a.body());
            assertNotNull(a.header("PAYMENT-RESPONSE"));
        }
    }

    /** A large body sent whole to a refused request: the refusal arrives, and the server drops the rest. */
    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void aLargeBodyToARefusedRequestGetsTheChallengeAndIsNotRead(String binding) throws Exception {
        int runs = PaidApps.RUNS.get();
        try (Socket s = connect(binding)) {
            send(s, "POST " + paid(binding, "report") + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 50000000\r\n\r\n");
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[65536];
            try {
                for (int i = 0; i < 64; i++) { // 4 MiB of the 50 MB announced
                    out.write(chunk);
                }
            } catch (IOException closedUnderUs) {
                // the server answered and closed: what matters is what it answered
            }
            Answer a = read(s.getInputStream());
            assertEquals(402, a.status(), a.toString());
            assertFalse(a.body().contains(PaidApps.MARKER));
        }
        assertEquals(runs, PaidApps.RUNS.get());
    }

    /**
     * Five requests written at once on one keep-alive connection: paid, unpaid, the first proof replayed, free,
     * and a second paid one. Each answer is its own request's, in order, and only the two paid ones carry a
     * receipt, each its own.
     */
    @ParameterizedTest
    @ValueSource(strings = {"servlet", "jaxrs"})
    void pipelinedPaidUnpaidAndReplayedRequestsAreAnsweredEachAsItself(String binding) throws Exception {
        String first = Proofs.proof().v1();
        String second = Proofs.proof().v1();
        int settled = apps.facilitator.settleRequests().size();
        try (Socket s = connect(binding)) {
            send(s, get(paid(binding, "one"), "X-PAYMENT: " + first)
                    + get(paid(binding, "two"))
                    + get(paid(binding, "three"), "X-PAYMENT: " + first)
                    + get(free(binding))
                    + get(paid(binding, "five"), "X-PAYMENT: " + second, "Connection: close"));
            InputStream in = s.getInputStream();
            List<Answer> answers = new ArrayList<>();
            for (Answer a; (a = read(in)) != null; ) {
                answers.add(a);
            }
            assertEquals(List.of(200, 402, 402, 200, 200), answers.stream().map(Answer::status).toList(),
                    answers.toString());
            if (binding.equals("servlet")) {
                assertEquals(PaidApps.MARKER + " GET /premium/one", answers.get(0).body());
                assertEquals(PaidApps.MARKER + " GET /premium/five", answers.get(4).body());
            } else {
                assertTrue(answers.get(0).body().startsWith(PaidApps.MARKER));
                assertTrue(answers.get(4).body().startsWith(PaidApps.MARKER));
            }
            assertEquals(PaidApps.FREE, answers.get(3).body());
            for (int i : new int[] {1, 2, 3}) {
                assertNull(answers.get(i).header("PAYMENT-RESPONSE"), i + ": " + answers.get(i));
                assertNull(answers.get(i).header("X-PAYMENT-RESPONSE"), i + ": " + answers.get(i));
                assertFalse(answers.get(i).body().contains(PaidApps.MARKER));
            }
            assertTrue(answers.get(2).body().toLowerCase(Locale.ROOT).contains("used")
                    || answers.get(2).body().toLowerCase(Locale.ROOT).contains("replay"), answers.get(2).body());
            String receiptOne = answers.get(0).header("PAYMENT-RESPONSE");
            String receiptFive = answers.get(4).header("PAYMENT-RESPONSE");
            assertNotNull(receiptOne);
            assertNotNull(receiptFive);
            assertNotEquals(receiptOne, receiptFive);
            assertEquals(settled + 2, apps.facilitator.settleRequests().size());
            // The first settlement was the first proof's, and the first answer carries the earlier transaction.
            assertEquals(nonce(JSON.readTree(java.util.Base64.getDecoder().decode(first))),
                    nonce(apps.facilitator.settleRequests().get(settled)));
            assertTrue(transaction(receiptOne).compareTo(transaction(receiptFive)) < 0, receiptOne + " " + receiptFive);
        }
    }
}
