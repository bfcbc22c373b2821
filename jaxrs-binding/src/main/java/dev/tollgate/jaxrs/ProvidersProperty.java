package dev.tollgate.jaxrs;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Providers;

/**
 * Hands the runtime's {@link Providers} to the per-method payment filters through a request property:
 * runtimes inject {@code @Context} into providers they instantiate, not into the instances a
 * DynamicFeature registers.
 */
@Priority(Priorities.AUTHENTICATION - 1)
public final class ProvidersProperty implements ContainerRequestFilter {
    static final String PROPERTY = Providers.class.getName();

    @Context
    private Providers providers;

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(PROPERTY, providers);
    }
}
