package dev.tollgate.sample;

import dev.tollgate.core.dev.DemoAccounts;
import dev.tollgate.core.dev.DevFacilitator;
import dev.tollgate.core.pricing.Network;
import dev.tollgate.core.pricing.NetworkRegistry;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

/**
 * The sample without a facilitator: when {@code TOLLGATE_FACILITATOR_URL} is unset, the launcher serves a
 * {@link DevFacilitator} (simulated ledger, demo payer funded) at {@value #PATH} beside the web application,
 * and points the filter at it over loopback, so the standard facilitator client is what settles.
 */
final class DevMode {
    static final String PATH = "/dev-facilitator";
    /** Server attribute holding the running {@link DevFacilitator}, for tests and tooling. */
    static final String ATTRIBUTE = DevFacilitator.class.getName();
    static final String FACILITATOR_URL = "TOLLGATE_FACILITATOR_URL";
    static final String PAY_TO = "TOLLGATE_PAY_TO";
    /** The x402 examples' address: where the simulated payments of dev mode go when no payTo is given. */
    static final String DEMO_PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
    static final String CODE_DESTINATION = "TOLLGATE_CODE_DESTINATION";
    /** The Code SDK example's account, for the button page in dev mode. */
    static final String DEMO_CODE_DESTINATION = "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR";
    /** What dev mode supplies when it is not given. */
    static final Map<String, String> DEMO_ACCOUNTS = Map.of(PAY_TO, DEMO_PAY_TO, CODE_DESTINATION, DEMO_CODE_DESTINATION);
    /** Named apart from AbstractLifeCycle.STARTING, which the handler below would otherwise see. */
    static final String STARTING_ANSWER = "{\"error\":\"the sample is starting, try again in a moment\"}";
    /** {@code true} lets hosts other than this one use the dev facilitator (a container's port mapping, say). */
    static final String REMOTE = "TOLLGATE_DEV_FACILITATOR_REMOTE";
    static final String NOT_THIS_MACHINE_ANSWER = "{\"error\":\"the dev facilitator answers callers on this machine only;"
            + " set " + REMOTE + "=true to serve other hosts (its payments are simulated)\"}";

    private DevMode() {
    }

    static boolean wanted() {
        return Environment.value(FACILITATOR_URL, null) == null;
    }

    /** The default registry's test networks: dev mode's simulated money stands in for their tokens, worth nothing too. */
    private static final Set<String> TESTNETS = Set.of("base-sepolia", "avalanche-fuji", "polygon-amoy");

    /**
     * Refuses dev mode on a main network. Its facilitator settles with simulated funds and its demo payer's key is
     * published, so with {@code TOLLGATE_NETWORK=base} and {@code TOLLGATE_FACILITATOR_URL} left empty (as a compose
     * file's {@code ${FACILITATOR_URL}} is when unset) the 402 asked for real USDC and anyone could pay it with
     * money that does not exist.
     */
    static void requireTestnet() {
        String network = Environment.value("TOLLGATE_NETWORK", null);
        Optional<Network> main = network == null ? Optional.empty()
                : NetworkRegistry.defaults().find(network).filter(n -> !TESTNETS.contains(n.v1Name()));
        if (main.isPresent()) {
            throw new IllegalArgumentException("TOLLGATE_NETWORK is " + main.get().v1Name() + ", a main network, but "
                    + FACILITATOR_URL + " is not set, which starts dev mode: payments there are simulated, and content"
                    + " would be given for money that does not exist; set " + FACILITATOR_URL + " to a real facilitator,"
                    + " or use a test network (" + String.join(", ", new TreeSet<>(TESTNETS)) + ")");
        }
    }

    /**
     * Serves the dev facilitator first, then starts {@code webapp} with the filter's {@code facilitator.url}
     * pointing at it: the filter's start-up {@code /supported} check then finds it answering instead of
     * waiting out its timeout on a port that accepts nothing yet. The URL is handed over as the system
     * property web.xml's {@code ${TOLLGATE_FACILITATOR_URL}} reads, only for as long as the web application
     * starts, so a later start in this JVM decides afresh.
     */
    static void start(Server server, ServerConnector connector, ContextHandler webapp, Duration stopTimeout)
            throws Exception {
        DevFacilitator facilitator = DevFacilitator.withDemoFunds(NetworkRegistry.defaults(), Clock.systemUTC());
        ServletContextHandler dev = new ServletContextHandler(PATH);
        dev.addServlet(new ServletHolder("dev-facilitator", new DevFacilitatorServlet(facilitator)), "/*");
        if (!remoteAllowed(Environment.value(REMOTE, "false"))) {
            // It has no authentication: with HOST=0.0.0.0 any host reaching the port could settle through it,
            // spend the published demo payer's funds, or use it as a free facilitator. The filter calls it here.
            dev.insertHandler(new ThisMachineOnly());
        }
        ContextHandlerCollection contexts = new ContextHandlerCollection(dev, starting());
        Main.serveGracefully(server, contexts, stopTimeout);
        server.setAttribute(ATTRIBUTE, facilitator);
        server.start();
        String url = "http://" + loopbackHost(connector.getHost()) + ":" + connector.getLocalPort() + PATH;
        String before = System.getProperty(FACILITATOR_URL);
        System.setProperty(FACILITATOR_URL, url);
        // web.xml names no payTo and no Code destination, so that a war deployed with a real facilitator never pays
        // the demo accounts; in dev mode they stand in for those not given.
        List<String> demo = new ArrayList<>();
        for (Map.Entry<String, String> account : DEMO_ACCOUNTS.entrySet()) {
            if (Environment.value(account.getKey(), null) == null) {
                System.setProperty(account.getKey(), account.getValue());
                demo.add(account.getKey());
            }
        }
        try {
            // The web application first: Server.getURI() names the first context, and the sample is the main thing.
            // It takes the place of the starting answer at "/" once it is started, not before.
            if (!webapp.isStarted()) {
                webapp.setServer(server);
                webapp.start();
            }
            contexts.setHandlers(webapp, dev);
            contexts.manage(webapp); // added running, it would be left running when the server stops
        } catch (Exception | Error e) {
            server.stop();
            throw e;
        } finally {
            if (before == null) {
                System.clearProperty(FACILITATOR_URL);
            } else {
                System.setProperty(FACILITATOR_URL, before);
            }
            demo.forEach(System::clearProperty);
        }
    }

    /**
     * What "/" answers while the web application starts: the port is open early, because the dev facilitator
     * must answer the filter's start-up check, and a client arriving then is told to come back rather than
     * handed a 404 for a page that exists.
     */
    private static ContextHandler starting() {
        ContextHandler starting = new ContextHandler("/");
        starting.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(HttpStatus.SERVICE_UNAVAILABLE_503);
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                Content.Sink.write(response, true, STARTING_ANSWER, callback);
                return true;
            }
        });
        return starting;
    }

    static boolean remoteAllowed(String value) {
        String v = value.strip();
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return v.equalsIgnoreCase("true");
        }
        throw new IllegalArgumentException(REMOTE + " must be true or false, was \"" + value + "\"");
    }

    /**
     * Whether the connection's peer is this machine: a loopback address, or the very address it connected to (the
     * filter reaches the dev facilitator at HOST when HOST is one address of this machine, and so comes from it).
     * An unknown or wildcard peer is not.
     */
    static boolean fromThisMachine(SocketAddress remote, SocketAddress local) {
        if (!(remote instanceof InetSocketAddress peer) || peer.getAddress() == null
                || peer.getAddress().isAnyLocalAddress()) {
            return false;
        }
        return peer.getAddress().isLoopbackAddress() || (local instanceof InetSocketAddress own
                && peer.getAddress().equals(own.getAddress()));
    }

    /**
     * Answers 403 to a caller not on this machine. It reads the connection itself, not the request's client
     * address: with TOLLGATE_TRUST_FORWARDED that follows X-Forwarded-For, which any caller can write.
     */
    private static final class ThisMachineOnly extends Handler.Wrapper {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            var endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
            if (fromThisMachine(endPoint.getRemoteSocketAddress(), endPoint.getLocalSocketAddress())) {
                return super.handle(request, response, callback);
            }
            response.setStatus(HttpStatus.FORBIDDEN_403);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            Content.Sink.write(response, true, NOT_THIS_MACHINE_ANSWER, callback);
            return true;
        }
    }

    static DevFacilitator facilitator(Server server) {
        return (DevFacilitator) server.getAttribute(ATTRIBUTE);
    }

    static void printBanner(Server server, PrintStream out) {
        URI uri = server.getURI();
        String base = uri.getScheme() + "://" + uri.getRawAuthority();
        String line = "=".repeat(100);
        out.println(line);
        out.println("  DEV MODE: PAYMENT SETTLEMENT IS SIMULATED. NO MONEY MOVES, NOTHING TOUCHES A CHAIN.");
        out.println();
        out.println("  TOLLGATE_FACILITATOR_URL is not set, so the filter verifies and settles through the built-in");
        out.println("  dev facilitator at " + base + PATH + " (real EIP-712 signature checks, in-memory ledger).");
        out.println("  The published demo payer " + DemoAccounts.DEMO_PAYER.toChecksumHex()
                + " holds 1,000 simulated USDC there. Pay with:");
        out.println("      java -jar sample-webapp/target/tollgate-sample.jar pay " + base + "/premium/report");
        out.println();
        out.println("  To settle for real, point at an x402 facilitator and your own address and Code account:");
        out.println("      TOLLGATE_FACILITATOR_URL=https://x402.org/facilitator TOLLGATE_PAY_TO=0xYourAddress \\");
        out.println("      TOLLGATE_CODE_DESTINATION=YourCodeAccount java -jar sample-webapp/target/tollgate-sample.jar");
        out.println("  For a proof-API facilitator, also set TOLLGATE_FACILITATOR_DIALECT=proof-api.");
        out.println("  Add TOLLGATE_VERIFY=local to check signatures in-process and only settle there (hybrid mode).");
        out.println(line);
    }

    /** Where the server reaches itself: a wildcard bind is reached on loopback. */
    private static String loopbackHost(String host) throws UnknownHostException {
        if (host == null || host.isBlank() || InetAddress.getByName(host).isAnyLocalAddress()) {
            return "127.0.0.1";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
