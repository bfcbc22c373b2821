package dev.tollgate.jaxrs;

import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;

/**
 * Remembers that a request came as HEAD. Jersey serves HEAD with the {@code GET} method and reports the
 * request as a GET to every filter after matching; the gate must know, because the answer to a HEAD carries no
 * body and a payment admitted for it would be settled for nothing.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
final class ReceivedMethod implements ContainerRequestFilter {
    static final String PROPERTY = ReceivedMethod.class.getName();

    @Override
    public void filter(ContainerRequestContext request) {
        if (HttpMethod.HEAD.equals(request.getMethod())) {
            request.setProperty(PROPERTY, HttpMethod.HEAD);
        }
    }

    /** The method the request came with. */
    static String of(ContainerRequestContext request) {
        return request.getProperty(PROPERTY) instanceof String received ? received : request.getMethod();
    }
}
