package dev.tollgate.resteasy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.config.ConfigurationException;
import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.jaxrs.TollgateFeature;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.ws.rs.core.Application;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a RESTEasy application hands the feature its settings, and what happens to the feature's Tollgate when the
 * application stops: RESTEasy reports no such event to a feature.
 */
class RegistrationAndShutdownOnRestEasyTest {
    private static FacilitatorDouble facilitator;

    /** Made by the Tollgate from its {@code listener} setting, so the Tollgate closes it when it is closed. */
    public static final class ClosingListener implements PaymentListener, AutoCloseable {
        static final AtomicInteger CLOSED = new AtomicInteger();

        @Override
        public void close() {
            CLOSED.incrementAndGet();
        }
    }

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

    @BeforeEach
    void reset() {
        ClosingListener.CLOSED.set(0);
    }

    @Test
    void theFeatureRegisteredByClassReadsItsSettingsFromTheApplicationsProperties() throws Exception {
        PropertiesApplication.facilitatorUrl = facilitator.url();
        try (RestEasyOnJetty server = RestEasyOnJetty.start(PropertiesApplication.class, Map.of())) {
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
                Map.of("tollgate.facilitator.url", facilitator.url(), "tollgate.payTo", Proofs.PAY_TO)).close());
        assertTrue(causedBy(failed, ConfigurationException.class), () -> "not a configuration error: " + failed);
    }

    @Test
    void restEasyDoesNotCloseTheTollgateWhenTheApplicationStopsTheUsersShutdownHookDoes() throws Exception {
        ShopApplication.facilitatorUrl = facilitator.url();
        ShopApplication.listenerClass = ClosingListener.class.getName();
        AtomicInteger closedWhenRestEasyWasGone = new AtomicInteger(-1);
        // What a RESTEasy user registers in web.xml (or @WebListener): the servlets are destroyed before it is told.
        ServletContextListener shutdownHook = new ServletContextListener() {
            @Override
            public void contextDestroyed(ServletContextEvent event) {
                closedWhenRestEasyWasGone.set(ClosingListener.CLOSED.get());
                ShopApplication.lastFeature.close();
            }
        };
        try {
            RestEasyOnJetty server = RestEasyOnJetty.start(ShopApplication.class, Map.of(), shutdownHook);
            assertEquals(402, server.get("report", null, null).statusCode());
            assertEquals(0, ClosingListener.CLOSED.get());
            server.close();
        } finally {
            ShopApplication.listenerClass = null;
        }
        assertEquals(0, closedWhenRestEasyWasGone.get(), "RESTEasy's undeploy closed the Tollgate after all");
        assertEquals(1, ClosingListener.CLOSED.get(), "the feature's close() did not close its Tollgate");
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
