package dev.tollgate.core.code;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Talks to the Code sequencer's HTTP API: every call is a POST of a protobuf {@code Request} envelope to one
 * endpoint, answered by a {@code Response} envelope.
 *
 * <p>Every call is bounded: the connect timeout applies to the connection, the request timeout to the whole
 * exchange including reading the body, and the body size is capped. Failures surface as
 * {@link CodeApiException} with a kind saying whether retrying makes sense.
 */
public final class CodeSequencerClient {

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
    private final HttpClient http;

    public CodeSequencerClient(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                // A redirect would re-send a signed request to a host we did not configure.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
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
        HttpRequest request = HttpRequest.newBuilder(config.endpoint())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope))
                .build();
        String call = service + "/" + method;
        HttpResponse<byte[]> response = exchange(request, call);
        int status = response.statusCode();
        if (status / 100 != 2) {
            boolean serverSide = status >= 500 || status == 408 || status == 429;
            throw new CodeApiException(serverSide ? CodeApiException.Kind.UNAVAILABLE : CodeApiException.Kind.REJECTED,
                    call + " answered HTTP " + status);
        }
        SequencerEnvelope.Response reply = decode("Response envelope of " + call,
                () -> SequencerEnvelope.Response.decode(response.body()));
        if (!reply.isOk()) {
            String message = reply.message().isEmpty() ? "no message" : reply.message();
            throw new CodeApiException(CodeApiException.Kind.REJECTED,
                    call + " returned ERROR (result " + reply.result() + "): " + message);
        }
        return reply.body().toByteArray();
    }

    private HttpResponse<byte[]> exchange(HttpRequest request, String call) {
        CompletableFuture<HttpResponse<byte[]>> future =
                http.sendAsync(request, info -> new LimitedBody(config.maxResponseBytes()));
        try {
            // The request timeout only covers the response headers; this bounds the body as well.
            return future.get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new CodeApiException(CodeApiException.Kind.UNAVAILABLE,
                    call + " timed out after " + config.requestTimeout().toMillis() + " ms", e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CodeApiException(CodeApiException.Kind.UNAVAILABLE, call + " interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof ResponseTooLargeException) {
                throw new CodeApiException(CodeApiException.Kind.MALFORMED, call + ": " + cause.getMessage(), cause);
            }
            if (cause instanceof HttpTimeoutException) {
                throw new CodeApiException(CodeApiException.Kind.UNAVAILABLE,
                        call + " timed out: " + cause.getMessage(), cause);
            }
            throw new CodeApiException(CodeApiException.Kind.UNAVAILABLE,
                    call + " to " + config.endpoint() + " failed: " + cause, cause);
        }
    }

    private static <T> T decode(String what, java.util.function.Supplier<T> decoder) {
        try {
            return decoder.get();
        } catch (MalformedMessageException e) {
            throw new CodeApiException(CodeApiException.Kind.MALFORMED, what + " is malformed: " + e.getMessage(), e);
        }
    }

    private static final class ResponseTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        ResponseTooLargeException(int limit) {
            super("response body exceeds " + limit + " bytes");
        }
    }

    /** Collects the body but gives up, and cancels the stream, once it passes the limit. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final int limit;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        LimitedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                if (buffer.size() + item.remaining() > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new ResponseTooLargeException(limit));
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                buffer.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }
}
