package dev.tollgate.sample;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.gate.PaymentReceipt;
import dev.tollgate.jaxrs.PaymentRequired;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

/** The JAX-RS side of the sample: one paid resource, one free one. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class WeatherResource {
    private static final ObjectMapper JSON = new ObjectMapper();

    @GET
    @Path("weather")
    @PaymentRequired(price = "$0.001", description = "Current weather", mimeType = "application/json")
    public String weather(@Context PaymentReceipt receipt) throws JsonProcessingException {
        // Built, not concatenated: the payer is what a facilitator said, and unknown (null) for a proof-API payment.
        return JSON.writeValueAsString(JSON.createObjectNode().put("weather", "sunny").put("temperatureC", 21)
                .put("paidBy", receipt.payer()));
    }

    @GET
    @Path("free")
    public String free() {
        return "{\"message\":\"This one is free.\"}";
    }
}
