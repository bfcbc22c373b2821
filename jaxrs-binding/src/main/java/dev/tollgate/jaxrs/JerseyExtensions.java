package dev.tollgate.jaxrs;

import dev.tollgate.core.gate.PaymentReceipt;
import dev.tollgate.core.gate.PaymentSession;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.FeatureContext;
import java.util.function.Supplier;
import org.glassfish.jersey.internal.inject.AbstractBinder;
import org.glassfish.jersey.internal.inject.PerLookup;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.Invocable;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;

/**
 * What Jersey can do for the binding: inject {@code @Context PaymentReceipt}, and end a payment session whose response
 * filter never ran (an unmapped exception some containers handle outside Jersey's response processing). Jersey's
 * types are touched only when Jersey is on the class path, so other runtimes still load the feature; there the receipt
 * is the request property {@link PaymentReceipt#ATTRIBUTE}, and RESTEasy injects it too ({@link RestEasyExtensions}).
 * Module {@code resteasy-tests} runs the feature on RESTEasy without Jersey, and pins what it lacks there.
 */
final class JerseyExtensions {
    private static final boolean JERSEY = present("org.glassfish.jersey.server.monitoring.ApplicationEventListener")
            && present("org.glassfish.jersey.internal.inject.AbstractBinder");

    private JerseyExtensions() {
    }

    /** @param onDestroy run once the application is destroyed (Jersey only: no other runtime says so) */
    static void register(FeatureContext context, Runnable onDestroy) {
        if (JERSEY) {
            Jersey.register(context, onDestroy);
        }
    }

    /** Whether Jersey matched, on the way to this request's method, a locator annotated {@link PaymentRequired}. */
    static boolean paidLocator(ContainerRequestContext request) {
        return JERSEY && Jersey.paidLocator(request);
    }

    static boolean present(String name) {
        try {
            Class.forName(name, false, JerseyExtensions.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** A class of its own so that the Jersey types are resolved only when Jersey is there. */
    private static final class Jersey {
        static void register(FeatureContext context, Runnable onDestroy) {
            context.register(new AbstractBinder() {
                @Override
                protected void configure() {
                    // Per lookup: null for an unpaid request is a legal answer, and never cached.
                    bindFactory(ReceiptSupplier.class).to(PaymentReceipt.class).in(PerLookup.class);
                }
            });
            context.register(new SessionJanitor(onDestroy));
        }

        static boolean paidLocator(ContainerRequestContext request) {
            if (!(request.getUriInfo() instanceof ExtendedUriInfo info)) {
                return false;
            }
            for (ResourceMethod locator : info.getMatchedResourceLocators()) {
                Invocable invocable = locator.getInvocable();
                if (AnnotationTerms.onMethod(null, invocable.getHandlingMethod()) != null
                        || AnnotationTerms.onMethod(null, invocable.getDefinitionMethod()) != null) {
                    return true;
                }
            }
            return false;
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

    /**
     * A session still open when the request finished had no answer to settle on: release its claim. It also
     * hears when the application is destroyed.
     */
    static final class SessionJanitor implements ApplicationEventListener {
        private static final RequestEventListener ON_FINISH = event -> {
            ContainerRequest request = event.getContainerRequest();
            if (event.getType() == RequestEvent.Type.FINISHED && request != null
                    && request.getProperty(PaymentFilter.SESSION) instanceof PaymentSession session) {
                request.removeProperty(PaymentFilter.SESSION);
                session.abandon();
            }
        };

        private final Runnable onDestroy;

        SessionJanitor(Runnable onDestroy) {
            this.onDestroy = onDestroy;
        }

        @Override
        public void onEvent(ApplicationEvent event) {
            if (event.getType() == ApplicationEvent.Type.DESTROY_FINISHED) {
                onDestroy.run();
            }
        }

        @Override
        public RequestEventListener onRequest(RequestEvent event) {
            return ON_FINISH;
        }
    }
}
