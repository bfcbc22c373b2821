package dev.tollgate.jaxrs;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.lang.reflect.Method;
import java.util.function.Supplier;

/**
 * Tells {@link UnreadBody} the protocol the request came over ({@code HTTP/1.0}, {@code HTTP/1.1}, {@code HTTP/2.0}),
 * through a request property, when the runtime serves the application from a servlet container: JAX-RS does not say the
 * protocol, and the request's own fields tell it only mostly (an HTTP/1.0 request need not name its {@code Host}; a
 * request asking to upgrade to h2c is answered over HTTP/2 by Tomcat, over HTTP/1.1 by a Jetty without h2c). The
 * runtime gives the servlet request ({@link JerseyExtensions}, {@link RestEasyExtensions}); the servlet API is read
 * by reflection, so the binding still needs no servlet type, and without a servlet container the lookup finds nothing
 * and the request's fields decide as before. Pre-matching, before every other filter of the binding: {@link
 * AmbiguousPathFilter}'s refusal already asks.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 200)
final class ProtocolProperty implements ContainerRequestFilter {
    static final String PROPERTY = ProtocolProperty.class.getName();
    /** {@code jakarta.servlet.http.HttpServletRequest}, the type runtimes hand the servlet request as; null without. */
    static final Class<?> SERVLET_REQUEST = servletRequestType();
    private static final Method GET_PROTOCOL = getProtocol(SERVLET_REQUEST);

    /** The servlet request being served, or null (not served from a servlet container). */
    private final Supplier<Object> servletRequest;

    ProtocolProperty(Supplier<Object> servletRequest) {
        this.servletRequest = servletRequest;
    }

    /** Whether a servlet request could be asked at all: the servlet API is there. */
    static boolean servletApiPresent() {
        return GET_PROTOCOL != null;
    }

    /**
     * Puts this filter, not the protocol: the lookup of the servlet request is paid only by the few requests whose
     * answer asks ({@link #of}), on the request's own thread, and not by every request the application serves.
     */
    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(PROPERTY, this);
    }

    private String protocol() {
        try {
            Object servlet = servletRequest.get();
            if (SERVLET_REQUEST.isInstance(servlet) && GET_PROTOCOL.invoke(servlet) instanceof String protocol
                    && protocol.startsWith("HTTP/")) {
                return protocol;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // No servlet request to this runtime after all (Jersey's Grizzly container, say): the fields decide.
        }
        return null;
    }

    /** The protocol of the request the filter saw, or null when it is not known. */
    static String of(ContainerRequestContext request) {
        try {
            Object property = request.getProperty(PROPERTY);
            if (property instanceof ProtocolProperty filter) {
                String protocol = filter.protocol();
                request.setProperty(PROPERTY, protocol); // asked again at the suspension; null removes it
                return protocol;
            }
            return property instanceof String protocol ? protocol : null;
        } catch (RuntimeException e) {
            return null; // a request a container recycled under a resumed answer
        }
    }

    private static Class<?> servletRequestType() {
        try {
            return Class.forName("jakarta.servlet.http.HttpServletRequest", false,
                    ProtocolProperty.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static Method getProtocol(Class<?> type) {
        try {
            return type == null ? null : type.getMethod("getProtocol");
        } catch (NoSuchMethodException | RuntimeException e) {
            return null;
        }
    }
}
