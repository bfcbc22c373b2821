package dev.tollgate.jaxrs;

import dev.tollgate.core.gate.PaymentReceipt;
import jakarta.ws.rs.core.FeatureContext;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import org.jboss.resteasy.spi.ContextInjector;
import org.jboss.resteasy.spi.HttpRequest;
import org.jboss.resteasy.spi.ResteasyProviderFactory;

/**
 * What RESTEasy needs to inject {@code @Context PaymentReceipt}, as Jersey does through {@link JerseyExtensions}:
 * RESTEasy injects a type of {@code @Context} only through a {@link ContextInjector} registered for it, and null
 * otherwise. RESTEasy's types are touched only when RESTEasy is on the class path.
 */
final class RestEasyExtensions {
    private static final boolean RESTEASY = JerseyExtensions.present("org.jboss.resteasy.spi.ContextInjector")
            && JerseyExtensions.present("org.jboss.resteasy.spi.ResteasyProviderFactory");

    private RestEasyExtensions() {
    }

    static void register(FeatureContext context) {
        if (RESTEASY) {
            RestEasy.register(context);
        }
    }

    /** A class of its own so that RESTEasy's types are resolved only when RESTEasy is there. */
    private static final class RestEasy {
        static void register(FeatureContext context) {
            context.register(new ReceiptInjector());
            if (ProtocolProperty.servletApiPresent()) {
                // RESTEasy's servlet dispatcher keeps the servlet request in the context data of the serving thread.
                context.register(new ProtocolProperty(() -> ResteasyProviderFactory.getInstance()
                        .getContextData(ProtocolProperty.SERVLET_REQUEST)));
            }
        }
    }

    /**
     * The receipt of the request being served, read from its property {@link PaymentReceipt#ATTRIBUTE} each time it
     * is injected (RESTEasy asks per injection); null for a request that paid nothing, as under Jersey.
     */
    public static final class ReceiptInjector implements ContextInjector<PaymentReceipt, PaymentReceipt> {
        @Override
        public PaymentReceipt resolve(Class<? extends PaymentReceipt> rawType, Type genericType,
                                      Annotation[] annotations) {
            HttpRequest request = ResteasyProviderFactory.getInstance().getContextData(HttpRequest.class);
            Object receipt = request == null ? null : request.getAttribute(PaymentReceipt.ATTRIBUTE);
            return receipt instanceof PaymentReceipt r ? r : null;
        }
    }
}
