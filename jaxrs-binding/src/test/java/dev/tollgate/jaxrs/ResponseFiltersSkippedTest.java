package dev.tollgate.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * without running any response filter: the payment session must still end, or the proof stays claimed, and Jersey's
 * writer resets the response on failure, so the receipt of a settled payment must still reach the payer (the spec's
 * {@code assertCrashedCarryingTheReceipt}).
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

    @Test
    void aSessionWhoseResponseFilterNeverRanIsReleasedWhenTheRequestFinishes() throws InterruptedException {
        String proof = Proofs.proof().v1();
        assertEquals(500, get("crash", V1, proof).getStatus());
        assertTrue(facilitator().settleRequests().isEmpty());
        assertEquals(200, reportOnceReleased(proof));
    }
}
