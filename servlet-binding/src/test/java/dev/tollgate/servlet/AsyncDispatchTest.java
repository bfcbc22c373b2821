package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A free servlet that hands its request to a paid path with {@code AsyncContext.dispatch}: with the filter
 * mapped as documented (ASYNC included) the dispatch is charged like a direct request. Mapped without ASYNC,
 * as the documentation once said, the paid handler served the dispatch for free.
 */
class AsyncDispatchTest {
    private static final AtomicInteger PAID_RUNS = new AtomicInteger();
    private static FacilitatorDouble facilitator;
    private static Server server;

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        Tollgate tollgate = Tollgate.create(TollgateConfig.builder()
                .facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO)
                .route("GET", "/premium/*", "$0.01")
                .build());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new PaymentFilter(tollgate)), "/*", EnumSet.of(DispatcherType.REQUEST,
                DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ASYNC));
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                PAID_RUNS.incrementAndGet();
                resp.getWriter().write("PAID");
            }
        }), "/premium/*");
        ServletHolder dispatcher = new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                req.startAsync().dispatch("/premium/report");
            }
        });
        dispatcher.setAsyncSupported(true);
        context.addServlet(dispatcher, "/free/*");
        server.setHandler(context);
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        facilitator.close();
    }

    @Test
    void anAsyncDispatchToAPaidPathIsChallengedLikeADirectRequest() throws Exception {
        int runs = PAID_RUNS.get(); // the paid test, if it ran first, already counted its run
        HttpResponse<String> r = get(null);
        assertEquals(402, r.statusCode());
        assertFalse(r.body().contains("PAID"));
        assertEquals(runs, PAID_RUNS.get());
        assertTrue(r.headers().firstValue("PAYMENT-REQUIRED").isPresent());
    }

    @Test
    void aPaidAsyncDispatchIsServedAndSettledOnce() throws Exception {
        int before = facilitator.settleRequests().size();
        int runs = PAID_RUNS.get();
        HttpResponse<String> r = get(Proofs.proof().v1());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("PAID", r.body());
        assertEquals(before + 1, facilitator.settleRequests().size());
        assertEquals(runs + 1, PAID_RUNS.get(), "the paid handler ran once");
    }

    private static HttpResponse<String> get(String proof) throws Exception {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/free/page"));
        if (proof != null) {
            b.header("X-PAYMENT", proof);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
