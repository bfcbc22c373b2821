package dev.tollgate.sample;

import dev.tollgate.jaxrs.PaymentRequired;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The JAX-RS benchmark handler, served twice: unannotated and paid (docs/benchmarks.md). */
@Path("bench")
@Produces(MediaType.APPLICATION_JSON)
public class BenchResource {

    @GET
    @Path("free")
    public byte[] free(@QueryParam("bytes") String bytes) {
        return BenchServlet.body(bytes);
    }

    @GET
    @Path("paid")
    @PaymentRequired(price = "$0.01", description = "Benchmark", mimeType = "application/json")
    public byte[] paid(@QueryParam("bytes") String bytes) {
        return BenchServlet.body(bytes);
    }
}
