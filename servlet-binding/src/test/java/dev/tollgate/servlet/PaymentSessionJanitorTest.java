package dev.tollgate.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.gate.Decision;
import dev.tollgate.core.gate.PaymentSession;
import dev.tollgate.core.gate.PaymentTerms;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A payment admitted by a JAX-RS runtime and left in {@link PaymentSession#ATTRIBUTE} because no response filter ran
 * (an exception escaped the runtime): with the janitor registered the proof is free again when the request is over,
 * without it the proof stays claimed. Here a servlet plays the runtime: it admits through the Tollgate as the JAX-RS
 * binding does, keeps the session as a request attribute, and fails without ending it.
 */
class PaymentSessionJanitorTest {
    private FacilitatorDouble facilitator;
    private Tollgate tollgate;
    private Server server;
    private String url;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Admits the request's proof, keeps the session where the JAX-RS binding does, and fails: nothing ends it. */
    private final class AdmitsAndFails extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            PaymentTerms terms = tollgate.termsFor("GET", req.getRequestURI()).orElseThrow();
            Decision decision = tollgate.check(new ServletRequestView(req, req.getRequestURI()), terms);
            if (decision instanceof Decision.Admit admitted) {
                req.setAttribute(PaymentSession.ATTRIBUTE, admitted.session());
                resp.sendError(500, "escaped");
            } else {
                resp.setStatus(402);
                resp.getWriter().write(decision.getClass().getSimpleName());
            }
        }
    }

    private void start(boolean janitor) throws Exception {
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
        context.addServlet(new ServletHolder(new AdmitsAndFails()), "/premium/*");
        if (janitor) {
            context.addEventListener(new PaymentSessionJanitor());
        }
        server.setHandler(context);
        server.start();
        url = "http://127.0.0.1:" + connector.getLocalPort() + "/premium/data";
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (tollgate != null) {
            tollgate.close();
        }
        if (facilitator != null) {
            facilitator.close();
        }
    }

    private int get(String proof) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("X-PAYMENT", proof).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The second try's status, retried for up to 2 s: the janitor runs as the request ends, after its answer left. */
    private int secondTry(String proof, int awaited) throws Exception {
        int status = get(proof);
        for (int i = 0; i < 40 && status != awaited; i++) {
            Thread.sleep(50);
            status = get(proof);
        }
        return status;
    }

    @Test
    void withTheJanitorAProofWhoseSessionNobodyEndedIsFreeAgainAndNothingIsCharged() throws Exception {
        start(true);
        String proof = Proofs.proof().v1();
        assertEquals(500, get(proof));
        assertEquals(500, secondTry(proof, 500), "admitted again, so its claim was released");
        assertEquals(0, facilitator.settleRequests().size(), "nothing settled");
    }

    @Test
    void withoutTheJanitorTheProofStaysClaimed() throws Exception {
        start(false);
        String proof = Proofs.proof().v1();
        assertEquals(500, get(proof));
        assertEquals(402, get(proof), "refused as used: the claim was kept");
        assertTrue(facilitator.settleRequests().isEmpty(), "nothing settled");
    }
}
