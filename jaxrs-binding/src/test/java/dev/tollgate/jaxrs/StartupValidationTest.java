package dev.tollgate.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.math.BigInteger;
import java.util.Map;
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

    @Test
    void numbersAmongTheApplicationsPropertiesAreReadAsTheirValueAsAJsonFilesAre() {
        // An application's getProperties() may hold numbers: before, a Double 0.00001 became "1.0E-5", no price.
        TollgateConfig config = TollgateFeature.fromProperties(Map.of("tollgate.facilitator.url", FACILITATOR,
                "tollgate.payTo", Proofs.PAY_TO, "tollgate.price", 0.00001d, "tollgate.maxTimeoutSeconds", 90,
                "tollgate.facilitator.supported.check", false));
        PaymentOption option = config.routeTerms("r", Map.of()).options().get(0);
        assertEquals(BigInteger.TEN, option.amount());
        assertEquals(90, option.maxTimeoutSeconds());
    }

    public static class Unpaid {
        @GET
        public String get() {
            return "";
        }
    }

    @Path("locator")
    public static class AnnotatedLocator {
        @GET
        public String own() {
            return "";
        }

        @Path("sub")
        @PaymentRequired(price = "$0.01")
        public Unpaid sub() {
            return new Unpaid();
        }
    }

    @Path("paid-parent")
    @PaymentRequired(price = "$0.01")
    public static class PaidParentOfUnpaid {
        @GET
        public String own() {
            return "";
        }

        @Path("sub")
        public Unpaid sub() {
            return new Unpaid();
        }
    }

    /** A locator override repeating none of the annotations: JAX-RS still serves it as the annotated locator. */
    @Path("locator-override")
    public static class LocatorOverride extends AnnotatedLocator {
        @Override
        public Unpaid sub() {
            return new Unpaid();
        }
    }

    /** Sold as a whole through an interface, with a locator to an unpaid class. */
    @PaymentRequired(price = "$0.01")
    public interface PaidApiWithLocator {
        @Path("sub")
        Unpaid sub();
    }

    @Path("paid-interface-parent")
    public static class PaidInterfaceParentOfUnpaid implements PaidApiWithLocator {
        @GET
        public String own() {
            return "";
        }

        @Override
        public Unpaid sub() {
            return new Unpaid();
        }
    }

    @Path("chunked")
    public static class Chunked {
        @GET
        @PaymentRequired(price = "$0.01")
        public org.glassfish.jersey.server.ChunkedOutput<String> get() {
            return new org.glassfish.jersey.server.ChunkedOutput<>(String.class);
        }
    }

    @Path("events")
    public static class Events {
        @GET
        @PaymentRequired(price = "$0.01")
        public void get(@jakarta.ws.rs.core.Context jakarta.ws.rs.sse.SseEventSink sink) {
            sink.close();
        }
    }

    @Test
    void paymentRequiredOnASubResourceLocatorStopsTheStartUp() {
        ConfigurationException e = startupFailure(new ResourceConfig(AnnotatedLocator.class).register(feature()));
        assertEquals("@PaymentRequired on " + AnnotatedLocator.class.getName() + ".sub()", e.setting());
        assertTrue(e.problem().contains("would be free"), e.problem());
    }

    @Test
    void aPaidClassWhoseLocatorReturnsAnUnannotatedClassStopsTheStartUp() {
        ConfigurationException e = startupFailure(new ResourceConfig(PaidParentOfUnpaid.class).register(feature()));
        assertEquals("@PaymentRequired on " + PaidParentOfUnpaid.class.getName(), e.setting());
        assertTrue(e.problem().contains(Unpaid.class.getName()), e.problem());
    }

    @Test
    void annotationsInheritedFromAnOverriddenLocatorOrAnInterfaceStopTheStartUpToo() {
        ConfigurationException override = startupFailure(new ResourceConfig(LocatorOverride.class).register(feature()));
        assertEquals("@PaymentRequired on " + LocatorOverride.class.getName() + ".sub()", override.setting());
        ConfigurationException viaInterface = startupFailure(new ResourceConfig(PaidInterfaceParentOfUnpaid.class)
                .register(feature()));
        assertEquals("@PaymentRequired on " + PaidInterfaceParentOfUnpaid.class.getName(), viaInterface.setting());
        assertTrue(viaInterface.problem().contains(Unpaid.class.getName()), viaInterface.problem());
    }

    @Test
    void aPaidMethodAnsweringThroughAChunkedOutputOrAnSseEventSinkStopsTheStartUp() {
        ConfigurationException chunked = startupFailure(new ResourceConfig(Chunked.class).register(feature()));
        assertEquals("@PaymentRequired on " + Chunked.class.getName() + ".get()", chunked.setting());
        assertTrue(chunked.problem().contains("ChunkedOutput"), chunked.problem());
        ConfigurationException sse = startupFailure(new ResourceConfig(Events.class).register(feature()));
        assertTrue(sse.problem().contains("SseEventSink"), sse.problem());
    }

    @Path("mainnet")
    public static class OnBase {
        @GET
        @PaymentRequired(price = "$0.01", network = "base")
        public String get() {
            return "";
        }
    }

    @Test
    void aNetworkTheFacilitatorDoesNotSupportStopsTheStartUpNamingTheMethod() throws Exception {
        try (FacilitatorDouble f = new FacilitatorDouble()) {
            f.onSupported(FacilitatorDouble.answer(200, FacilitatorDouble.supportedKinds("base-sepolia", "eip155:84532")));
            TollgateFeature feature = TollgateFeature.from(TollgateConfig.builder().withoutRoutes()
                    .facilitatorUrl(f.url()).payTo(Proofs.PAY_TO).build());
            ConfigurationException e = startupFailure(new ResourceConfig(OnBase.class).register(feature));
            assertEquals("network, for @PaymentRequired on " + OnBase.class.getName() + ".get()", e.setting());
            assertTrue(e.problem().contains("base (eip155:8453)"), e.problem());
            // The application's own network is supported: a resource on it starts.
            assertNotNull(new ApplicationHandler(new ResourceConfig(OnSepolia.class).register(TollgateFeature.from(
                    TollgateConfig.builder().withoutRoutes().facilitatorUrl(f.url()).payTo(Proofs.PAY_TO).build()))));
        }
    }

    @Path("sepolia")
    public static class OnSepolia {
        @GET
        @PaymentRequired(price = "$0.01")
        public String get() {
            return "";
        }
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
