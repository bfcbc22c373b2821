package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
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
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A paid page that includes a free fragment: the fragment is part of the paid answer, and what an included servlet
 * may not do (the Servlet specification: it "cannot change the response status code or set headers; any attempt to
 * make a change is ignored") changes nothing of it. Jetty wraps the response of an include above Tollgate's buffer;
 * tomcat-tests runs the same cases on Tomcat, which slips its include wrapper in beneath it.
 */
class PaidIncludeTest {
    private static final String PAID = "PAID-CONTENT-1nc1";
    private static FacilitatorDouble facilitator;
    private static Tollgate tollgate;
    private static Server server;
    private static String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        facilitator = new FacilitatorDouble();
        tollgate = Tollgate.create(TollgateConfig.builder()
                .facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO)
                .route("GET", "/premium/*", "$0.01")
                .build());
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new PaymentFilter(tollgate)), "/premium/*", EnumSet.of(
                DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ASYNC));
        context.addServlet(new ServletHolder(new Including()), "/premium/include");
        context.addServlet(new ServletHolder(new Fragment()), "/free/fragment");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        tollgate.close();
        facilitator.close();
    }

    @BeforeEach
    void reset() {
        facilitator.settleRequests().clear();
    }

    @ParameterizedTest
    @CsvSource({"request, nothing", "context, nothing", "request, status", "request, error", "request, redirect",
            "request, reset", "context, status", "context, error", "context, redirect", "context, reset"})
    void aFragmentIncludedInAPaidPageIsPartOfItsAnswerAndCannotChangeItsStatus(String via, String then)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/premium/include?via=" + via + "&then=" + then))
                .timeout(Duration.ofSeconds(10)).header("X-PAYMENT", Proofs.proof().v1()).GET().build();

        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(PAID + " [fragment]", r.body());
        assertTrue(r.headers().firstValue("Location").isEmpty(), r.headers().map().toString());
        assertTrue(r.headers().firstValue("PAYMENT-RESPONSE").isPresent());
        assertEquals(1, facilitator.settleRequests().size());
    }

    /** Includes the fragment ({@code ?then=} passed on) through the request's or ({@code ?via=context}) the context's dispatcher. */
    private static final class Including extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write(PAID + " [");
            String fragment = "/free/fragment?then=" + req.getParameter("then");
            RequestDispatcher dispatcher = "context".equals(req.getParameter("via"))
                    ? getServletContext().getRequestDispatcher(fragment)
                    : req.getRequestDispatcher(fragment);
            dispatcher.include(req, resp);
            resp.getWriter().write("]");
        }
    }

    /** Writes, then tries what an included servlet cannot do ({@code ?then=status|error|redirect|reset|nothing}). */
    private static final class Fragment extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write("fragment");
            switch (req.getParameter("then")) {
                case "status" -> resp.setStatus(500);
                case "error" -> resp.sendError(404);
                case "redirect" -> resp.sendRedirect("/free/landing");
                case "reset" -> resp.reset();
                case "nothing" -> {
                }
                default -> throw new IllegalArgumentException(req.getParameter("then"));
            }
        }
    }
}
