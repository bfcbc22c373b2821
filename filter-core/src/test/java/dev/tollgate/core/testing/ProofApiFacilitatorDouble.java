package dev.tollgate.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.core.testing.FacilitatorDouble.Behaviour;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A facilitator of the proof-API dialect on 127.0.0.1. By default {@code /verify} knows the payments
 * registered with {@link #pay} and answers {@code PAYMENT_NOT_FOUND} for any other proof; {@code /settle}
 * finalizes, {@code /supported} lists base and base-sepolia. Every endpoint can be scripted, and every
 * request (body and headers) is recorded.
 */
public final class ProofApiFacilitatorDouble implements AutoCloseable {
    /** One request as received. */
    public record Received(JsonNode body, Map<String, List<String>> headers) {
    }

    private record Payment(String transactionId, String amount, String network, long timestamp) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final java.time.Clock clock;
    private final HttpServer server;
    private final Map<String, Payment> payments = new ConcurrentHashMap<>();
    private final List<Received> verifyRequests = new CopyOnWriteArrayList<>();
    private final List<Received> settleRequests = new CopyOnWriteArrayList<>();
    private final AtomicInteger supportedCalls = new AtomicInteger();
    private final AtomicInteger transactions = new AtomicInteger();
    private volatile Behaviour verify = this::knownPayments;
    private volatile Behaviour settle = (ex, req) -> FacilitatorDouble.respond(ex, 200,
            "{\"success\":true,\"status\":\"settled\"}");
    private volatile Behaviour supported = FacilitatorDouble.answer(200, "{\"networks\":[\"base\",\"base-sepolia\"]}");

    public ProofApiFacilitatorDouble() throws IOException {
        this(java.time.Clock.systemUTC());
    }

    /** @param clock the time {@link #pay(String, String, String)} stamps a payment with (the gate's, in a test) */
    public ProofApiFacilitatorDouble(java.time.Clock clock) throws IOException {
        this.clock = clock;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "proof-api-double");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/verify", ex -> handle(ex, verifyRequests, verify));
        server.createContext("/settle", ex -> handle(ex, settleRequests, settle));
        server.createContext("/supported", ex -> {
            supportedCalls.incrementAndGet();
            try {
                supported.answer(ex, null);
            } catch (IOException | RuntimeException e) {
                ex.close();
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Registers a payment the facilitator will vouch for when asked on its network, made now (its {@code timestamp},
     * in Unix seconds, is this double's clock); returns its transaction id.
     */
    public String pay(String proof, String amount, String network) {
        return pay(proof, amount, network, clock.instant());
    }

    public String pay(String proof, String amount, String network, java.time.Instant madeAt) {
        String tx = "tx_" + transactions.incrementAndGet();
        payments.put(proof, new Payment(tx, amount, network, madeAt.getEpochSecond()));
        return tx;
    }

    /** A second proof of an already registered payment (same transaction). */
    public void alias(String proof, String existingProof) {
        payments.put(proof, payments.get(existingProof));
    }

    public ProofApiFacilitatorDouble onVerify(Behaviour b) {
        this.verify = b;
        return this;
    }

    public ProofApiFacilitatorDouble onSettle(Behaviour b) {
        this.settle = b;
        return this;
    }

    public ProofApiFacilitatorDouble onSupported(Behaviour b) {
        this.supported = b;
        return this;
    }

    /** Back to the default: vouch for registered payments. */
    public ProofApiFacilitatorDouble verifyKnownPayments() {
        this.verify = this::knownPayments;
        return this;
    }

    public List<Received> verifyRequests() {
        return verifyRequests;
    }

    public List<Received> settleRequests() {
        return settleRequests;
    }

    public int supportedCalls() {
        return supportedCalls.get();
    }

    /** {@code {valid:false, error, code}}. */
    public static Behaviour refuse(String code, String error) {
        return FacilitatorDouble.answer(200, "{\"valid\":false,\"error\":\"" + error + "\",\"code\":\"" + code + "\"}");
    }

    /** Answers with an extra response header. */
    public static Behaviour withHeader(String name, String value, int status, String body) {
        return (ex, req) -> {
            ex.getResponseHeaders().set(name, value);
            FacilitatorDouble.respond(ex, status, body);
        };
    }

    private void knownPayments(HttpExchange ex, JsonNode req) throws IOException {
        Payment p = payments.get(req.path("proof").asText());
        // Like a real facilitator, it looks for the payment on the network it is asked about.
        if (p == null || !p.network().equals(req.path("network").asText())) {
            FacilitatorDouble.respond(ex, 200, "{\"valid\":false,\"error\":\"Payment not found\",\"code\":\"PAYMENT_NOT_FOUND\"}");
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("valid", true).put("transactionId", p.transactionId())
                .put("amount", p.amount()).put("network", p.network()).put("timestamp", p.timestamp())
                .put("status", "confirmed");
        FacilitatorDouble.respond(ex, 200, body.toString());
    }

    private static void handle(HttpExchange ex, List<Received> log, Behaviour behaviour) throws IOException {
        try {
            JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
            log.add(new Received(req, Map.copyOf(ex.getRequestHeaders())));
            behaviour.answer(ex, req);
        } catch (IOException | RuntimeException e) {
            FacilitatorDouble.respond(ex, 500, "{\"error\":\"double failed: " + e.getClass().getSimpleName() + "\"}");
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
