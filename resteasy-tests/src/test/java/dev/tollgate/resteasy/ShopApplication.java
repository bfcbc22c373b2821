package dev.tollgate.resteasy;

import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.jaxrs.TollgateFeature;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * The application as a RESTEasy user writes it: the feature built in code from a configuration and handed over as
 * a singleton, the resources as classes. RESTEasy makes the application from its class name (the servlet's
 * {@code jakarta.ws.rs.Application} init-param), so the test tells it where the facilitator is beforehand, as an
 * application would read it from its environment.
 */
public class ShopApplication extends Application {
    /** Where the facilitator double listens; set before the servlet starts. */
    static volatile String facilitatorUrl;
    /** Settings added to every application made from now on (a listener made by class name, say). */
    static volatile String listenerClass;
    /** The feature of the application made last: what the user's shutdown hook closes. */
    static volatile TollgateFeature lastFeature;

    private final TollgateFeature tollgate;

    public ShopApplication() {
        TollgateConfig.Builder config = TollgateConfig.builder().withoutRoutes()
                .facilitatorUrl(facilitatorUrl)
                .payTo(Proofs.PAY_TO);
        if (listenerClass != null) {
            config.set("listener", listenerClass);
        }
        tollgate = TollgateFeature.from(config.build());
        lastFeature = tollgate;
    }

    TollgateFeature tollgate() {
        return tollgate;
    }

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(Shop.Api.class, Shop.Reports.class, Shop.Repriced.class, Shop.PaidLocators.class,
                Shop.OutOfStockMapper.class, Shop.FailingResponseFilter.class, Shop.FailingWriterInterceptor.class);
    }

    @Override
    public Set<Object> getSingletons() {
        return Set.of(tollgate);
    }
}
