package dev.tollgate.servlet;

import dev.tollgate.core.gate.RequestView;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/** The core's view of a servlet request: the path as the container dispatches it. */
final class ServletRequestView implements RequestView {
    private final HttpServletRequest request;
    private final String path;
    private String resourceUrl;

    ServletRequestView(HttpServletRequest request, String path) {
        this.request = request;
        this.path = path;
    }

    /** Servlet path plus path info: decoded and normalized by the container, exactly what it maps on. */
    static String dispatchedPath(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        if (request.getDispatcherType() == jakarta.servlet.DispatcherType.INCLUDE) {
            // An include keeps the outer request's paths; the included target is only in these attributes.
            servletPath = (String) request.getAttribute(jakarta.servlet.RequestDispatcher.INCLUDE_SERVLET_PATH);
            pathInfo = (String) request.getAttribute(jakarta.servlet.RequestDispatcher.INCLUDE_PATH_INFO);
        }
        String p = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return p.isEmpty() ? "/" : p;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String resourceUrl() {
        // Jetty's ForwardedRequestCustomizer (configured on trusted connectors) makes this the public URL.
        // Built once: the gate asks for it more than once per request.
        if (resourceUrl == null) {
            resourceUrl = request.getRequestURL().toString();
        }
        return resourceUrl;
    }

    /** The request target's path as received: what {@link #resourceUrl()} ends with, without building it. */
    @Override
    public String resourceRawPath() {
        return request.getRequestURI();
    }

    @Override
    public List<String> headers(String name) {
        // Usually none or one: no list is built for those (the gate asks for three names per paid request).
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return List.of();
        }
        String first = values.nextElement();
        if (!values.hasMoreElements()) {
            return Collections.singletonList(first);
        }
        List<String> all = new ArrayList<>();
        all.add(first);
        while (values.hasMoreElements()) {
            all.add(values.nextElement());
        }
        return all;
    }
}
