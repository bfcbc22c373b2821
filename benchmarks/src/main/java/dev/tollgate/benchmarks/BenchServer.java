package dev.tollgate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.verify.FacilitatorSettings;
import dev.tollgate.core.verify.HttpFacilitatorClient;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.verify.PaymentSettler;
import dev.tollgate.core.verify.PaymentVerifier;
import dev.tollgate.core.verify.SettleOutcome;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.wire.SettleResponse;
import dev.tollgate.jaxrs.TollgateFeature;
import dev.tollgate.servlet.PaymentFilter;
import jakarta.servlet.DispatcherType;
import java.net.InetAddress;
import java.net.URI;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * The sample's bench routes on embedded Jetty, with a Tollgate built in code whose verifier and settler
 * accept every proof at once, in process: what the gate itself costs (issue 9, target 2), with nothing
 * outside the JVM. Built from the benchmarks module only, so no setting of the sample can ever select it;
 * it still refuses to listen anywhere but on the loopback interface.
 *
 * <p>Given a facilitator's URL (the double), it also serves {@code /bench/relay}: the unprotected handler making
 * the paid path's two facilitator calls itself, with no gate ({@link BenchHandlers.Relay}), and
 * {@code /bench/relay-core}: the same calls over httpcore5's own requester ({@link BenchHandlers.CoreRelay}), and
 * {@code /bench/paid-double}: the handler behind the filter, its Tollgate verifying and settling at that facilitator,
 * as the sample's paid path does.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.tollgate.benchmarks.BenchServer [port [facilitator]]}
 */
public final class BenchServer {
    static final String PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
    private static final AtomicLong TX = new AtomicLong();
    /** A made-up 32-byte transaction hash: 48 zero digits, then 16 hex digits of a counter. */
    private static final String TX_PREFIX = "0x" + "0".repeat(48);

    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8091;
        Server server = start("127.0.0.1", port, args.length > 1 ? URI.create(args[1]) : null);
        System.out.println("BenchServer (instant in-process verifier) listening on " + server.getURI());
        server.join();
    }

    /** The accept-everything verifier: names the payer the proof names, as a facilitator would. */
    static final PaymentVerifier ACCEPT_ALL = attempt -> new VerifyOutcome.Valid(
            attempt.evm() == null ? null : attempt.evm().authorization().from());

    static final PaymentSettler SETTLE_ALL = attempt -> new SettleOutcome.Settled(new SettleResponse(true, null,
            TX_PREFIX + Long.toHexString(Long.MIN_VALUE | TX.incrementAndGet()), attempt.option().network().caip2(),
            attempt.evm() == null ? null : attempt.evm().authorization().from()));

    public static Server start(String host, int port, URI facilitator) throws Exception {
        if (!InetAddress.getByName(host).isLoopbackAddress()) {
            throw new IllegalArgumentException("BenchServer accepts every payment; it only listens on loopback, not " + host);
        }
        TollgateConfig servletConfig = TollgateConfig.builder()
                .payTo(PAY_TO).network("base-sepolia").price("$0.01")
                .set("description", "Benchmark").set("mimeType", "application/json")
                .verifier(ACCEPT_ALL).settler(SETTLE_ALL)
                .build();
        TollgateConfig jaxrsConfig = TollgateConfig.builder().withoutRoutes()
                .payTo(PAY_TO).network("base-sepolia")
                .verifier(ACCEPT_ALL).settler(SETTLE_ALL)
                .build();

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new BenchHandlers.Servlet()), "/bench/free");
        context.addServlet(new ServletHolder(new BenchHandlers.Servlet()), "/bench/paid");
        context.addServlet(new ServletHolder(new BenchHandlers.ServletWithSettlementHeaders()), "/bench/free-headers");
        if (facilitator != null) {
            ObjectMapper json = new ObjectMapper();
            byte[] nonce = new byte[32];
            long now = System.currentTimeMillis() / 1000;
            JsonNode proof = new PaidOffer(null, json.valueToTree(PaidOffer.BENCH_OPTION.requirementsV2()))
                    .proof(json, now - PaidOffer.VALID_SINCE_SECONDS, now + PaidOffer.VALID_FOR_SECONDS, nonce);
            PaymentAttempt attempt = PaidOffer.benchAttempt(json, proof);
            context.addServlet(new ServletHolder(new BenchHandlers.Relay(
                    new HttpFacilitatorClient(FacilitatorSettings.of(facilitator)), attempt)), "/bench/relay");
            context.addServlet(new ServletHolder(new BenchHandlers.CoreRelay(facilitator, attempt)),
                    "/bench/relay-core");
            // The sample's paid path (the gate, its /verify and /settle at the facilitator) in this process, beside
            // the relay: the two differ by the gate alone, where the sample's differs from the relay by the process too.
            TollgateConfig doubleConfig = TollgateConfig.builder()
                    .facilitatorUrl(facilitator.toString()).payTo(PAY_TO).network("base-sepolia").price("$0.01")
                    .set("description", "Benchmark").set("mimeType", "application/json")
                    .build();
            context.addServlet(new ServletHolder(new BenchHandlers.Servlet()), "/bench/paid-double");
            context.addFilter(new FilterHolder(new PaymentFilter(Tollgate.create(doubleConfig))), "/bench/paid-double",
                    EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE));
        }
        context.addFilter(new FilterHolder(new PaymentFilter(Tollgate.create(servletConfig))), "/bench/paid",
                EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE));
        ResourceConfig api = new ResourceConfig(BenchHandlers.Resource.class)
                .register(TollgateFeature.from(jaxrsConfig));
        context.addServlet(new ServletHolder(new ServletContainer(api)), "/api/*");
        server.setHandler(context);
        server.start();
        return server;
    }
}
