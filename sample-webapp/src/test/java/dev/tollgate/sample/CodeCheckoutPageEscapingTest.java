package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.code.testing.CodeSequencerDouble;
import dev.tollgate.core.testing.FacilitatorDouble;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the sequencer answers is not the sample's to trust: a reply that breaks HTTP (a broken or hostile
 * sequencer, or anything between it and us) goes to the log, and the "try again" page says only that the
 * payment could not be checked.
 */
class CodeCheckoutPageEscapingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String MARKUP = "<img src=x onerror=alert(document.domain)>";
    private static FacilitatorDouble facilitator;
    private static CodeSequencerDouble sequencer;
    private static Garbler garbler;
    private static SampleServer sample;

    /**
     * Passes requests on to the sequencer double, one per connection, until told to garble: then it answers
     * with a status line no HTTP client accepts, which carries markup.
     */
    static final class Garbler implements AutoCloseable {
        final AtomicBoolean garble = new AtomicBoolean();
        private final ServerSocket socket;
        private final URI target;

        Garbler(URI target) throws IOException {
            this.target = target;
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::serve, "garbler");
            t.setDaemon(true);
            t.start();
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + target.getRawPath());
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    InputStream in = client.getInputStream();
                    String head = readHead(in);
                    byte[] body = in.readNBytes(contentLength(head));
                    OutputStream out = client.getOutputStream();
                    if (garble.get()) {
                        out.write(("HTTP/1.1 2" + MARKUP + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    } else {
                        out.write(forward(head, body));
                    }
                    out.flush();
                } catch (IOException e) {
                    // closed, or a client that went away
                }
            }
        }

        private byte[] forward(String head, byte[] body) throws IOException {
            StringBuilder h = new StringBuilder();
            for (String line : head.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (!lower.startsWith("connection:") && !lower.startsWith("upgrade:") && !lower.startsWith("http2-settings:")
                        && !line.isEmpty()) {
                    h.append(line).append("\r\n");
                }
            }
            h.append("Connection: close\r\n\r\n");
            try (Socket s = new Socket(target.getHost(), target.getPort())) {
                s.getOutputStream().write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().write(body);
                s.getOutputStream().flush();
                return s.getInputStream().readAllBytes();
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                b.write(c);
                byte[] a = b.toByteArray();
                int n = a.length;
                if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                    break;
                }
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        private static int contentLength(String head) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    return Integer.parseInt(line.substring("content-length:".length()).strip());
                }
            }
            return 0;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        sequencer = CodeSequencerDouble.start();
        garbler = new Garbler(sequencer.endpoint());
        sample = SampleServer.start("TOLLGATE_FACILITATOR_URL", facilitator.url(),
                "TOLLGATE_CODE_SEQUENCER_URL", garbler.endpoint().toString(),
                "TOLLGATE_CODE_SCRIPT_URL", "http://127.0.0.1:9/code-stand-in.js");
    }

    @AfterAll
    static void stop() throws Exception {
        sample.close();
        garbler.close();
        sequencer.close();
        facilitator.close();
    }

    @Test
    void aSequencerReplyThatBreaksHttpGoesToTheLogAndTheVerifyPageShowsNothingOfIt() throws Exception {
        HttpResponse<String> created = CLIENT.send(HttpRequest.newBuilder(sample.uri("/create-intent"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, created.statusCode(), created.body());
        String id = JSON.readTree(created.body()).path("id").asText();
        garbler.garble.set(true);

        HttpResponse<String> page = sample.get("/verify/" + id);

        assertEquals(503, page.statusCode(), page.body());
        assertTrue(page.body().contains("Try again shortly"), page.body());
        assertFalse(page.body().contains(MARKUP), page.body());
        // Nor as text: the buyer learns that the check failed, not where the sequencer is or how it broke.
        assertFalse(page.body().contains("onerror"), page.body());
        assertFalse(page.body().contains(Integer.toString(garbler.endpoint().getPort())), page.body());
        assertFalse(page.body().contains("Exception"), page.body());
    }
}
