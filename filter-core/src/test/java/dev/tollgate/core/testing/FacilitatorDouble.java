package dev.tollgate.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real x402 facilitator over HTTP on 127.0.0.1, whose answers a test scripts. By default it accepts every
 * proof and settles it with a synthetic transaction. It records every request body it received.
 */
public final class FacilitatorDouble implements AutoCloseable {
    /** How the double answers one endpoint. */
    public interface Behaviour {
        void answer(HttpExchange exchange, JsonNode request) throws IOException;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The exact scheme on every network of the default registry, in both generations' names. */
    public static final String ALL_DEFAULT_NETWORKS = supportedKinds(
            "base", "eip155:8453", "base-sepolia", "eip155:84532", "avalanche", "eip155:43114",
            "avalanche-fuji", "eip155:43113", "polygon", "eip155:137", "polygon-amoy", "eip155:80002");

    private final HttpServer server;
    private final List<JsonNode> verifyRequests = new CopyOnWriteArrayList<>();
    private final List<JsonNode> settleRequests = new CopyOnWriteArrayList<>();
    private final List<byte[]> settleBodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger transactions = new AtomicInteger();
    private volatile Behaviour verify = FacilitatorDouble::acceptVerify;
    private volatile Behaviour settle = this::acceptSettle;
    private volatile Behaviour supported = answer(200, ALL_DEFAULT_NETWORKS);

    public FacilitatorDouble() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "facilitator-double");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/verify", ex -> handle(ex, verifyRequests, null, verify));
        server.createContext("/settle", ex -> handle(ex, settleRequests, settleBodies, settle));
        server.createContext("/supported", ex -> supported.answer(ex, null));
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FacilitatorDouble onVerify(Behaviour b) {
        this.verify = b;
        return this;
    }

    public FacilitatorDouble onSettle(Behaviour b) {
        this.settle = b;
        return this;
    }

    /** How {@code GET /supported} is answered (default: {@link #ALL_DEFAULT_NETWORKS}). */
    public FacilitatorDouble onSupported(Behaviour b) {
        this.supported = b;
        return this;
    }

    /** A {@code /supported} body listing the exact scheme on these v1 names and CAIP-2 ids, in that order. */
    public static String supportedKinds(String... v1AndCaip2) {
        StringBuilder b = new StringBuilder("{\"kinds\":[");
        for (int i = 0; i < v1AndCaip2.length; i += 2) {
            b.append(i == 0 ? "" : ",").append("{\"x402Version\":1,\"scheme\":\"exact\",\"network\":\"")
                    .append(v1AndCaip2[i]).append("\"},{\"x402Version\":2,\"scheme\":\"exact\",\"network\":\"")
                    .append(v1AndCaip2[i + 1]).append("\"}");
        }
        return b.append("]}").toString();
    }

    public List<JsonNode> verifyRequests() {
        return verifyRequests;
    }

    public List<JsonNode> settleRequests() {
        return settleRequests;
    }

    /** The {@code /settle} request bodies as they arrived, byte for byte. */
    public List<byte[]> settleBodies() {
        return settleBodies;
    }

    /** Answers {@code status} with {@code body} as JSON. */
    public static Behaviour answer(int status, String body) {
        return (ex, req) -> respond(ex, status, body);
    }

    /** Answers the n-th call as the n-th behaviour says, and every call after the last as the last. */
    public static Behaviour inTurn(Behaviour... answers) {
        AtomicInteger calls = new AtomicInteger();
        return (ex, req) -> answers[Math.min(calls.getAndIncrement(), answers.length - 1)].answer(ex, req);
    }

    /**
     * x402's {@code settlement_pending}: {@code tx} was broadcast, its receipt not seen in time (what the
     * reference facilitator answers when its receipt wait ends first).
     */
    public static String pendingSettlement(String tx) {
        return "{\"success\":false,\"errorReason\":\"settlement_pending\",\"errorMessage\":\"timed out waiting for the"
                + " receipt\",\"transaction\":\"" + tx + "\",\"network\":\"base-sepolia\"}";
    }

    /** Refuses every proof with this reason. */
    public static Behaviour invalid(String reason) {
        return answer(200, "{\"isValid\":false,\"invalidReason\":\"" + reason + "\"}");
    }

    /** Never answers within any sane timeout (the test's client must give up first). */
    public static Behaviour hang() {
        return (ex, req) -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        };
    }

    /** The payer a real facilitator reports: the authorization's signer, of EIP-3009 or of Permit2. */
    private static String payer(JsonNode req) {
        JsonNode payload = req.path("paymentPayload").path("payload");
        JsonNode a = payload.has("permit2Authorization") ? payload.path("permit2Authorization")
                : payload.path("authorization");
        return a.path("from").asText("");
    }

    public static void acceptVerify(HttpExchange ex, JsonNode req) throws IOException {
        String payer = payer(req);
        respond(ex, 200, "{\"isValid\":true,\"payer\":\"" + payer + "\"}");
    }

    private void acceptSettle(HttpExchange ex, JsonNode req) throws IOException {
        String payer = payer(req);
        String network = req.path("paymentRequirements").path("network").asText();
        String tx = String.format("0x%064x", transactions.incrementAndGet());
        respond(ex, 200, "{\"success\":true,\"transaction\":\"" + tx + "\",\"network\":\"" + network
                + "\",\"payer\":\"" + payer + "\"}");
    }

    public static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** {@code raw}: where the bodies go as they came, or null where nobody reads them. */
    private static void handle(HttpExchange ex, List<JsonNode> log, List<byte[]> raw, Behaviour behaviour)
            throws IOException {
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (raw != null) {
                raw.add(body);
            }
            JsonNode req = JSON.readTree(body);
            log.add(req);
            behaviour.answer(ex, req);
        } catch (IOException | RuntimeException e) {
            respond(ex, 500, "{\"error\":\"double failed: " + e.getClass().getSimpleName() + "\"}");
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
