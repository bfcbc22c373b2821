package dev.tollgate.core.code;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP exchanges with a hard time and size budget, shared by the protobuf and legacy JSON clients.
 * The JDK's request timeout only covers the response headers; here the whole exchange, body included, must
 * finish within it, and a body over the size limit is abandoned rather than buffered.
 */
final class BoundedHttp {

    private final HttpClient http;
    private final Duration requestTimeout;
    private final int maxResponseBytes;

    BoundedHttp(Duration connectTimeout, Duration requestTimeout, int maxResponseBytes) {
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                // A redirect would re-send a signed request to a host nobody configured.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.requestTimeout = requestTimeout;
        this.maxResponseBytes = maxResponseBytes;
    }

    HttpRequest.Builder request(java.net.URI uri) {
        return HttpRequest.newBuilder(uri).timeout(requestTimeout);
    }

    /**
     * Performs the exchange and insists on a 2xx status.
     *
     * @throws CodeApiException unavailable (network, timeout, 5xx/408/429), rejected (other statuses) or
     *                          malformed (body too large)
     */
    byte[] exchange(HttpRequest request, String call) {
        HttpResponse<byte[]> response = send(request, call);
        int status = response.statusCode();
        if (status / 100 != 2) {
            boolean serverSide = status >= 500 || status == 408 || status == 429;
            throw new CodeApiException(serverSide ? CodeApiException.Kind.UNAVAILABLE : CodeApiException.Kind.REJECTED,
                    call + " answered HTTP " + status);
        }
        return response.body();
    }

    private HttpResponse<byte[]> send(HttpRequest request, String call) {
        CompletableFuture<HttpResponse<byte[]>> future =
                http.sendAsync(request, info -> new LimitedBody(maxResponseBytes));
        try {
            return future.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new CodeApiException(CodeApiException.Kind.UNAVAILABLE,
                    call + " timed out after " + requestTimeout.toMillis() + " ms", e);
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
                    call + " to " + withoutSecrets(request.uri()) + " failed: " + cause, cause);
        }
    }

    /**
     * The address as a message may show it: the configured URL may carry a token in its user info or query, and
     * these messages are logged and reach the gate's listeners.
     */
    static String withoutSecrets(java.net.URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
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
