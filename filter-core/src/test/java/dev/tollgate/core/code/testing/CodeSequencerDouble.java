package dev.tollgate.core.code.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.core.code.Base58;
import dev.tollgate.core.code.MalformedMessageException;
import dev.tollgate.core.code.MessagingWire;
import dev.tollgate.core.code.MicroPaymentWire;
import dev.tollgate.core.code.RendezvousKey;
import dev.tollgate.core.code.SequencerEnvelope;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A local stand-in for the Code sequencer, speaking the same wire format on 127.0.0.1 (random port): protobuf
 * envelopes POSTed to {@code /v1/api/} (and the legacy JSON API under {@code /legacy/v1/}). It verifies what a real sequencer must verify (the rendezvous key's
 * signature over the message) and keeps intents in memory so tests can drive them to "submitted".
 *
 * <p>Faults for client tests: {@link #respondWith(int, byte[])} replaces every answer with a fixed one and
 * {@link #stall()} makes the server accept requests and never answer. Both last until {@link #behaveNormally()}.
 */
public final class CodeSequencerDouble implements AutoCloseable {

    public static final String PATH = "/v1/api/";
    public static final String LEGACY_PATH = "/legacy/v1/";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An intent as the double saw it in {@code sendMessage}. */
    public record StoredIntent(String id, String destination, String currency, double amount,
                               boolean codeScanned, boolean intentSubmitted, ByteString message) {

        StoredIntent scanned() {
            return new StoredIntent(id, destination, currency, amount, true, intentSubmitted, message);
        }

        StoredIntent submitted() {
            return new StoredIntent(id, destination, currency, amount, true, true, message);
        }
    }

    private record Fault(int status, byte[] body) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, StoredIntent> intents = new ConcurrentHashMap<>();
    private final AtomicReference<Fault> fault = new AtomicReference<>();
    private final AtomicReference<CountDownLatch> stall = new AtomicReference<>();
    private final AtomicInteger requests = new AtomicInteger();

    private CodeSequencerDouble(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static CodeSequencerDouble start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
                Thread thread = new Thread(runnable, "code-sequencer-double");
                thread.setDaemon(true);
                return thread;
            });
            CodeSequencerDouble sequencer = new CodeSequencerDouble(server, executor);
            server.createContext(PATH, sequencer::handle);
            server.createContext(LEGACY_PATH, sequencer::handleLegacy);
            server.setExecutor(executor);
            server.start();
            return sequencer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the sequencer double", e);
        }
    }

    /** The URL to configure as the client's endpoint. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** Base URL for the legacy JSON API ({@code createIntent}, {@code getStatus}). */
    public URI legacyEndpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + LEGACY_PATH);
    }

    public Optional<StoredIntent> intent(String intentId) {
        return Optional.ofNullable(intents.get(intentId));
    }

    /** The wallet scanned the code. */
    public void markScanned(String intentId) {
        update(intentId, StoredIntent::scanned);
    }

    /** The wallet paid: from now on getStatus reports the intent submitted (and scanned). */
    public void markSubmitted(String intentId) {
        update(intentId, StoredIntent::submitted);
    }

    public int requestCount() {
        return requests.get();
    }

    /** Answers every request with this status and raw body, whatever was asked. */
    public void respondWith(int httpStatus, byte[] body) {
        fault.set(new Fault(httpStatus, body.clone()));
    }

    /** Accepts requests but does not answer until {@link #behaveNormally()} or {@link #close()}. */
    public void stall() {
        stall.compareAndSet(null, new CountDownLatch(1));
    }

    public void behaveNormally() {
        fault.set(null);
        releaseStalled();
    }

    @Override
    public void close() {
        releaseStalled();
        server.stop(0);
        executor.shutdownNow();
    }

    private void update(String intentId, java.util.function.UnaryOperator<StoredIntent> change) {
        if (intents.computeIfPresent(intentId, (id, intent) -> change.apply(intent)) == null) {
            throw new IllegalArgumentException("the sequencer double has no intent " + intentId);
        }
    }

    private void releaseStalled() {
        CountDownLatch latch = stall.getAndSet(null);
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Applies a scripted stall or fault; true if the exchange has been dealt with. */
    private boolean scripted(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        CountDownLatch latch = stall.get();
        if (latch != null) {
            awaitQuietly(latch);
            return true;
        }
        Fault scripted = fault.get();
        if (scripted != null) {
            send(exchange, scripted.status(), scripted.body());
            return true;
        }
        return false;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (scripted(exchange)) {
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, new byte[0]);
                return;
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (!"application/octet-stream".equals(contentType)) {
                send(exchange, 415, new byte[0]);
                return;
            }
            byte[] body = readBounded(exchange.getRequestBody());
            if (body == null) {
                send(exchange, 413, new byte[0]);
                return;
            }
            send(exchange, 200, answer(body).encode());
        }
    }

    private SequencerEnvelope.Response answer(byte[] body) {
        try {
            SequencerEnvelope.Request request = SequencerEnvelope.Request.decode(body);
            String call = request.service() + "/" + request.method();
            byte[] inner = request.body().toByteArray();
            return switch (call) {
                case MessagingWire.SERVICE + "/" + MessagingWire.SEND_MESSAGE -> sendMessage(inner);
                case MicroPaymentWire.SERVICE + "/" + MicroPaymentWire.GET_STATUS -> getStatus(inner);
                default -> SequencerEnvelope.Response.error("unknown method " + call);
            };
        } catch (MalformedMessageException e) {
            return SequencerEnvelope.Response.error("malformed request: " + e.getMessage());
        }
    }

    private SequencerEnvelope.Response sendMessage(byte[] body) {
        MessagingWire.SendMessageRequest request = MessagingWire.SendMessageRequest.decode(body);
        String refusal = store(request.rendezvousKey().toByteArray(), request.message().toByteArray(),
                request.signature().toByteArray());
        if (refusal != null) {
            return SequencerEnvelope.Response.error(refusal);
        }
        byte[] messageId = new byte[16];
        RANDOM.nextBytes(messageId);
        return SequencerEnvelope.Response.ok(new MessagingWire.SendMessageResponse(
                MessagingWire.SEND_RESULT_OK, ByteString.copyFrom(messageId)).encode());
    }

    /** Verifies and stores an intent; returns why it was refused, or null. */
    private String store(byte[] key, byte[] message, byte[] signature) {
        if (!RendezvousKey.verify(key, message, signature)) {
            return "invalid signature for rendezvous key " + Base58.encode(key);
        }
        MessagingWire.RequestToReceiveBill bill = MessagingWire.RequestToReceiveBill.decodeMessage(message);
        // The intent id is the rendezvous public key: the only thing that ties the message to the scan code.
        String id = Base58.encode(key);
        ByteString signed = ByteString.copyFrom(message);
        StoredIntent fresh = new StoredIntent(id, Base58.encode(bill.requestorAccount().toByteArray()),
                bill.currency(), bill.nativeAmount(), false, false, signed);
        StoredIntent existing = intents.putIfAbsent(id, fresh);
        if (existing != null && !existing.message().equals(signed)) {
            return "intent " + id + " already exists with different content";
        }
        return null;
    }

    /** The legacy JSON API, as the Go SDK uses it: POST createIntent, GET getStatus?intent=. */
    private void handleLegacy(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (scripted(exchange)) {
                return;
            }
            String path = exchange.getRequestURI().getPath().substring(LEGACY_PATH.length());
            ObjectNode reply = JSON.createObjectNode();
            try {
                if ("createIntent".equals(path) && "POST".equals(exchange.getRequestMethod())) {
                    legacyCreate(readBounded(exchange.getRequestBody()), reply);
                } else if ("getStatus".equals(path) && "GET".equals(exchange.getRequestMethod())) {
                    legacyStatus(exchange.getRequestURI().getQuery(), reply);
                } else {
                    send(exchange, 404, new byte[0]);
                    return;
                }
            } catch (IOException | IllegalArgumentException e) {
                reply.removeAll().put("success", false).put("error", "bad request: " + e.getMessage());
            }
            send(exchange, 200, reply.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private void legacyCreate(byte[] body, ObjectNode reply) throws IOException {
        if (body == null) {
            throw new IllegalArgumentException("request too large");
        }
        JsonNode request = JSON.readTree(body);
        byte[] bill = Base64.getUrlDecoder().decode(textField(request, "message"));
        byte[] message = MessagingWire.RequestToReceiveBill.decode(bill).encodeAsMessage();
        byte[] key = Base58.decode(textField(request, "intent"), RendezvousKey.PUBLIC_KEY_LENGTH, "intent");
        String refusal = store(key, message, Base58.decode(textField(request, "signature")));
        if (refusal == null) {
            reply.put("success", true);
        } else {
            reply.put("success", false).put("error", refusal);
        }
    }

    private static String textField(JsonNode request, String name) {
        JsonNode value = request == null ? null : request.get(name);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return value.asText();
    }

    private void legacyStatus(String query, ObjectNode reply) {
        String id = query != null && query.startsWith("intent=") ? query.substring("intent=".length()) : "";
        StoredIntent intent = intents.get(id);
        String status = intent == null ? "UNKNOWN" : intent.intentSubmitted() ? "SUBMITTED" : "PENDING";
        reply.put("success", true).put("status", status);
    }

    private SequencerEnvelope.Response getStatus(byte[] body) {
        String id = MicroPaymentWire.GetStatusRequest.decode(body).intentIdBase58();
        StoredIntent intent = intents.get(id);
        MicroPaymentWire.GetStatusResponse status = intent == null
                ? new MicroPaymentWire.GetStatusResponse(false, false, false)
                : new MicroPaymentWire.GetStatusResponse(true, intent.codeScanned(), intent.intentSubmitted());
        return SequencerEnvelope.Response.ok(status.encode());
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        byte[] body = in.readNBytes(SequencerEnvelope.MAX_ENVELOPE_BYTES + 1);
        return body.length > SequencerEnvelope.MAX_ENVELOPE_BYTES ? null : body;
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
