package dev.tollgate.core.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.wire.FacilitatorRequest;
import dev.tollgate.core.wire.SettleResponse;
import dev.tollgate.core.wire.SupportedResponse;
import dev.tollgate.core.wire.VerifyResponse;
import dev.tollgate.core.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The standard x402 facilitator API ({@code POST /verify}, {@code POST /settle}, {@code GET /supported}) over
 * the JDK HTTP client. Every call has a connect timeout and an overall deadline that covers the body too,
 * and a bounded response size. Failures become outcomes, never exceptions, so the gate can answer 502/503.
 */
public final class HttpFacilitatorClient implements PaymentVerifier, PaymentSettler {
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private final FacilitatorSettings settings;
    private final HttpClient http;
    private final ObjectMapper mapper = WireJson.mapper();
    private final URI verifyUri;
    private final URI settleUri;
    private final URI supportedUri;

    public HttpFacilitatorClient(FacilitatorSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // Plain HTTP/1.1: no h2c upgrade attempt on cleartext facilitator calls.
                .version(HttpClient.Version.HTTP_1_1)
                // Completions run on the client's selector thread instead of being handed to a pool thread
                // first: each facilitator call then wakes one thread (the waiting request), not two.
                .executor(Runnable::run)
                .build();
        String base = settings.baseUrl().toString().replaceAll("/+$", "");
        this.verifyUri = URI.create(base + "/verify");
        this.settleUri = URI.create(base + "/settle");
        this.supportedUri = URI.create(base + "/supported");
    }

    public FacilitatorSettings settings() {
        return settings;
    }

    @Override
    public VerifyOutcome verify(PaymentAttempt attempt) {
        Exchange ex = post(verifyUri, attempt);
        if (ex.failure != null) {
            return ex.failure.unavailable
                    ? new VerifyOutcome.Unavailable(ex.failure.retryAfter, ex.failure.detail)
                    : new VerifyOutcome.Malfunction(ex.failure.detail);
        }
        JsonNode json = ex.json;
        if (!json.path("isValid").isBoolean()) {
            return new VerifyOutcome.Malfunction("facilitator /verify answered HTTP " + ex.status + " without isValid");
        }
        VerifyResponse r;
        try {
            r = mapper.treeToValue(json, VerifyResponse.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new VerifyOutcome.Malfunction("facilitator /verify answer has the wrong shape");
        }
        if (r.isValid()) {
            if (ex.status != 200) {
                // Only a 200 can say yes: an error status claiming validity is not an answer to trust.
                return new VerifyOutcome.Malfunction("facilitator /verify answered isValid:true with HTTP " + ex.status);
            }
            return new VerifyOutcome.Valid(r.payer());
        }
        return new VerifyOutcome.Invalid(r.invalidReason() == null ? "invalid_payment" : r.invalidReason(),
                r.invalidMessage());
    }

    @Override
    public SettleOutcome settle(PaymentAttempt attempt) {
        Exchange ex = post(settleUri, attempt);
        if (ex.failure != null) {
            return ex.failure.unavailable
                    ? new SettleOutcome.Unavailable(ex.failure.retryAfter, ex.failure.detail)
                    : new SettleOutcome.Malfunction(ex.failure.detail);
        }
        if (!ex.json.path("success").isBoolean()) {
            return new SettleOutcome.Malfunction("facilitator /settle answered HTTP " + ex.status + " without success");
        }
        SettleResponse r;
        try {
            r = mapper.treeToValue(ex.json, SettleResponse.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new SettleOutcome.Malfunction("facilitator /settle answer has the wrong shape");
        }
        if (r.success() && ex.status != 200) {
            return new SettleOutcome.Malfunction("facilitator /settle answered success:true with HTTP " + ex.status);
        }
        if (r.success() && (r.transaction() == null || r.transaction().isBlank())) {
            return new SettleOutcome.Malfunction("facilitator /settle reported success without a transaction");
        }
        // SettleResponse has no amount, but some facilitators name one: a success for another sum did not
        // pay this price, whatever else it says.
        JsonNode amount = ex.json.get("amount");
        if (r.success() && amount != null && !amount.isNull()
                && !amount.asText().equals(attempt.option().amount().toString())) {
            return new SettleOutcome.Malfunction("facilitator /settle reported amount " + amount.asText()
                    + " for a price of " + attempt.option().amount());
        }
        return r.success() ? new SettleOutcome.Settled(r) : new SettleOutcome.Failed(r);
    }

    /** {@code GET /supported}; throws {@link IOException} with a clear message when it cannot be had. */
    public SupportedResponse supported() throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(supportedUri).GET();
        Exchange ex = send(req, "/supported");
        if (ex.failure != null) {
            throw new IOException(ex.failure.detail);
        }
        try {
            return mapper.treeToValue(ex.json, SupportedResponse.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IOException("facilitator /supported answer has the wrong shape");
        }
    }

    private Exchange post(URI uri, PaymentAttempt attempt) {
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(new FacilitatorRequest(attempt.x402Version(), attempt.paymentPayload(),
                    attempt.requirements()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize facilitator request", e);
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return send(req, uri.getPath());
    }

    private Exchange send(HttpRequest.Builder builder, String what) {
        builder.timeout(settings.requestTimeout()).header("Accept", "application/json");
        settings.headers().forEach(builder::header);
        HttpResponse<byte[]> response;
        java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> call =
                http.sendAsync(builder.build(), BoundedBody.handler(settings.maxResponseBytes()));
        try {
            // The client's own timeout stops at the headers; this deadline also covers a trickling body.
            response = call.get(settings.requestTimeout().toMillis() + 100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            return Exchange.unavailable("facilitator " + what + " timed out after " + settings.requestTimeout(),
                    DEFAULT_RETRY_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Exchange.unavailable("interrupted while calling facilitator " + what, DEFAULT_RETRY_AFTER);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause.getMessage() != null && cause.getMessage().startsWith("response body larger than")) {
                return Exchange.malfunction("facilitator " + what + ": " + cause.getMessage());
            }
            return Exchange.unavailable("facilitator " + what + " unreachable: " + cause.getClass().getSimpleName(),
                    DEFAULT_RETRY_AFTER);
        }
        int status = response.statusCode();
        if (status == 429 || status == 408 || status >= 500) {
            return Exchange.unavailable("facilitator " + what + " answered HTTP " + status,
                    retryAfter(response.headers().firstValue("Retry-After").orElse(null)));
        }
        if (status != 200 && status != 400 && status != 402) {
            return Exchange.malfunction("facilitator " + what + " answered HTTP " + status);
        }
        try {
            JsonNode json = mapper.readTree(response.body());
            if (json == null || !json.isObject()) {
                return Exchange.malfunction("facilitator " + what + " answered HTTP " + status + " without a JSON object");
            }
            return new Exchange(status, json, null);
        } catch (IOException e) {
            return Exchange.malfunction("facilitator " + what + " answered HTTP " + status + " with malformed JSON");
        }
    }

    /** Seconds or an HTTP-date; absent or unreadable means a short default, and it is capped. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return DEFAULT_RETRY_AFTER;
        }
        Duration d;
        try {
            d = Duration.ofSeconds(Long.parseLong(header.strip()));
        } catch (NumberFormatException e) {
            try {
                java.time.ZonedDateTime when = java.time.ZonedDateTime.parse(header.strip(),
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                d = Duration.between(java.time.Instant.now(), when.toInstant());
            } catch (java.time.format.DateTimeParseException e2) {
                return DEFAULT_RETRY_AFTER;
            }
        }
        if (d.isNegative() || d.isZero()) {
            return Duration.ofSeconds(1);
        }
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    private record Failure(boolean unavailable, String detail, Duration retryAfter) {
    }

    private record Exchange(int status, JsonNode json, Failure failure) {
        static Exchange unavailable(String detail, Duration retryAfter) {
            return new Exchange(0, null, new Failure(true, detail, retryAfter));
        }

        static Exchange malfunction(String detail) {
            return new Exchange(0, null, new Failure(false, detail, null));
        }
    }
}
