package dev.tollgate.jaxrs;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses (500, nothing charged) a request that reached an unpaid resource method through a sub-resource
 * locator that is paid for: on a {@link PaymentRequired} class, or (under Jersey, which names the locators it
 * matched) annotated itself. {@link SubResources} refuses at start-up what the classes alone show; this covers
 * what only matching does. It runs for every request of the application, and costs one list look-up when no
 * locator was matched.
 *
 * <p>Public, with a public constructor, only because {@link TollgateFeature} registers it by class and RESTEasy
 * instantiates a provider through a public constructor alone (Jersey reaches any); applications do not register it.
 */
@Priority(Priorities.AUTHENTICATION - 1)
public final class LocatorGuard implements ContainerRequestFilter {
    private static final System.Logger LOG = System.getLogger(LocatorGuard.class.getName());
    private static final byte[] BODY = ("{\"error\":\"this resource is reached through a paid sub-resource locator "
            + "but is not itself paid for, so it is not served; nothing was charged\"}").getBytes(StandardCharsets.UTF_8);
    /**
     * Each misconfigured method is logged once per application, not once per request. Not static: the binding may be
     * loaded once for several applications (or a reloaded one), and each must say so in its own log; a static set
     * would also hold the applications' classes after they were undeployed.
     */
    private final Set<Method> reported = ConcurrentHashMap.newKeySet();

    @Context
    private ResourceInfo resourceInfo;

    public LocatorGuard() {
        // made by the runtime
    }

    @Override
    public void filter(ContainerRequestContext request) {
        List<Object> matched = request.getUriInfo().getMatchedResources();
        if (matched.size() < 2) {
            return; // no locator on the way
        }
        Method method = resourceInfo.getResourceMethod();
        Class<?> type = resourceInfo.getResourceClass();
        if (method == null || AnnotationTerms.onMethod(type, method) != null || AnnotationTerms.onClass(type, method) != null) {
            return; // gated by its own PaymentFilter, or not a resource method
        }
        boolean paidAbove = JerseyExtensions.paidLocator(request);
        for (int i = 1; i < matched.size() && !paidAbove; i++) {
            paidAbove = AnnotationTerms.onType(matched.get(i).getClass()) != null;
        }
        if (!paidAbove) {
            return;
        }
        if (reported.add(method)) {
            LOG.log(System.Logger.Level.ERROR, method.getDeclaringClass().getName() + "." + method.getName()
                    + "() is reached through a @PaymentRequired sub-resource locator but carries no @PaymentRequired "
                    + "itself; Tollgate answers 500 instead of serving it free. Annotate its class or the method.");
        }
        request.abortWith(UnreadBody.closeIfDeclared(request, Response.status(500)
                .header("Cache-Control", "no-store")
                .entity(BODY)
                .type(MediaType.APPLICATION_JSON_TYPE)).build());
    }
}
