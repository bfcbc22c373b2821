package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
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
 * What runs before Tollgate (a CORS filter, a session) sets headers on the response before the paid handler runs. An
 * answer Tollgate puts in place of the handler's (a refused settlement, a body over {@code bufferLimit}) drops what the
 * handler set, but keeps those: a browser client on another origin must be able to read why it was not served.
 */
class HeadersSetBeforeTheFilterTest {
    private static final String ORIGIN = "https://app.example";
    private static FacilitatorDouble facilitator;
    private static Server server;
    private static String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        Tollgate tollgate = Tollgate.create(TollgateConfig.builder().facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO).set("bufferLimit", "1024").route("GET", "/paid/*", "$0.01").build());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        Filter cors = (req, res, chain) -> {
            ((HttpServletResponse) res).setHeader("Access-Control-Allow-Origin", ORIGIN);
            ((HttpServletResponse) res).addHeader("Vary", "Origin");
            chain.doFilter(req, res);
        };
        context.addFilter(new FilterHolder(cors), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(new PaymentFilter(tollgate)), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setHeader("X-Handler", "paid");
                resp.addHeader("Vary", "Accept");
                resp.setContentType("text/plain");
                resp.getWriter().write("x".repeat(Integer.parseInt(req.getParameter("bytes"))));
            }
        }), "/paid/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        facilitator.close();
    }

    @BeforeEach
    void settle() {
        facilitator.onSettle((ex, req) -> FacilitatorDouble.respond(ex, 200, "{\"success\":true,\"transaction\":\"0x"
                + "ab".repeat(32) + "\",\"network\":\"base-sepolia\"}"));
    }

    private HttpResponse<String> paid(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Origin", ORIGIN).header("X-PAYMENT", Proofs.proof().v1()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every header of the answer once, as it was set (the container's own, such as Date, too). */
    private static void assertEachHeaderOnce(HttpResponse<?> r) {
        for (Map.Entry<String, List<String>> header : r.headers().map().entrySet()) {
            if (!header.getKey().equalsIgnoreCase("Vary")) {
                assertEquals(1, header.getValue().size(), header.getKey() + " in " + r.headers().map());
            }
        }
    }

    @Test
    void aRefusedSettlementKeepsTheHeadersSetBeforeTheFilterAndDropsTheHandlers() throws Exception {
        facilitator.onSettle(FacilitatorDouble.answer(200,
                "{\"success\":false,\"errorReason\":\"insufficient_funds\",\"transaction\":\"\",\"network\":\"base-sepolia\"}"));

        HttpResponse<String> r = paid("/paid/x?bytes=10");

        assertEquals(402, r.statusCode());
        assertEquals(ORIGIN, r.headers().firstValue("Access-Control-Allow-Origin").orElse(null), r.headers().map().toString());
        assertEquals(List.of("Origin"), r.headers().allValues("Vary"));
        assertTrue(r.headers().firstValue("X-Handler").isEmpty(), r.headers().map().toString());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertFalse(r.body().contains("xxxxxxxxxx"), r.body());
        assertEachHeaderOnce(r);
    }

    @Test
    void anAnswerOverTheBufferLimitKeepsTheHeadersSetBeforeTheFilter() throws Exception {
        HttpResponse<String> r = paid("/paid/x?bytes=2000");

        assertEquals(500, r.statusCode());
        assertEquals(ORIGIN, r.headers().firstValue("Access-Control-Allow-Origin").orElse(null), r.headers().map().toString());
        assertTrue(r.headers().firstValue("X-Handler").isEmpty(), r.headers().map().toString());
        assertEachHeaderOnce(r);
    }

    @Test
    void aSettledAnswerCarriesBoth() throws Exception {
        HttpResponse<String> r = paid("/paid/x?bytes=10");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(ORIGIN, r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("paid", r.headers().firstValue("X-Handler").orElse(null));
        assertEachHeaderOnce(r);
    }
}
