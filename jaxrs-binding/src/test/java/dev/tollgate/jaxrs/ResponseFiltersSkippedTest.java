package dev.tollgate.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.testing.Proofs;
import jakarta.ws.rs.core.Application;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.test.grizzly.GrizzlyTestContainerFactory;
import org.glassfish.jersey.test.spi.TestContainerFactory;
import org.junit.jupiter.api.Test;

/**
 * With {@link ServerProperties#RESPONSE_SET_STATUS_OVER_SEND_ERROR}, Jersey answers an unmapped exception
 * without running any response filter: the payment session must still end, or the proof stays claimed.
 */
class ResponseFiltersSkippedTest extends PaidResourceSpec {
    @Override
    protected Application configure() {
        return ((ResourceConfig) super.configure()).property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
    }

    @Override
    protected TestContainerFactory getTestContainerFactory() {
        return new GrizzlyTestContainerFactory();
    }

    /**
     * A known limit (README): with this setting Jersey's writers reset the response on failure, the receipt headers
     * with it, so the 500 goes out without them; the charge stands once (the spec's test checks the rest).
     */
    @Override
    void assertCrashedCarryingTheReceipt(java.util.function.Supplier<jakarta.ws.rs.core.Response> call) {
        jakarta.ws.rs.core.Response r = call.get();
        assertEquals(500, r.getStatus());
        assertNull(r.getHeaderString("PAYMENT-RESPONSE"));
    }

    @Test
    void aSessionWhoseResponseFilterNeverRanIsReleasedWhenTheRequestFinishes() throws InterruptedException {
        String proof = Proofs.proof().v1();
        assertEquals(500, get("crash", V1, proof).getStatus());
        assertTrue(facilitator().settleRequests().isEmpty());
        assertEquals(200, reportOnceReleased(proof));
    }
}
