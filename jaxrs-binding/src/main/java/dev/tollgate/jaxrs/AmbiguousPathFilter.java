package dev.tollgate.jaxrs;

import dev.tollgate.core.route.PathFirewall;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;

/**
 * Refuses (400) a request whose path the servlet container and JAX-RS could read differently, before any
 * resource is matched: the same strict firewall the servlet filter applies, and percent-encoded letters, digits,
 * '-', '_' and '~', which JAX-RS (matching the encoded path) reads otherwise than the decoded path. Pre-matching,
 * because a {@code ;} parameter or a dot segment may steer matching itself; for every resource of the
 * application, because a path that would not match a paid method here may match one after another decoder's
 * repair.
 *
 * <p>Public, with a public constructor, only because {@link TollgateFeature} registers it by class and RESTEasy
 * instantiates a provider through a public constructor alone (Jersey reaches any); applications do not register it.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public final class AmbiguousPathFilter implements ContainerRequestFilter {
    public AmbiguousPathFilter() {
        // made by the runtime
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String rawPath = request.getUriInfo().getRequestUri().getRawPath();
        // JAX-RS matches the encoded path: beyond what the servlet filter refuses, a needlessly encoded letter or
        // digit would steer matching away from the resource the decoded path names.
        PathFirewall.check(rawPath).or(() -> PathFirewall.checkEncodedMatching(rawPath)).ifPresent(problem -> {
            byte[] body = ("{\"error\":\"" + problem.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            request.abortWith(UnreadBody.closeIfDeclared(request, Response.status(400)
                    .header("Cache-Control", "no-store")
                    .entity(body)
                    .type(MediaType.APPLICATION_JSON_TYPE)).build());
        });
    }
}
