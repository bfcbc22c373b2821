package dev.tollgate.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.Proofs;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An unpaid method behind a paid locator is logged as an error once per application, not once per request; and
 * once in each application, so that one (or an earlier deployment of it) does not silence another's log.
 */
class LocatorGuardLogTest {
    /** Free by its own annotations. */
    public static class Free {
        @GET
        public String get() {
            return "free";
        }
    }

    /** Only here, so that no other test's application has reported it before. */
    @Path("guarded")
    public static class PaidLocator {
        @Path("annotated")
        @PaymentRequired(price = "$0.01")
        public Object annotated() {
            return new Free();
        }
    }

    private final List<LogRecord> errors = new CopyOnWriteArrayList<>();
    private final Logger log = Logger.getLogger(LocatorGuard.class.getName());
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel() == Level.SEVERE) {
                errors.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        log.addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        log.removeHandler(handler);
    }

    private static ApplicationHandler application() {
        return new ApplicationHandler(new ResourceConfig(PaidLocator.class).register(TollgateFeature.from(
                TollgateConfig.builder().environment(n -> null).withoutRoutes().facilitatorUrl("http://127.0.0.1:9")
                        .payTo(Proofs.PAY_TO).set("facilitator.supported.check", "false").build())));
    }

    private static int get(ApplicationHandler app) throws Exception {
        ContainerRequest request = new ContainerRequest(URI.create("http://127.0.0.1/"),
                URI.create("http://127.0.0.1/guarded/annotated"), "GET", null, new MapPropertiesDelegate(),
                app.getConfiguration());
        ContainerResponse response = app.apply(request).get();
        return response.getStatus();
    }

    @Test
    void eachApplicationLogsTheMisconfiguredMethodOnceInItsOwnLog() throws Exception {
        ApplicationHandler first = application();
        ApplicationHandler second = application();
        try {
            assertEquals(500, get(first));
            assertEquals(500, get(first));
            assertEquals(1, errors.size(), "once, not per request, in the first application: " + errors);

            assertEquals(500, get(second));
            assertEquals(500, get(second));
            assertEquals(2, errors.size(), "the second application's log says it too: " + errors);
        } finally {
            first.onShutdown(null);
            second.onShutdown(null);
        }
    }
}
