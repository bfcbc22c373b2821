package dev.tollgate.servlet;

import static dev.tollgate.servlet.PaidServer.PAID_MARKER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A filter that made its Tollgate from init-params lets go of it when destroyed: a request that still reaches it
 * gets a plain 503, and a filter started again (a reload that keeps the instance) makes a new, working one.
 */
class PaymentFilterDestroyTest {
    private FacilitatorDouble facilitator;

    @BeforeEach
    void start() throws Exception {
        facilitator = new FacilitatorDouble();
    }

    @AfterEach
    void stop() {
        facilitator.close();
    }

    private Map<String, String> params() {
        return Map.of("facilitator.url", facilitator.url(), "payTo", Proofs.PAY_TO, "price", "$0.01",
                "routes", "premium", "route.premium.path", "/premium/*");
    }

    private FilterConfig initParams() {
        Map<String, String> params = params();
        return new FilterConfig() {
            @Override
            public String getFilterName() {
                return "tollgate";
            }

            @Override
            public ServletContext getServletContext() {
                return null;
            }

            @Override
            public String getInitParameter(String name) {
                return params.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }

    private static void assertOutOfService(HttpResponse<String> r, PaidServer server) {
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("{\"error\":\"the payment filter is not in service\"}", r.body());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
        assertFalse(r.body().contains(PAID_MARKER));
        assertEquals(0, server.paidHandlerRuns.get());
    }

    @Test
    void aRequestThatReachesADestroyedFilterGetsAPlain503() throws Exception {
        PaymentFilter filter = new PaymentFilter();
        filter.init(initParams());
        try (PaidServer server = new PaidServer(filter)) {
            filter.destroy(); // the container still routing to it

            assertOutOfService(server.get("/premium/report"), server);
            assertOutOfService(server.get("/premium/report", "X-PAYMENT", Proofs.proof().v1()), server);
            assertTrue(facilitator.verifyRequests().isEmpty());
        }
    }

    @Test
    void aFilterStartedAgainAfterDestroyMakesANewTollgateFromItsInitParams() throws Exception {
        // Embedded Jetty keeps a filter instance given to its holder, and starts it again on a restart.
        try (PaidServer server = new PaidServer(new PaymentFilter(), params())) {
            server.restartContext(); // destroy(), then init() on the same instance

            HttpResponse<String> paid = server.get("/premium/report", "X-PAYMENT", Proofs.proof().v1());
            assertEquals(200, paid.statusCode(), paid.body());
            assertTrue(paid.body().contains(PAID_MARKER));
            assertEquals(1, facilitator.settleRequests().size());
        }
    }

    @Test
    void aTollgateGivenInCodeIsNeitherClosedNorDroppedByDestroy() throws Exception {
        try (Tollgate tollgate = Tollgate.create(TollgateConfig.builder().environment(n -> null)
                .facilitatorUrl(facilitator.url()).payTo(Proofs.PAY_TO).route("GET", "/premium/*", "$0.01").build());
             PaidServer server = new PaidServer(tollgate)) {
            server.restartContext();

            assertFalse(tollgate.isClosed());
            assertEquals(402, server.get("/premium/report").statusCode());
        }
    }
}
