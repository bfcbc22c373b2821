package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.dev.DevFacilitator;
import dev.tollgate.core.dev.SimulatedLedger;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.testing.Proofs;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A verifier and settler supplied in code (here the dev facilitator, in process), with no facilitator URL. */
class InProcessSettlerTest {
    private static final String PAID = "PAID-IN-PROCESS-7d2e";

    private Tollgate tollgate;
    private Server server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        DevFacilitator dev = new DevFacilitator(new SimulatedLedger(), NetworkRegistry.defaults(), Clock.systemUTC());
        dev.fund(NetworkRegistry.defaults().find("base-sepolia").orElseThrow(), Proofs.BASE_SEPOLIA_USDC,
                Proofs.PAYER.address(), BigInteger.valueOf(1_000_000));
        tollgate = Tollgate.create(TollgateConfig.builder().environment(name -> null).payTo(Proofs.PAY_TO)
                .network("base-sepolia").route("GET", "/async/*", "$0.01").verifier(dev).settler(dev).build());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        FilterHolder filter = new FilterHolder(new PaymentFilter(tollgate));
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD,
                DispatcherType.INCLUDE, DispatcherType.ASYNC));
        ServletHolder completing = new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext ctx = req.startAsync();
                ctx.start(() -> {
                    try {
                        ctx.getResponse().getWriter().write(PAID);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    ctx.complete();
                });
            }
        });
        completing.setAsyncSupported(true);
        context.addServlet(completing, "/async/report");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        tollgate.close();
    }

    @Test
    void aPaidHandlerThatGoesAsynchronousIsServedWhenNoFacilitatorIsConfigured() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/async/report"))
                .header("X-PAYMENT", Proofs.proof().v1()).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PAID, r.body());
    }
}
