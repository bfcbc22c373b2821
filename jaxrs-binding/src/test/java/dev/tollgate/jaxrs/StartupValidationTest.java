package dev.tollgate.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.Proofs;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

/** A wrong annotation or configuration stops the application from starting, and says where. */
class StartupValidationTest {
    private static final String FACILITATOR = "http://127.0.0.1:9";

    @Path("a")
    public static class BadPrice {
        @GET
        @PaymentRequired(price = "ten dollars")
        public String get() {
            return "";
        }
    }

    @Path("b")
    public static class NoPrice {
        @GET
        @PaymentRequired(description = "priceless")
        public String get() {
            return "";
        }
    }

    @Path("c")
    @PaymentRequired(price = "$0.01", network = "atlantis")
    public static class BadNetworkOnClass {
        @GET
        public String get() {
            return "";
        }
    }

    @Path("d")
    public static class UnknownOption {
        @GET
        @PaymentRequired(price = "$0.01", accepts = "nowhere")
        public String get() {
            return "";
        }
    }

    @Path("e")
    public static class NegativeTimeout {
        @GET
        @PaymentRequired(price = "$0.01", maxTimeoutSeconds = -5)
        public String get() {
            return "";
        }
    }

    @Test
    void anInvalidPriceNamesTheResourceMethodAndTheAttribute() {
        ConfigurationException e = startupFailure(new ResourceConfig(BadPrice.class).register(feature()));
        assertEquals("@PaymentRequired(price) on " + BadPrice.class.getName() + ".get()", e.setting());
        assertTrue(e.getMessage().contains("ten dollars"), e.getMessage());
    }

    @Test
    void aPriceMissingFromTheAnnotationAndTheConfigurationIsReported() {
        ConfigurationException e = startupFailure(new ResourceConfig(NoPrice.class).register(feature()));
        assertEquals("@PaymentRequired(price) on " + NoPrice.class.getName() + ".get()", e.setting());
        assertTrue(e.getMessage().contains("is required"), e.getMessage());
    }

    @Test
    void anInvalidClassAttributeNamesTheMethodItGoverns() {
        ConfigurationException e = startupFailure(new ResourceConfig(BadNetworkOnClass.class).register(feature()));
        assertEquals("@PaymentRequired(network) on " + BadNetworkOnClass.class.getName() + ".get()", e.setting());
        assertTrue(e.getMessage().contains("atlantis"), e.getMessage());
    }

    @Test
    void anAcceptedOptionMissingFromTheConfigurationIsReported() {
        ConfigurationException e = startupFailure(new ResourceConfig(UnknownOption.class).register(feature()));
        assertEquals("@PaymentRequired(accepts) on " + UnknownOption.class.getName() + ".get()", e.setting());
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }

    @Test
    void aNonPositiveTimeoutIsReported() {
        ConfigurationException e = startupFailure(new ResourceConfig(NegativeTimeout.class).register(feature()));
        assertEquals("@PaymentRequired(maxTimeoutSeconds) on " + NegativeTimeout.class.getName() + ".get()",
                e.setting());
    }

    @Test
    void aFeatureRegisteredByClassWithoutSettingsReportsTheMissingFacilitator() {
        ConfigurationException e = startupFailure(new ResourceConfig(Resources.Api.class)
                .register(TollgateFeature.class));
        assertEquals("facilitator.url", e.setting());
    }

    @Test
    void aFeatureRegisteredByClassReadsTollgatePropertiesAndANamedFile() {
        ApplicationHandler app = new ApplicationHandler(new ResourceConfig(Resources.Api.class)
                .register(TollgateFeature.class)
                .property("tollgate.facilitator.url", FACILITATOR)
                .property("tollgate.config", "classpath:tollgate-jaxrs-test.properties"));
        assertNotNull(app);
    }

    private static TollgateFeature feature() {
        return TollgateFeature.from(TollgateConfig.builder().withoutRoutes().facilitatorUrl(FACILITATOR)
                .payTo(Proofs.PAY_TO).build());
    }

    private static ConfigurationException startupFailure(ResourceConfig config) {
        Throwable thrown = assertThrows(Throwable.class, () -> new ApplicationHandler(config));
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationException c) {
                return c;
            }
        }
        throw new AssertionError("start-up failed without a ConfigurationException", thrown);
    }
}
