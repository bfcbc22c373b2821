package dev.tollgate.jaxrs;

import dev.tollgate.core.gate.RequestView;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** A request as the core sees it, read from JAX-RS's matched request (no servlet type involved). */
final class ContextRequestView implements RequestView {
    private final ContainerRequestContext request;
    private final String path;
    private final String resourceUrl;
    private final String resourceRawPath;

    ContextRequestView(ContainerRequestContext request) {
        this.request = request;
        UriInfo uri = request.getUriInfo();
        // The decoded path relative to the application's base URI: what JAX-RS matched the resource on.
        String relative = uri.getPath(true);
        this.path = relative.startsWith("/") ? relative : "/" + relative;
        URI absolute = uri.getRequestUri();
        this.resourceRawPath = absolute.getRawPath();
        this.resourceUrl = absolute.getScheme() + "://" + absolute.getRawAuthority() + resourceRawPath;
    }

    @Override
    public String method() {
        return ReceivedMethod.of(request);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String resourceUrl() {
        return resourceUrl;
    }

    @Override
    public String resourceRawPath() {
        return resourceRawPath;
    }

    @Override
    public List<String> headers(String name) {
        List<String> values = request.getHeaders().get(name);
        if (values == null) {
            // The specification does not promise a case-insensitive map (Jersey's is).
            for (Map.Entry<String, List<String>> e : request.getHeaders().entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return List.copyOf(e.getValue());
                }
            }
            return List.of();
        }
        return List.copyOf(values);
    }
}
