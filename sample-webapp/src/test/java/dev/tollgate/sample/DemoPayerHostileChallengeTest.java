package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code pay URL} talks to whatever server it is pointed at: a 402 it cannot use, or one without the optional
 * parts of a v2 challenge, ends the run with a one-line reason or the server's answer and exit code 1, never with
 * a stack trace.
 */
class DemoPayerHostileChallengeTest {
    private static final String OFFER = "{\"scheme\":\"exact\",\"network\":\"base-sepolia\",\"amount\":\"%s\","
            + "\"asset\":\"0x036CbD53842c5426634e7929541eC2318f3dCF7e\","
            + "\"payTo\":\"0x209693Bc6afc0C5328bA36FaF03C514EF312287C\",\"maxTimeoutSeconds\":60,"
            + "\"extra\":{\"name\":\"USDC\",\"version\":\"2\"}}";
    private final Server server = new Server();

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    /** Answers every request with a 402 whose v2 PAYMENT-REQUIRED header is {@code json}. */
    private String serve(String json) throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(402);
                response.getHeaders().put("PAYMENT-REQUIRED",
                        Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
                Content.Sink.write(response, true, "{}", callback);
                return true;
            }
        });
        server.start();
        return "http://127.0.0.1:" + connector.getLocalPort() + "/premium/report";
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"x402Version\":2,\"accepts\":[" + "OFFER:10000" + "]}",
            "{\"x402Version\":2,\"resource\":{\"url\":\"http://x/\"},\"accepts\":[" + "OFFER:-10000" + "]}",
            "{\"x402Version\":2,\"resource\":{\"url\":\"http://x/\"},\"accepts\":[" + "OFFER:1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000]}"})
    void aChallengeThePayerCannotUseEndsWithAReasonNotAStackTrace(String template) throws Exception {
        int at = template.indexOf("OFFER:");
        int end = template.indexOf(']', at);
        String json = template.substring(0, at) + OFFER.formatted(template.substring(at + 6, end)) + template.substring(end);
        String url = serve(json);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = DemoPayer.run(List.of(url), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        String printed = out.toString(StandardCharsets.UTF_8);
        String errors = err.toString(StandardCharsets.UTF_8);
        String said = printed + errors;
        assertEquals(1, code, said);
        assertFalse(said.contains("\tat ") || said.contains("Exception"), "a stack trace: " + said);
        // "GET url -> 402" is always printed first; what ends the run is a one-line reason, or the server's
        // answer to the paid retry.
        boolean reason = errors.startsWith("pay: ") && errors.strip().lines().count() == 1
                && errors.strip().length() > "pay: ".length() && !errors.startsWith("pay: null");
        boolean refusedRetry = errors.isEmpty() && printed.contains(" with PAYMENT-SIGNATURE -> 402");
        assertTrue(reason || refusedRetry, "a reason, or the server's refusal: " + said);
    }
}
