package dev.tollgate.sample;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Runs the sample's own web.xml on embedded Jetty 12 (ee10): the same application as the war, started with
 * {@code java -jar sample-webapp/target/tollgate-sample.jar}. Settings come from the environment (see
 * README.md): {@code PORT} (default 8080), {@code HOST} (default 127.0.0.1), and the {@code TOLLGATE_*}
 * variables web.xml reads. Without {@code TOLLGATE_FACILITATOR_URL} it settles through a simulated dev
 * facilitator ({@link DevMode}); {@code pay URL} runs the {@link DemoPayer} instead of the server.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            // "pay URL [--v1|--v2]": the demo payer. Without arguments the jar serves the sample.
            if (!"pay".equals(args[0])) {
                System.err.println(DemoPayer.USAGE);
                System.exit(2);
            }
            System.exit(DemoPayer.run(java.util.List.of(args).subList(1, args.length), System.out, System.err));
        }
        Server server;
        try {
            server = start(Environment.value("HOST", "127.0.0.1"), port(Environment.value("PORT", "8080")));
        } catch (Exception e) {
            System.err.println("Tollgate sample failed to start: " + rootMessage(e));
            System.exit(1);
            return;
        }
        if (DevMode.facilitator(server) != null) {
            DevMode.printBanner(server, System.out);
        }
        System.out.println("Tollgate sample listening on " + server.getURI());
        server.join();
    }

    /** {@code PORT}'s value, or an error that says what is wrong with it (reported like any start-up failure). */
    static int port(String value) {
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("PORT must be a number from 0 to 65535, was \"" + value + "\"");
    }

    /**
     * {@code TOLLGATE_TRUST_FORWARDED}'s value. Anything but true or false is an error that names it: read as false,
     * a "1" or "yes" would leave the 402's resource URLs pointing at the proxy's side without a word.
     */
    static boolean trustForwarded(String value) {
        String v = value.strip();
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return v.equalsIgnoreCase("true");
        }
        throw new IllegalArgumentException("TOLLGATE_TRUST_FORWARDED must be true or false, was \"" + value + "\"");
    }

    /** {@code TOLLGATE_STOP_TIMEOUT}'s default, in seconds: longer than a paid handler and its settlement take. */
    static final int DEFAULT_STOP_TIMEOUT = 30;

    /**
     * {@code TOLLGATE_STOP_TIMEOUT}'s value in seconds, from 1 to 3600, or an error that names it. A stop without
     * grace closes the connections under running paid requests: one settled before its handler ran would be lost.
     */
    static int stopTimeout(String value) {
        try {
            int seconds = Integer.parseInt(value.strip());
            if (seconds >= 1 && seconds <= 3600) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("TOLLGATE_STOP_TIMEOUT must be a number of seconds from 1 to 3600, was \""
                + value + "\"");
    }

    /**
     * Serves {@code handler} behind Jetty's graceful stop: a stop (Ctrl-C, SIGTERM, {@code Server.stop()}) first stops
     * accepting, lets the requests under way finish for up to {@code stopTimeout}, and only then closes connections.
     * Without it, a paid request whose handler was still running lost its answer: with {@code settlement=before}
     * after the payer was charged.
     */
    static void serveGracefully(Server server, Handler handler, Duration stopTimeout) {
        server.setHandler(new GracefulHandler(handler));
        server.setStopTimeout(stopTimeout.toMillis());
        server.setStopAtShutdown(true); // Ctrl-C and SIGTERM stop the server (gracefully), not just the JVM
    }

    /** Starts the sample; {@code port} 0 picks a free port. */
    public static Server start(String host, int port) throws Exception {
        Duration stopTimeout = Duration.ofSeconds(stopTimeout(Environment.value("TOLLGATE_STOP_TIMEOUT",
                Integer.toString(DEFAULT_STOP_TIMEOUT))));
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false); // "Server: Jetty(12.x)" tells an attacker which advisories apply
        if (trustForwarded(Environment.value("TOLLGATE_TRUST_FORWARDED", "false"))) {
            // Only behind a proxy you control: resource URLs then follow X-Forwarded-* / Forwarded.
            http.addCustomizer(new ForwardedRequestCustomizer());
        }
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setErrorHandler(new JsonErrors());

        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        Resource base = ResourceFactory.of(webapp).newClassLoaderResource("webapp", false);
        if (base == null) {
            throw new IllegalStateException("the web application is missing from the class path (webapp/)");
        }
        webapp.setBaseResource(base);
        webapp.setParentLoaderPriority(true);
        webapp.setThrowUnavailableOnStartupException(true);
        if (DevMode.wanted()) {
            DevMode.requireTestnet(); // before the port opens
            DevMode.remoteAllowed(Environment.value(DevMode.REMOTE, "false"));
        }
        listen(connector, host, port);
        if (DevMode.wanted()) {
            // No TOLLGATE_FACILITATOR_URL: settle through the built-in, simulated dev facilitator.
            DevMode.start(server, connector, webapp, stopTimeout);
            return server;
        }
        serveGracefully(server, webapp, stopTimeout);
        try {
            server.start();
        } catch (Exception | Error e) {
            server.stop(); // a web application that failed must not leave the port open
            throw e;
        }
        return server;
    }

    /**
     * Opens the port before anything starts (starting finds it open), so that a port in use or a host that is not
     * this machine's is reported naming HOST and PORT: Jetty's own words name neither ("Address already in use",
     * or an UnresolvedAddressException without a message).
     */
    private static void listen(ServerConnector connector, String host, int port) throws IOException {
        try {
            connector.open();
        } catch (IOException e) {
            String why = root(e) instanceof UnresolvedAddressException ? "no such host" : rootMessage(e);
            IOException named = new IOException("cannot listen on HOST " + host + ", PORT " + port + ": " + why);
            named.addSuppressed(e);
            throw named;
        }
    }

    /**
     * What the server answers for a request that never reaches the web application (a bad Host, a malformed or
     * ambiguous path, headers too large): the same short JSON error as the web application's {@link ErrorServlet}.
     * Jetty's own page names Jetty and its version.
     */
    static final class JsonErrors extends ErrorHandler {
        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                        Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap(ErrorServlet.body(code)), callback);
        }

    }

    static String rootMessage(Throwable e) {
        Throwable t = root(e);
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static Throwable root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
