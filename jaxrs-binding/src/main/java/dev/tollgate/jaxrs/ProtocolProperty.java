package dev.tollgate.jaxrs;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.lang.reflect.Method;
import java.util.function.Supplier;

/**
 * Puts the protocol the request came over ({@code HTTP/1.0}, {@code HTTP/1.1}, {@code HTTP/2.0}) in a request property,
 * for {@link UnreadBody}, when the runtime serves the application from a servlet container: JAX-RS does not say the
 * protocol, and the request's own fields tell it only mostly (an HTTP/1.0 request need not name its {@code Host}; a
 * request asking to upgrade to h2c is answered over HTTP/2 by Tomcat, over HTTP/1.1 by a Jetty without h2c). The
 * runtime gives the servlet request ({@link JerseyExtensions}, {@link RestEasyExtensions}); the servlet API is read
 * by reflection, so the binding still needs no servlet type, and without a servlet container nothing is put and the
 * request's fields decide as before. Pre-matching, before every other filter of the binding: {@link
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

    @Override
    public void filter(ContainerRequestContext request) {
        String protocol = protocolOf(request);
        if (protocol != null) {
            request.setProperty(PROPERTY, protocol);
        }
    }

    private String protocolOf(ContainerRequestContext request) {
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

    /** The protocol put by the filter, or null when it is not known. */
    static String of(ContainerRequestContext request) {
        try {
            return request.getProperty(PROPERTY) instanceof String protocol ? protocol : null;
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
