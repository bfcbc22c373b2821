package dev.tollgate.resteasy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.jaxrs.TollgateFeature;
import jakarta.ws.rs.core.Application;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How a RESTEasy application hands the feature its settings.
 */
class RegistrationAndShutdownOnRestEasyTest {
    private static FacilitatorDouble facilitator;

    /** The feature registered by class, its settings the application's properties (prefixed {@code tollgate.}). */
    public static class PropertiesApplication extends Application {
        static volatile String facilitatorUrl;

        @Override
        public Set<Class<?>> getClasses() {
            return Set.of(TollgateFeature.class, Shop.Api.class);
        }

        @Override
        public Map<String, Object> getProperties() {
            return Map.of("tollgate.facilitator.url", facilitatorUrl, "tollgate.payTo", Proofs.PAY_TO,
                    "tollgate.description", "from the application's properties");
        }
    }

    /** The feature registered by class with no properties: its settings only as servlet init-params. */
    public static class ByClassOnlyApplication extends Application {
        @Override
        public Set<Class<?>> getClasses() {
            return Set.of(TollgateFeature.class, Shop.Api.class);
        }
    }

    @BeforeAll
    static void startFacilitator() throws Exception {
        facilitator = new FacilitatorDouble();
    }

    @AfterAll
    static void stopFacilitator() {
        facilitator.close();
    }

    @Test
    void theFeatureRegisteredByClassReadsItsSettingsFromTheApplicationsProperties() throws Exception {
        PropertiesApplication.facilitatorUrl = facilitator.url();
        try (RestEasyOnJetty server = RestEasyOnJetty.start(PropertiesApplication.class, Map.of(), null)) {
            HttpResponse<String> r = server.get("report", null, null);
            assertEquals(402, r.statusCode(), r.body());
            JsonNode offer = PaidResourceOnRestEasyTest.JSON.readTree(r.body()).path("accepts").get(0);
            assertEquals(Proofs.PAY_TO, offer.path("payTo").asText());
            assertEquals("from the application's properties", offer.path("description").asText());
            HttpResponse<String> paid = server.get("report", "X-PAYMENT", Proofs.proof().v1());
            assertEquals(200, paid.statusCode(), paid.body());
            PaidResourceOnRestEasyTest.assertSettled(paid);
        }
    }

    @Test
    void servletInitParamsAreNotTheFeaturesSettingsUnderRestEasySoTheApplicationDoesNotStart() {
        // Jersey turns a servlet's init-params into the application's properties; RESTEasy does not.
        Exception failed = assertThrows(Exception.class, () -> RestEasyOnJetty.start(ByClassOnlyApplication.class,
                Map.of("tollgate.facilitator.url", facilitator.url(), "tollgate.payTo", Proofs.PAY_TO), null).close());
        assertTrue(causedBy(failed, ConfigurationException.class), () -> "not a configuration error: " + failed);
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> kind) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (kind.isInstance(c)) {
                return true;
            }
            for (Throwable s : c.getSuppressed()) {
                if (causedBy(s, kind)) {
                    return true;
                }
            }
        }
        return false;
    }
}
