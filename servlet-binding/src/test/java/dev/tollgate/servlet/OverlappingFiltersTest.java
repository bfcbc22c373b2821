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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two Tollgate filters, each with its own price, declared in one web application with mappings that overlap: a
 * cheap one on everything and a dear one on {@code /gold/*}. A payment the cheap filter admitted used to mark the
 * request as paid for every Tollgate filter after it, so the gold content went for the cheap price.
 */
class OverlappingFiltersTest {
    private static final AtomicInteger GOLD_RUNS = new AtomicInteger();
    private static final String GOLD = "GOLD-CONTENT";
    private static FacilitatorDouble facilitator;
    private static Server server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        Tollgate cheap = Tollgate.create(TollgateConfig.builder()
                .facilitatorUrl(facilitator.url()).payTo(Proofs.PAY_TO).price("$0.01").build());
        Tollgate dear = Tollgate.create(TollgateConfig.builder()
                .facilitatorUrl(facilitator.url()).payTo(Proofs.PAY_TO).price("$1").build());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        EnumSet<DispatcherType> all = EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD,
                DispatcherType.INCLUDE, DispatcherType.ASYNC);
        context.addFilter(new FilterHolder(new PaymentFilter(cheap)), "/*", all);
        context.addFilter(new FilterHolder(new PaymentFilter(dear)), "/gold/*", all);
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                GOLD_RUNS.incrementAndGet();
                resp.getWriter().write(GOLD);
            }
        }), "/gold/*");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write("cheap");
            }
        }), "/cheap/*");
        server.setHandler(context);
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        facilitator.close();
    }

    @BeforeEach
    void reset() {
        GOLD_RUNS.set(0);
        facilitator.settleRequests().clear();
    }

    @Test
    void thePaymentOneFilterAdmittedDoesNotPayForWhatAnotherFilterChargesMoreFor() throws Exception {
        HttpResponse<String> r = get("/gold/bar", Proofs.proof().value(10_000).v1());
        assertFalse(r.body().contains(GOLD), r.statusCode() + " " + r.body());
        assertTrue(r.statusCode() >= 400, "answered " + r.statusCode());
        assertEquals(0, GOLD_RUNS.get());
        assertTrue(facilitator.settleRequests().isEmpty(), "nothing is charged for content that was not delivered");
    }

    @Test
    void aPathOnlyOneFilterChargesForIsServedForItsPayment() throws Exception {
        HttpResponse<String> r = get("/cheap/x", Proofs.proof().value(10_000).v1());
        assertEquals(200, r.statusCode());
        assertEquals("cheap", r.body());
        assertEquals(1, facilitator.settleRequests().size());
    }

    private HttpResponse<String> get(String path, String proof) throws Exception {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-PAYMENT", proof).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
