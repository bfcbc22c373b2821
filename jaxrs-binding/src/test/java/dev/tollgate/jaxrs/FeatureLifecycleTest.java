package dev.tollgate.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.ledger.ClaimResult;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.testing.Proofs;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

/**
 * Under Jersey the feature lets go of what it made when the application is destroyed: the Tollgate's facilitator
 * pool, deadline thread and ledger connections would otherwise outlive every undeploy and reload.
 */
class FeatureLifecycleTest {
    private static final String FACILITATOR = "http://127.0.0.1:9";

    @Path("paid")
    public static class Paid {
        @GET
        @PaymentRequired(price = "$0.01")
        public String get() {
            return "paid";
        }
    }

    private static TollgateFeature fromCode() {
        return TollgateFeature.from(TollgateConfig.builder().withoutRoutes().facilitatorUrl(FACILITATOR)
                .payTo(Proofs.PAY_TO).set("facilitator.supported.check", "false").build());
    }

    @Test
    void aFeatureBuiltFromCodeButNeverRegisteredHoldsNoTollgate() {
        assertNull(fromCode().current());
    }

    @Test
    void theTollgateMadeFromACodeConfigurationIsClosedWhenTheApplicationIsDestroyed() {
        TollgateFeature feature = fromCode();
        ApplicationHandler app = new ApplicationHandler(new ResourceConfig(Paid.class).register(feature));
        Tollgate used = feature.current();
        assertNotNull(used);
        assertFalse(used.isClosed());
        app.onShutdown(null);
        assertTrue(used.isClosed());
    }

    @Test
    void theTollgateMadeFromTheApplicationsPropertiesIsClosedWhenTheApplicationIsDestroyed() {
        TollgateFeature feature = new TollgateFeature();
        ApplicationHandler app = new ApplicationHandler(new ResourceConfig(Paid.class).register(feature)
                .property("tollgate.facilitator.url", FACILITATOR).property("tollgate.payTo", Proofs.PAY_TO)
                .property("tollgate.facilitator.supported.check", "false"));
        Tollgate used = feature.current();
        assertFalse(used.isClosed());
        app.onShutdown(null);
        assertTrue(used.isClosed());
    }

    @Test
    void anApplicationStartedAgainWithTheSameFeatureGetsAnOpenTollgate() {
        TollgateFeature feature = fromCode();
        ResourceConfig config = new ResourceConfig(Paid.class).register(feature);
        ApplicationHandler first = new ApplicationHandler(config);
        Tollgate before = feature.current();
        first.onShutdown(null);
        new ApplicationHandler(new ResourceConfig(Paid.class).register(feature));
        Tollgate after = feature.current();
        assertNotSame(before, after);
        assertTrue(before.isClosed());
        assertFalse(after.isClosed());
    }

    @Test
    void anApplicationStartedAgainWithAConfigurationWhoseSettingsMadeItsLedgerGetsALedgerThatIsOpen() throws Exception {
        TollgateFeature feature = TollgateFeature.from(TollgateConfig.builder().withoutRoutes().facilitatorUrl(FACILITATOR)
                .payTo(Proofs.PAY_TO).set("facilitator.supported.check", "false")
                .set("ledger", "redis://127.0.0.1:6379").set("ledger.keyPrefix", "tollgate-feature-reload:").build());
        new ApplicationHandler(new ResourceConfig(Paid.class).register(feature)).onShutdown(null);

        ApplicationHandler reloaded = new ApplicationHandler(new ResourceConfig(Paid.class).register(feature));
        try {
            ReplayLedger ledger = feature.current().config().ledger();
            assertEquals(ClaimResult.CLAIMED, ledger.claim(UUID.randomUUID().toString(), Instant.now().plusSeconds(60)));
        } finally {
            reloaded.onShutdown(null);
        }
    }

    @Test
    void anApplicationThatFailsToStartOnAnInvalidAnnotationLetsGoOfItsTollgate() {
        TollgateFeature feature = fromCode();
        ApplicationHandler sibling = new ApplicationHandler(new ResourceConfig(Paid.class).register(feature));
        Tollgate shared = feature.current();

        assertThrows(RuntimeException.class,
                () -> new ApplicationHandler(new ResourceConfig(Paid.class, StartupValidationTest.BadPrice.class).register(feature)));

        assertFalse(shared.isClosed(), "the application still running keeps it");
        sibling.onShutdown(null);
        assertTrue(shared.isClosed());
        assertNull(feature.current());
    }

    @Test
    void aLoneApplicationThatFailsToStartClosesTheTollgateItMade() {
        TollgateFeature feature = fromCode();
        // Configured after the feature (a later priority), it sees the Tollgate the feature made for this start.
        AtomicReference<Tollgate> made = new AtomicReference<>();
        Feature watching = new Feature() {
            @Override
            public boolean configure(FeatureContext context) {
                made.set(feature.current());
                return true;
            }
        };

        assertThrows(RuntimeException.class, () -> new ApplicationHandler(new ResourceConfig(
                StartupValidationTest.BadPrice.class).register(feature).register(watching, Priorities.USER + 1)));

        assertNotNull(made.get(), "the feature made no Tollgate for the failed start");
        assertTrue(made.get().isClosed(), "the Tollgate made for the failed start was left open");
        assertNull(feature.current());
    }

    @Test
    void closingTheFeatureClosesItsTollgateAndAnApplicationStartedAgainGetsANewOne() {
        // What an application on a runtime that reports no shutdown (RESTEasy) does from its shutdown hook.
        TollgateFeature feature = fromCode();
        new ApplicationHandler(new ResourceConfig(Paid.class).register(feature));
        Tollgate first = feature.current();
        feature.close();
        assertTrue(first.isClosed());
        assertNull(feature.current());
        feature.close(); // twice: nothing more to do

        ApplicationHandler again = new ApplicationHandler(new ResourceConfig(Paid.class).register(feature));
        Tollgate second = feature.current();
        assertNotSame(first, second);
        assertFalse(second.isClosed());
        again.onShutdown(null);
        assertTrue(second.isClosed());
    }

    @Test
    void closingTheFeatureAfterJerseyDestroyedItsApplicationDoesNothingToTheNextOne() {
        TollgateFeature feature = fromCode();
        new ApplicationHandler(new ResourceConfig(Paid.class).register(feature)).onShutdown(null);
        feature.close();
        ApplicationHandler next = new ApplicationHandler(new ResourceConfig(Paid.class).register(feature));
        Tollgate running = feature.current();
        assertFalse(running.isClosed());
        next.onShutdown(null);
        assertTrue(running.isClosed(), "Jersey's destruction still closes the next application's Tollgate");
    }

    @Test
    void aFeatureServingTwoApplicationsKeepsItsTollgateUntilTheLastIsDestroyed() {
        TollgateFeature feature = fromCode();
        ApplicationHandler one = new ApplicationHandler(new ResourceConfig(Paid.class).register(feature));
        ApplicationHandler two = new ApplicationHandler(new ResourceConfig(Paid.class).register(feature));
        Tollgate shared = feature.current();
        one.onShutdown(null);
        assertFalse(shared.isClosed());
        two.onShutdown(null);
        assertTrue(shared.isClosed());
    }
}
