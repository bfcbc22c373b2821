package dev.tollgate.jaxrs;

import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;

/**
 * Remembers that a request is dispatched as HEAD. Jersey serves HEAD with the {@code GET} method and reports the
 * request as a GET to every filter after matching; the gate must know, because the answer to a HEAD carries no
 * body and a payment admitted for it would be settled for nothing.
 *
 * <p>It runs last among the pre-matching filters: those may still change the method (Jersey's own
 * {@code HttpMethodOverrideFilter}, at {@code HEADER_DECORATOR + 50}, turns a POST with
 * {@code X-HTTP-Method-Override: HEAD} into a HEAD), and what counts is the method Jersey matches, not the one
 * that came on the wire.
 *
 * <p>Public, with a public constructor, only because {@link TollgateFeature} registers it by class and RESTEasy
 * instantiates a provider through a public constructor alone (Jersey reaches any); applications do not register it.
 */
@PreMatching
@Priority(Integer.MAX_VALUE)
public final class ReceivedMethod implements ContainerRequestFilter {
    static final String PROPERTY = ReceivedMethod.class.getName();

    public ReceivedMethod() {
        // made by the runtime
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (HttpMethod.HEAD.equals(request.getMethod())) {
            request.setProperty(PROPERTY, HttpMethod.HEAD);
        }
    }

    /** The method Jersey dispatches the request with (HEAD where it runs a GET method for a HEAD). */
    static String of(ContainerRequestContext request) {
        return request.getProperty(PROPERTY) instanceof String received ? received : request.getMethod();
    }
}
