package dev.tollgate.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Server;

/**
 * The sample started in-process as {@code java -jar} starts it, on an ephemeral loopback port. Its environment
 * settings are given as system properties, which {@code Main} reads before the environment; closing it stops
 * the server and clears them, so the next test class starts from the defaults.
 */
final class SampleServer implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private final List<String> names = new ArrayList<>();
    private final Server server;

    /** {@code settings}: names and values in turn, e.g. {@code "TOLLGATE_VERIFY", "local"}. */
    static SampleServer start(String... settings) throws Exception {
        return new SampleServer(settings);
    }

    private SampleServer(String... settings) throws Exception {
        for (int i = 0; i < settings.length; i += 2) {
            System.setProperty(settings[i], settings[i + 1]);
            names.add(settings[i]);
        }
        // web.xml requires both beside a real facilitator; the tests' doubles move no money
        DevMode.DEMO_ACCOUNTS.forEach((name, value) -> {
            if (!names.contains(name) && System.getenv(name) == null) {
                System.setProperty(name, value);
                names.add(name);
            }
        });
        try {
            server = Main.start("127.0.0.1", 0);
        } catch (Exception | Error e) {
            names.forEach(System::clearProperty);
            throw e;
        }
    }

    Server server() {
        return server;
    }

    URI uri(String path) {
        return server.getURI().resolve(path);
    }

    /** {@code GET path} with {@code headers} (names and values in turn). */
    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            names.forEach(System::clearProperty);
        }
    }
}
