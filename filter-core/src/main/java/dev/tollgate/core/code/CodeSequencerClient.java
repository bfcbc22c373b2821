package dev.tollgate.core.code;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Talks to the Code sequencer's HTTP API: every call is a POST of a protobuf {@code Request} envelope to one
 * endpoint, answered by a {@code Response} envelope.
 *
 * <p>Every call is bounded: the connect timeout applies to the connection, the request timeout to the whole
 * exchange including reading the body, and the body size is capped. Failures surface as
 * {@link CodeApiException} with a kind saying whether retrying makes sense.
 */
public final class CodeSequencerClient implements CodeIntentApi {

    /** The SDK's default endpoint {@code https://cash.getcode.com/v1} plus the {@code /api/} it appends. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://cash.getcode.com/v1/api/");

    /**
     * @param endpoint         full URL the envelopes are POSTed to
     * @param connectTimeout   limit for establishing the connection
     * @param requestTimeout   limit for the whole exchange, from sending to the last body byte
     * @param maxResponseBytes larger responses are refused as malformed
     */
    public record Config(URI endpoint, Duration connectTimeout, Duration requestTimeout, int maxResponseBytes) {

        public Config {
            Objects.requireNonNull(endpoint, "endpoint");
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(requestTimeout, "requestTimeout");
            if (maxResponseBytes <= 0) {
                throw new IllegalArgumentException("maxResponseBytes must be positive");
            }
        }

        public static Config defaults() {
            return new Config(DEFAULT_ENDPOINT, Duration.ofSeconds(2), Duration.ofSeconds(10),
                    SequencerEnvelope.MAX_ENVELOPE_BYTES);
        }

        public Config withEndpoint(URI endpoint) {
            return new Config(endpoint, connectTimeout, requestTimeout, maxResponseBytes);
        }

        public Config withTimeouts(Duration connect, Duration request) {
            return new Config(endpoint, connect, request, maxResponseBytes);
        }

        private static void requirePositive(Duration duration, String name) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
        }
    }

    private final Config config;
    private final BoundedHttp http;

    public CodeSequencerClient(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = new BoundedHttp(config.connectTimeout(), config.requestTimeout(), config.maxResponseBytes());
    }

    public CodeSequencerClient() {
        this(Config.defaults());
    }

    public Config config() {
        return config;
    }

    /**
     * Announces the intent to the sequencer ({@code Messaging/sendMessage}) so the wallet can find it when the
     * code is scanned. Idempotent for the same intent.
     *
     * @throws CodeApiException if the envelope or the inner {@code SendMessageResponse} is not OK
     */
    @Override
    public PaymentIntent createIntent(PaymentIntent intent) {
        byte[] body = call(MessagingWire.SERVICE, MessagingWire.SEND_MESSAGE, intent.sendMessageRequest().encode());
        MessagingWire.SendMessageResponse response = decode("SendMessageResponse",
                () -> MessagingWire.SendMessageResponse.decode(body));
        if (!response.isOk()) {
            String reason = response.result() == MessagingWire.SEND_RESULT_NO_ACTIVE_STREAM
                    ? "NO_ACTIVE_STREAM" : "result " + response.result();
            throw new CodeApiException(CodeApiException.Kind.REJECTED,
                    "sendMessage for intent " + intent.id() + " refused: " + reason);
        }
        return intent;
    }

    /**
     * Asks {@code MicroPayment/getStatus} about an intent.
     *
     * @throws IllegalArgumentException if the id is not a base58 32-byte key
     */
    @Override
    public IntentStatus getStatus(String intentId) {
        MicroPaymentWire.GetStatusRequest request = MicroPaymentWire.GetStatusRequest.forIntent(intentId);
        byte[] body = call(MicroPaymentWire.SERVICE, MicroPaymentWire.GET_STATUS, request.encode());
        MicroPaymentWire.GetStatusResponse response = decode("GetStatusResponse",
                () -> MicroPaymentWire.GetStatusResponse.decode(body));
        return new IntentStatus(intentId, response.exists(), response.codeScanned(), response.intentSubmitted());
    }

    /** Sends one envelope and returns the inner body of an OK response. */
    private byte[] call(String service, String method, byte[] body) {
        byte[] envelope = SequencerEnvelope.Request.of(service, method, body).encode();
        HttpRequest request = http.request(config.endpoint())
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope))
                .build();
        String call = service + "/" + method;
        byte[] response = http.exchange(request, call);
        SequencerEnvelope.Response reply = decode("Response envelope of " + call,
                () -> SequencerEnvelope.Response.decode(response));
        if (!reply.isOk()) {
            String message = reply.message().isEmpty() ? "no message" : reply.message();
            throw new CodeApiException(CodeApiException.Kind.REJECTED,
                    call + " returned ERROR (result " + reply.result() + "): " + message);
        }
        return reply.body().toByteArray();
    }

    private static <T> T decode(String what, Supplier<T> decoder) {
        try {
            return decoder.get();
        } catch (MalformedMessageException e) {
            throw new CodeApiException(CodeApiException.Kind.MALFORMED, what + " is malformed: " + e.getMessage(), e);
        }
    }
}
