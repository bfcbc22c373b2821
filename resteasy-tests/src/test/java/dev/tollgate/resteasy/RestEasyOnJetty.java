package dev.tollgate.resteasy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EventListener;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.jboss.resteasy.plugins.server.servlet.HttpServletDispatcher;

/**
 * RESTEasy as a servlet, as a web.xml declares it: {@link HttpServletDispatcher} at {@code /api/*} of the context
 * {@code /shop}, the application named by its class in {@code jakarta.ws.rs.Application}, on Jetty 12 ee10 bound
 * to 127.0.0.1.
 */
final class RestEasyOnJetty implements AutoCloseable {
    private final Server server;
    private final String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RestEasyOnJetty(Server server, String base) {
        this.server = server;
        this.base = base;
    }

    /**
     * @param initParams further init-params of the servlet
     * @param listeners  listeners of the web application (a shutdown hook, a request listener); one that is also a
     *                   filter is mapped in front of the servlet too
     */
    static RestEasyOnJetty start(Class<?> application, Map<String, String> initParams, EventListener... listeners)
            throws Exception {
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler("/shop");
        for (EventListener listener : listeners) {
            context.addEventListener(listener);
            if (listener instanceof jakarta.servlet.Filter filter) {
                // A listener that is also a filter (PaymentSessionJanitor) is registered as both, as README says.
                context.addFilter(new org.eclipse.jetty.ee10.servlet.FilterHolder(filter), "/api/*",
                        java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
            }
        }
        ServletHolder resteasy = new ServletHolder("api", HttpServletDispatcher.class);
        resteasy.setInitParameter("jakarta.ws.rs.Application", application.getName());
        resteasy.setInitParameter("resteasy.servlet.mapping.prefix", "/api");
        initParams.forEach(resteasy::setInitParameter);
        resteasy.setInitOrder(1);
        context.addServlet(resteasy, "/api/*");
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            server.stop(); // an application that failed to start leaves no port open behind it
            throw e;
        }
        int port = ((NetworkConnector) server.getConnectors()[0]).getLocalPort();
        return new RestEasyOnJetty(server, "http://127.0.0.1:" + port + "/shop/api/");
    }

    String base() {
        return base;
    }

    int port() {
        return URI.create(base).getPort();
    }

    HttpResponse<String> get(String path, String header, String value) throws IOException, InterruptedException {
        return send("GET", path, header, value);
    }

    /** @param headers names and values, in turn */
    HttpResponse<String> send(String method, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i] != null) {
                b.header(headers[i], headers[i + 1]);
            }
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
