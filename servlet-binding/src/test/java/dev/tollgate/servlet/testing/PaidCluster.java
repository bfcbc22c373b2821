package dev.tollgate.servlet.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.Tollgate;
import dev.tollgate.core.config.TollgateConfig;
import dev.tollgate.core.event.PaymentListener;
import dev.tollgate.core.ledger.ReplayLedger;
import dev.tollgate.core.testing.FacilitatorDouble;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.servlet.PaymentFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Several Tollgate instances as a load balancer would see them: each an embedded Jetty 12 server with its own
 * PaymentFilter (and its own ledger object) in front of a paid servlet, all configured with the same ledger
 * settings and one facilitator double.
 */
public final class PaidCluster implements AutoCloseable {
    public static final String PAID_MARKER = "PAID-CONTENT-c1u5";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final FacilitatorDouble facilitator;
    /** Counted down when a paid handler under {@code /paid/held/} starts; it then waits for {@link #heldRelease}. */
    public final CountDownLatch heldEntered = new CountDownLatch(1);
    public final CountDownLatch heldRelease = new CountDownLatch(1);
    /**
     * Once {@link #holdSettlements} was called, a {@code /settle} call stops before it is sent (in the facilitator
     * authorization, which runs before the client counts it as under way), counts down {@link #settleReached} and
     * waits for {@link #settleGo}: the settlement has begun, and reaches the facilitator client when the test says.
     */
    public final CountDownLatch settleReached = new CountDownLatch(1);
    public final CountDownLatch settleGo = new CountDownLatch(1);
    private volatile boolean holdSettlements;
    /** As {@link #settleReached} and {@link #settleGo}, for {@code /verify}, once {@link #holdVerifications}. */
    public final CountDownLatch verifyReached = new CountDownLatch(1);
    public final CountDownLatch verifyGo = new CountDownLatch(1);
    private volatile boolean holdVerifications;
    /**
     * Once {@link #holdAdmissions} was called, a proof found valid stops before it is admitted (in the listener told
     * of the verification), counts down {@link #admissionReached} and waits for {@link #admissionGo}.
     */
    public final CountDownLatch admissionReached = new CountDownLatch(1);
    public final CountDownLatch admissionGo = new CountDownLatch(1);
    private volatile boolean holdAdmissions;
    private final List<Instance> instances = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** A proof, as a header name and value. */
    public record Proof(String header, String value) {
        public String nonce() {
            try {
                JsonNode p = JSON.readTree(Base64.getDecoder().decode(value));
                return p.path("payload").path("authorization").path("nonce").asText();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final class Instance {
        final Tollgate tollgate;
        final Server server;
        final Map<String, AtomicInteger> runsByProof = new ConcurrentHashMap<>();

        Instance(Tollgate tollgate) throws Exception {
            this.tollgate = tollgate;
            server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            context.addFilter(new FilterHolder(new PaymentFilter(tollgate)), "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder(new Paid()), "/paid/*");
            server.setHandler(context);
            server.start();
        }

        int port() {
            return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        }

        /** Counts its runs per proof, so a test can tell which proof got content how often. */
        private final class Paid extends HttpServlet {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String proof = req.getHeader("X-PAYMENT") != null ? req.getHeader("X-PAYMENT")
                        : req.getHeader("PAYMENT-SIGNATURE");
                runsByProof.computeIfAbsent(String.valueOf(proof), k -> new AtomicInteger()).incrementAndGet();
                if (req.getRequestURI().startsWith("/paid/held/")) {
                    heldEntered.countDown();
                    try {
                        heldRelease.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                resp.setContentType("text/plain");
                resp.getWriter().write(PAID_MARKER);
            }
        }
    }

    public PaidCluster(int size, Map<String, String> ledgerSettings) throws Exception {
        this(size, ledgerSettings, null);
    }

    /** {@code ledger}: one ledger object, supplied in code, that every instance shares (null: from the settings). */
    public PaidCluster(int size, Map<String, String> ledgerSettings, ReplayLedger ledger) throws Exception {
        facilitator = new FacilitatorDouble();
        try {
            for (int i = 0; i < size; i++) {
                TollgateConfig.Builder builder = TollgateConfig.builder()
                        .settings(ledgerSettings)
                        .facilitatorAuthorization((method, uri) -> {
                            if (holdSettlements && uri.getPath().endsWith("/settle")) {
                                settleReached.countDown();
                                settleGo.await(20, TimeUnit.SECONDS);
                            }
                            if (holdVerifications && uri.getPath().endsWith("/verify")) {
                                verifyReached.countDown();
                                verifyGo.await(20, TimeUnit.SECONDS);
                            }
                            return null;
                        })
                        .listener(new PaymentListener() {
                            @Override
                            public void verified(String path, String outcome, String reason, Duration latency) {
                                if (holdAdmissions && "Valid".equals(outcome)) {
                                    admissionReached.countDown();
                                    try {
                                        admissionGo.await(20, TimeUnit.SECONDS);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                }
                            }
                        });
                if (ledger != null) {
                    builder.ledger(ledger);
                }
                TollgateConfig config = builder
                        .facilitatorUrl(facilitator.url())
                        .payTo(Proofs.PAY_TO)
                        .network("base-sepolia")
                        .route("GET", "/paid/*", "$0.01")
                        .build();
                instances.add(new Instance(Tollgate.create(config)));
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** From now on, each {@code /settle} waits for {@link #settleGo} before it is sent. */
    public void holdSettlements() {
        holdSettlements = true;
    }

    /** From now on, each {@code /verify} waits for {@link #verifyGo} before it is sent. */
    public void holdVerifications() {
        holdVerifications = true;
    }

    /** From now on, each proof found valid waits for {@link #admissionGo} before it is admitted. */
    public void holdAdmissions() {
        holdAdmissions = true;
    }

    public int size() {
        return instances.size();
    }

    /** Instance {@code i}'s Tollgate, for what an application does beside the filter (creating Code intents). */
    public Tollgate tollgate(int i) {
        return instances.get(i).tollgate;
    }

    public static Proof freshProof(int i) {
        return i % 2 == 0 ? new Proof("X-PAYMENT", Proofs.proof().v1())
                : new Proof("PAYMENT-SIGNATURE", Proofs.proof().v2());
    }

    public HttpResponse<String> get(int instance, String path, Proof proof) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instances.get(instance).port()
                + path)).timeout(Duration.ofSeconds(20)).GET();
        if (proof != null) {
            b.header(proof.header(), proof.value());
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs of the paid handler per proof header value, over all instances. */
    public Map<String, Integer> handlerRunsByProof() {
        Map<String, Integer> all = new ConcurrentHashMap<>();
        for (Instance i : instances) {
            i.runsByProof.forEach((proof, n) -> all.merge(proof, n.get(), Integer::sum));
        }
        return all;
    }

    public int handlerRuns(int instance) {
        return instances.get(instance).runsByProof.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Settle requests the facilitator received, per authorization nonce. */
    public Map<String, Long> settlementsByNonce() {
        return countByNonce(facilitator.settleRequests());
    }

    public Map<String, Long> verificationsByNonce() {
        return countByNonce(facilitator.verifyRequests());
    }

    private static Map<String, Long> countByNonce(List<JsonNode> requests) {
        return requests.stream().map(r -> r.path("paymentPayload").path("payload").path("authorization")
                .path("nonce").asText()).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Override
    public void close() throws Exception {
        for (Instance i : instances) {
            i.server.stop();
            i.tollgate.close();
        }
        facilitator.close();
    }
}
