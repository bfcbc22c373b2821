package dev.tollgate.jaxrs;

import dev.tollgate.core.gate.PaymentReceipt;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.FeatureContext;
import java.util.function.Supplier;
import org.glassfish.jersey.internal.inject.AbstractBinder;
import org.glassfish.jersey.internal.inject.PerLookup;

/**
 * {@code @Context PaymentReceipt} for Jersey: a supplier reading the request property the filter set.
 * Jersey's injection API is touched only when it is on the class path, so other runtimes still load the
 * feature (and read the receipt from the request property).
 */
final class ReceiptInjection {
    private static final boolean JERSEY = present("org.glassfish.jersey.internal.inject.AbstractBinder");

    private ReceiptInjection() {
    }

    static void register(FeatureContext context) {
        if (JERSEY) {
            JerseyBinding.register(context);
        }
    }

    private static boolean present(String name) {
        try {
            Class.forName(name, false, ReceiptInjection.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Separate class so that the Jersey types are resolved only when Jersey is there. */
    private static final class JerseyBinding {
        static void register(FeatureContext context) {
            context.register(new AbstractBinder() {
                @Override
                protected void configure() {
                    // Per lookup: null for an unpaid request is a legal answer, and never cached.
                    bindFactory(ReceiptSupplier.class).to(PaymentReceipt.class).in(PerLookup.class);
                }
            });
        }
    }

    static final class ReceiptSupplier implements Supplier<PaymentReceipt> {
        private final Provider<ContainerRequestContext> request;

        @Inject
        ReceiptSupplier(Provider<ContainerRequestContext> request) {
            this.request = request;
        }

        @Override
        public PaymentReceipt get() {
            return request.get().getProperty(PaymentReceipt.ATTRIBUTE) instanceof PaymentReceipt r ? r : null;
        }
    }
}
