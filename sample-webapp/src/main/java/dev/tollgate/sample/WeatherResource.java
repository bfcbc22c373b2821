package dev.tollgate.sample;

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

    @GET
    @Path("weather")
    @PaymentRequired(price = "$0.001", description = "Current weather", mimeType = "application/json")
    public String weather(@Context PaymentReceipt receipt) {
        return "{\"weather\":\"sunny\",\"temperatureC\":21,\"paidBy\":\"" + receipt.payer() + "\"}";
    }

    @GET
    @Path("free")
    public String free() {
        return "{\"message\":\"This one is free.\"}";
    }
}
