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
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A deployment that forgot to map the filter for ASYNC: a paid handler's AsyncContext.dispatch goes past it. The
 * paid answer is withheld and nothing is charged, and the mistake is logged as an error that says how to fix it.
 */
class UnmappedAsyncDispatchTest {
    private static final String PAID = "PAID-UNMAPPED-7d2e";
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(PaidAsync.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private FacilitatorDouble facilitator;
    private Tollgate tollgate;
    private Server server;

    @BeforeEach
    void start() throws Exception {
        logger.addHandler(capture);
        facilitator = new FacilitatorDouble();
        tollgate = Tollgate.create(TollgateConfig.builder().facilitatorUrl(facilitator.url()).payTo(Proofs.PAY_TO)
                .route("GET", "/async/*", "$0.01").build());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        FilterHolder filter = new FilterHolder(new PaymentFilter(tollgate));
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder dispatching = new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                req.startAsync().dispatch("/inner/report");
            }
        });
        dispatching.setAsyncSupported(true);
        context.addServlet(dispatching, "/async/dispatch");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().write(PAID);
            }
        }), "/inner/*");
        server.setHandler(context);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        logger.removeHandler(capture);
        server.stop();
        tollgate.close();
        facilitator.close();
    }

    @Test
    void theWithheldAnswerIsNotChargedAndTheMissingMappingIsLoggedAsAnError() throws Exception {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/async/dispatch"))
                .header("X-PAYMENT", Proofs.proof().v1()).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertFalse(r.body().contains(PAID), r.body());
        assertEquals(0, facilitator.settleRequests().size());
        // The container reports the completion to listeners as it ends the cycle, possibly after the answer left.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (logged.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, logged.size(), logged.toString());
        assertEquals(Level.SEVERE, logged.get(0).getLevel());
        assertTrue(logged.get(0).getMessage().contains("not mapped for the ASYNC dispatcher type"),
                logged.get(0).getMessage());
    }
}
