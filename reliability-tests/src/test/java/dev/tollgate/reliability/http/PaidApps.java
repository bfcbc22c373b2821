package dev.tollgate.reliability.http;

import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.jaxrs.PaymentRequired;
import dev.tollgate.jaxrs.TollgateFeature;
import dev.tollgate.servlet.PaymentFilter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.Suspended;
import java.io.IOException;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.filter.HttpMethodOverrideFilter;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * The two bindings on real Jetty 12 ee10, each on its own loopback port, both charging $0.01 for the same
 * kind of content: the servlet filter in front of servlets at {@code /premium/*}, and Jersey as a servlet at
 * {@code /api/*} with {@link TollgateFeature} in front of {@code @PaymentRequired} resources. Every paid
 * handler writes {@link #MARKER} and counts its runs, so a leak shows in the body or in the count.
 */
final class PaidApps implements AutoCloseable {
    static final String MARKER = "PAID-CONTENT-c41d";
    /** What the free pages answer: a 200 carrying this is a free page, not a leak. */
    static final String FREE = "FREE-PAGE";
    static final String SEEN_BY_JERSEY = "X-Seen-By-Jersey";
    /** Paid handler runs, both bindings together (Jersey creates resources per request, hence static). */
    static final AtomicInteger RUNS = new AtomicInteger();

    final FacilitatorDouble facilitator;
    final Server servletServer;
    final Server jerseyServer;

    private static PaidApps shared;

    /** One pair of servers for the test classes that need no special connector: start-up is the slow part. */
    static synchronized PaidApps shared() throws Exception {
        if (shared == null) {
            PaidApps apps = new PaidApps();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    apps.close();
                } catch (Exception ignored) {
                    // the JVM is going away
                }
            }));
            shared = apps;
        }
        return shared;
    }

    /** The filter mapped as README documents it. */
    static final EnumSet<DispatcherType> DOCUMENTED_DISPATCH = EnumSet.of(DispatcherType.REQUEST,
            DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ASYNC);

    PaidApps() throws Exception {
        this(http -> { }, DOCUMENTED_DISPATCH);
    }

    PaidApps(Consumer<HttpConfiguration> http) throws Exception {
        this(http, DOCUMENTED_DISPATCH);
    }

    PaidApps(Consumer<HttpConfiguration> http, EnumSet<DispatcherType> dispatch) throws Exception {
        this(http, dispatch, "/*");
    }

    /**
     * @param http           configures both connectors (a ForwardedRequestCustomizer for a trusted proxy, say)
     * @param dispatch       the dispatcher types the servlet filter is mapped for
     * @param filterPatterns the URL patterns the servlet filter is mapped to
     */
    PaidApps(Consumer<HttpConfiguration> http, EnumSet<DispatcherType> dispatch, String... filterPatterns)
            throws Exception {
        this(false, http, dispatch, filterPatterns);
    }

    /** Both apps on connectors that also speak HTTP/2 in clear text (prior knowledge, or an HTTP/1.1 upgrade). */
    static PaidApps speakingH2c() throws Exception {
        return new PaidApps(true, http -> { }, DOCUMENTED_DISPATCH, "/*");
    }

    private PaidApps(boolean h2c, Consumer<HttpConfiguration> http, EnumSet<DispatcherType> dispatch,
            String... filterPatterns) throws Exception {
        facilitator = new FacilitatorDouble();
        Tollgate tollgate = Tollgate.create(TollgateConfig.builder()
                .facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO)
                .route("*", "/premium/*", "$0.01")
                .route("GET", "/getonly/*", "$0.01")
                .route("*", "/async/*", "$0.01")
                .build());
        servletServer = server(http, h2c);
        ServletContextHandler servlets = new ServletContextHandler("/");
        FilterHolder filter = new FilterHolder(new PaymentFilter(tollgate));
        for (String pattern : filterPatterns) {
            servlets.addFilter(filter, pattern, dispatch);
        }
        servlets.addServlet(new ServletHolder("premium", new AnyMethod()), "/premium/*");
        servlets.addServlet(new ServletHolder(new Big()), "/premium/big/*");
        servlets.addServlet(new ServletHolder(new GetOnly()), "/getonly/*");
        ServletHolder async = new ServletHolder(new AsyncPaid());
        async.setAsyncSupported(true);
        servlets.addServlet(async, "/async/*");
        servlets.addServlet(new ServletHolder(new Free()), "/free/*");
        ServletHolder dispatching = new ServletHolder(new Dispatching());
        dispatching.setAsyncSupported(true);
        servlets.addServlet(dispatching, "/dispatch/*");
        servletServer.setHandler(servlets);
        servletServer.start();
        idleBusyServletThreads = busyServletThreads();

        jerseyServer = server(http, h2c);
        ServletContextHandler jersey = new ServletContextHandler("/");
        TollgateConfig annotations = TollgateConfig.builder().withoutRoutes()
                .facilitatorUrl(facilitator.url())
                .payTo(Proofs.PAY_TO)
                .build();
        ResourceConfig app = new ResourceConfig(PaidResource.class, FreeResource.class)
                .register(TollgateFeature.from(annotations))
                .register(HttpMethodOverrideFilter.class)
                .register(SeenByJersey.class);
        jersey.addServlet(new ServletHolder(new ServletContainer(app)), "/api/*");
        jerseyServer.setHandler(jersey);
        jerseyServer.start();
    }

    private static Server server(Consumer<HttpConfiguration> customize, boolean h2c) {
        Server server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        customize.accept(config);
        ServerConnector connector = h2c
                ? new ServerConnector(server, new HttpConnectionFactory(config), new HTTP2CServerConnectionFactory(config))
                : new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(1024); // 1,000 clients connect at once in ConcurrencyTest
        server.addConnector(connector);
        return server;
    }

    static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** Busy threads of an idle server: its acceptor and selector threads. */
    int idleBusyServletThreads;

    int busyServletThreads() {
        return ((org.eclipse.jetty.util.thread.QueuedThreadPool) servletServer.getThreadPool()).getBusyThreads();
    }

    int servletPort() {
        return port(servletServer);
    }

    int jerseyPort() {
        return port(jerseyServer);
    }

    @Override
    public void close() throws Exception {
        servletServer.stop();
        jerseyServer.stop();
        facilitator.close();
    }

    static void paid(HttpServletResponse resp, String what) throws IOException {
        RUNS.incrementAndGet();
        resp.setContentType("text/plain");
        resp.getWriter().write(MARKER + " " + what);
    }

    /** A paid servlet that serves every method, so a method game that reaches it shows. */
    static final class AnyMethod extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            paid(resp, req.getMethod() + " " + req.getRequestURI());
        }
    }

    /** A paid answer that takes a moment and is large: 900 KB, under the default 1 MiB buffer limit. */
    static final class Big extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            RUNS.incrementAndGet();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            resp.setContentType("text/plain");
            byte[] line = (MARKER + " big\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            var out = resp.getOutputStream();
            for (int written = 0; written + line.length <= 900_000; written += line.length) {
                out.write(line);
            }
        }
    }

    static final class GetOnly extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            paid(resp, "get-only");
        }
    }

    static final class AsyncPaid extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            AsyncContext ctx = req.startAsync();
            ctx.start(() -> {
                try {
                    paid((HttpServletResponse) ctx.getResponse(), "async");
                } catch (IOException ignored) {
                    // the test looks at what arrived
                }
                ctx.complete();
            });
        }
    }

    static final class Free extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write(FREE);
        }
    }

    /** A free page that sends its request on to a paid path, each way the Servlet API offers. */
    static final class Dispatching extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            String how = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
            String target = req.getParameter("to") == null ? "/premium/report" : req.getParameter("to");
            switch (how) {
                case "include" -> {
                    resp.getWriter().write(FREE + ", then: ");
                    req.getRequestDispatcher(target).include(req, resp);
                }
                case "async" -> {
                    AsyncContext ctx = req.startAsync();
                    ctx.dispatch(target);
                }
                default -> req.getRequestDispatcher(target).forward(req, resp);
            }
        }
    }

    /** Marks every answer that came out of the JAX-RS application, as opposed to the container. */
    public static class SeenByJersey implements ContainerResponseFilter {
        @Override
        public void filter(ContainerRequestContext request, ContainerResponseContext response) {
            response.getHeaders().putSingle(SEEN_BY_JERSEY, "1");
        }
    }

    @Path("premium")
    @PaymentRequired(price = "$0.01")
    public static class PaidResource {
        @GET
        @Path("report")
        public String report() {
            RUNS.incrementAndGet();
            return MARKER + " jaxrs GET";
        }

        @POST
        @Path("report")
        public String post() {
            RUNS.incrementAndGet();
            return MARKER + " jaxrs POST";
        }

        @PUT
        @Path("report")
        public String put() {
            RUNS.incrementAndGet();
            return MARKER + " jaxrs PUT";
        }

        /** Everything else below /premium is paid too, so near-miss paths reach a paid method, not a 404. */
        @GET
        @Path("{rest: .+}")
        public String rest() {
            RUNS.incrementAndGet();
            return MARKER + " jaxrs rest";
        }

        @GET
        @Path("async")
        public void async(@Suspended AsyncResponse response) {
            new Thread(() -> {
                RUNS.incrementAndGet();
                response.resume(MARKER + " jaxrs async");
            }).start();
        }
    }

    @Path("free")
    public static class FreeResource {
        @GET
        public String free() {
            return FREE;
        }
    }
}
