package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The demo payer run straight after {@code ./run-sample.sh} meets the sample's start-up answer (503,
 * Retry-After: 1); it asks again rather than reporting that there is nothing to pay, but only as long as the
 * wait is short and given in seconds.
 */
class DemoPayerPatienceTest {
    private final Server server = new Server();
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    /** Answers 503 with {@code retryAfter} to the first {@code unavailable} requests, then 200. */
    private String serve(int unavailable, String retryAfter) throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (requests.incrementAndGet() <= unavailable) {
                    response.setStatus(503);
                    response.getHeaders().put(HttpHeader.RETRY_AFTER, retryAfter);
                    Content.Sink.write(response, true, DevMode.STARTING_ANSWER, callback);
                } else {
                    Content.Sink.write(response, true, "free", callback);
                }
                return true;
            }
        });
        server.start();
        return "http://127.0.0.1:" + connector.getLocalPort() + "/premium/report";
    }

    private static int pay(String url, ByteArrayOutputStream out) {
        return DemoPayer.run(List.of(url), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    }

    @Test
    void aServerThatIsStartingIsAskedAgainAfterItsRetryAfter() throws Exception {
        String url = serve(2, "1");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int code = pay(url, out);

        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertEquals(3, requests.get(), text);
        assertEquals(2, text.split("asking again in 1 s", -1).length - 1, text);
        assertTrue(text.contains("-> 200"), text);
    }

    /** One 503 with {@code retryAfter}, then 200: the payer must report the 503 without asking again. */
    private void assertReportedAtOnce(String retryAfter) throws Exception {
        String url = serve(1, retryAfter);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int code = pay(url, out);

        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, text);
        assertEquals(1, requests.get(), text);
        assertTrue(text.contains("-> 503"), text);
        assertFalse(text.contains("asking again"), text);
    }

    @Test
    void aWaitLongerThanThePayersPatienceIsReportedAtOnce() throws Exception {
        assertReportedAtOnce("3600");
    }

    @Test
    void aRetryAfterGivenAsADateIsNotWaitedFor() throws Exception {
        assertReportedAtOnce("Wed, 21 Oct 2026 07:28:00 GMT");
    }
}
