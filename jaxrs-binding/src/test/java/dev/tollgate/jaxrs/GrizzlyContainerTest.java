package dev.tollgate.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tollgate.core.testing.Proofs;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import org.glassfish.jersey.test.grizzly.GrizzlyTestContainerFactory;
import org.glassfish.jersey.test.spi.TestContainerFactory;
import org.junit.jupiter.api.Test;

/**
 * The paid-resource behaviours over real HTTP in Jersey's Grizzly container, and suspended ({@code AsyncResponse})
 * resources, which the in-memory container cannot run.
 */
class GrizzlyContainerTest extends PaidResourceSpec {
    @Override
    protected TestContainerFactory getTestContainerFactory() {
        return new GrizzlyTestContainerFactory();
    }

    @Test
    void aSuspendedResourceResumedFromAnotherThreadIsSettledAndDelivered() throws IOException {
        Response r = get("suspended", V1, Proofs.proof().v1());
        assertEquals(200, r.getStatus());
        assertEquals(Resources.CONTENT, r.readEntity(String.class));
        assertSettled(r);
        assertEquals(1, facilitator().settleRequests().size());
    }

    @Test
    void aSuspendedResourceWhoseSettlementFailsDeliversNothing() {
        facilitator().onSettle(settleFails("insufficient_funds"));
        Response r = get("suspended", V1, Proofs.proof().v1());
        assertEquals(402, r.getStatus());
        assertFalse(r.readEntity(String.class).contains(Resources.CONTENT));
        assertNull(r.getHeaderString("X-Content-Secret"));
    }

    @Test
    void aSuspendedResourceThatTimesOutIsNotChargedAndTheProofStaysUsable() {
        String proof = Proofs.proof().v1();
        Response r = get("suspended-forever", V1, proof);
        assertEquals(503, r.getStatus());
        assertEquals(0, facilitator().settleRequests().size());
        assertEquals(200, get("report", V1, proof).getStatus(), "the proof was released for another try");
    }
}
