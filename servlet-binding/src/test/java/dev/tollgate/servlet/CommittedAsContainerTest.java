package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A paid handler asks {@code isCommitted()} as it would of the container's response: frameworks and the
 * DefaultServlet do before they choose between an error page and carrying on. Tollgate holds the answer back, but
 * it treats the answer as committed where the container would (a later error status is ignored, a forward or
 * redirect refused), so it must say so, or a handler that checks first calls what then fails.
 */
class CommittedAsContainerTest {
    private static FacilitatorDouble facilitator;
    private static Server server;
    private static String base;
    /** What the last request's handler saw after each of its steps. */
    private static volatile List<Boolean> observed;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        Tollgate tollgate = Tollgate.create(TollgateConfig.builder()
                .facilitatorUrl(facilitator.url()).payTo(Proofs.PAY_TO).route("GET", "/paid/*", "$0.01").build());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new PaymentFilter(tollgate)), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Observing()), "/paid/*");
        context.addServlet(new ServletHolder(new Observing()), "/free/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        facilitator.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"write:10", "write:10,flush,write:10", "write:40000,write:10", "write:10,error",
            "writer:40000", "reset,write:10"})
    void aPaidHandlerSeesItsAnswerCommittedWhereTheContainersWouldBe(String steps) throws Exception {
        List<Boolean> free = run("/free/x?steps=" + steps, null);
        List<Boolean> paid = run("/paid/x?steps=" + steps, Proofs.proof().v1());
        assertEquals(free, paid, "after each step of " + steps + ", unprotected then paid");
    }

    private List<Boolean> run(String path, String proof) throws Exception {
        observed = null;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (proof != null) {
            b.header("X-PAYMENT", proof);
        }
        client.send(b.GET().build(), HttpResponse.BodyHandlers.discarding());
        return observed;
    }

    /** Runs the steps of {@code ?steps=}, noting {@code isCommitted()} before the first and after each. */
    private static final class Observing extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            List<Boolean> seen = new ArrayList<>();
            seen.add(resp.isCommitted());
            for (String step : req.getParameter("steps").split(",")) {
                String[] s = step.split(":");
                switch (s[0]) {
                    case "write" -> resp.getOutputStream().write(new byte[Integer.parseInt(s[1])]);
                    case "writer" -> resp.getWriter().write("x".repeat(Integer.parseInt(s[1])));
                    case "flush" -> resp.flushBuffer();
                    case "error" -> resp.sendError(404);
                    case "reset" -> resp.reset();
                    default -> throw new IllegalArgumentException(step);
                }
                seen.add(resp.isCommitted());
            }
            observed = seen;
        }
    }
}
