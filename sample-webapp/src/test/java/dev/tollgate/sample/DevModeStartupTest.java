package dev.tollgate.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * In dev mode the port opens before the web application has started (the filter's start-up check must reach
 * the dev facilitator). A web application held in its start-up shows what a client arriving then is told.
 */
class DevModeStartupTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final CountDownLatch mayStart = new CountDownLatch(1);
    private final Server server = new Server();
    private final ContextHandler webapp = new HeldWebApp();
    private CompletableFuture<Void> starting;

    /** Stands in for the sample's WebAppContext: starts only when the test lets it, then answers "ready". */
    private final class HeldWebApp extends ContextHandler {
        HeldWebApp() {
            super("/");
            setHandler(new Handler.Abstract.NonBlocking() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    Content.Sink.write(response, true, "ready", callback);
                    return true;
                }
            });
        }

        @Override
        protected void doStart() throws Exception {
            if (!mayStart.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the web application start");
            }
            super.doStart();
        }
    }

    @AfterEach
    void stop() throws Exception {
        mayStart.countDown();
        if (starting != null) {
            starting.get(10, TimeUnit.SECONDS);
        }
        server.stop();
    }

    private URI startHeld() throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        starting = CompletableFuture.runAsync(() -> {
            try {
                DevMode.start(server, connector, webapp, java.time.Duration.ofSeconds(Main.DEFAULT_STOP_TIMEOUT));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (connector.getLocalPort() <= 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(connector.getLocalPort() > 0, "the connector never opened");
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRequestWhileTheWebApplicationStartsIsAskedToComeBackInsteadOfFindingNothing() throws Exception {
        URI base = startHeld();
        HttpResponse<String> early = get(base.resolve("/premium/report"));
        assertEquals(503, early.statusCode(), early.body());
        assertEquals("1", early.headers().firstValue("Retry-After").orElse(null));
        assertEquals("no-store", early.headers().firstValue("Cache-Control").orElse(null));
        assertEquals(DevMode.STARTING_ANSWER, early.body());
    }

    @Test
    void theDevFacilitatorAnswersWhileTheWebApplicationStarts() throws Exception {
        URI base = startHeld();
        HttpResponse<String> supported = get(base.resolve(DevMode.PATH + "/supported"));
        assertEquals(200, supported.statusCode(), supported.body());
        assertTrue(supported.body().contains("\"kinds\""), supported.body());
    }

    @Test
    void onceStartedTheWebApplicationAnswersEverythingOutsideTheDevFacilitator() throws Exception {
        URI base = startHeld();
        mayStart.countDown();
        starting.get(10, TimeUnit.SECONDS);
        HttpResponse<String> answer = get(base.resolve("/premium/report"));
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("ready", answer.body());
        assertEquals(200, get(base.resolve(DevMode.PATH + "/supported")).statusCode());
    }

    @Test
    void stoppingTheServerStopsTheWebApplicationItStartedApart() throws Exception {
        startHeld();
        mayStart.countDown();
        starting.get(10, TimeUnit.SECONDS);
        assertTrue(webapp.isStarted());
        server.stop();
        assertTrue(webapp.isStopped(), webapp.getState());
    }
}
