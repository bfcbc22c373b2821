package dev.tollgate.core.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.wire.SettleResponse;
import dev.tollgate.core.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The proof-API facilitator dialect: {@code POST {base}/verify} with {@code {proof, network, txHash?}},
 * answered by {@code {valid:true, transactionId, amount, network, timestamp, status}} or
 * {@code {valid:false, error, code}}.
 *
 * <p>The dialect documents {@code /settle} and {@code /supported} only by name, so Tollgate fixes their
 * shapes and treats both as optional: {@code POST /settle} takes {@code {proof, network}} and answers
 * {@code {success, transactionId?, network?, status?, error?, code?}}; it is called only when the
 * facilitator offers it ({@code facilitator.proofApi.settle=true}). Otherwise a verified proof-API payment
 * counts as settled at verification (the dialect verifies payments already made) and settlement reports
 * nothing new. {@code GET /supported} is read by {@link SupportedCatalog}.
 *
 * <p>A proof from the dialect's own header is sent as the client sent it; an x402 proof ({@code X-PAYMENT}
 * or {@code PAYMENT-SIGNATURE}) is sent as base64 of its JSON. The network is the option's x402 v1 name
 * ("base", "base-sepolia"), the form the dialect uses. Every call is bounded like the x402 client's.
 */
public final class ProofApiClient implements PaymentVerifier, PaymentSettler {
    /** The request timeout this dialect's documentation advises. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final FacilitatorSettings settings;
    private final boolean settleOffered;
    private final HttpClient http;
    private final ObjectMapper mapper = WireJson.mapper();
    private final URI verifyUri;
    private final URI settleUri;

    public ProofApiClient(FacilitatorSettings settings, boolean settleOffered) {
        this.settings = settings;
        this.settleOffered = settleOffered;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // Plain HTTP/1.1, like HttpFacilitatorClient: no h2c upgrade attempt on cleartext calls.
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        String base = settings.baseUrl().toString().replaceAll("/+$", "");
        this.verifyUri = URI.create(base + "/verify");
        this.settleUri = URI.create(base + "/settle");
    }

    public FacilitatorSettings settings() {
        return settings;
    }

    /** The proof as this dialect carries it: the opaque header value, or base64 of an x402 payload. */
    public static String proofOf(PaymentAttempt attempt) {
        JsonNode p = attempt.paymentPayload();
        if (p.isTextual()) {
            return p.textValue();
        }
        return Base64.getEncoder().encodeToString(p.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public VerifyOutcome verify(PaymentAttempt attempt) {
        Reply r = post(verifyUri, "/verify", attempt);
        if (r.unavailable != null) {
            return r.unavailable;
        }
        if (r.malfunction != null) {
            return new VerifyOutcome.Malfunction(r.malfunction);
        }
        JsonNode json = r.json;
        JsonNode valid = json.get("valid");
        if (valid == null || !valid.isBoolean()) {
            return new VerifyOutcome.Malfunction("facilitator /verify answered HTTP " + r.status + " without valid");
        }
        if (!valid.booleanValue()) {
            String code = text(json, "code");
            ProofApiCode known = ProofApiCode.ofCode(code).orElse(ProofApiCode.INVALID_PAYMENT);
            String message = text(json, "error");
            if (known == ProofApiCode.INVALID_PAYMENT && code != null) {
                message = "facilitator code " + code + (message == null ? "" : ": " + message);
            }
            return new VerifyOutcome.Invalid(known.reason(), message);
        }
        String tx = text(json, "transactionId");
        String amount = text(json, "amount");
        String network = text(json, "network");
        if (tx == null || tx.isBlank() || amount == null || network == null) {
            return new VerifyOutcome.Malfunction(
                    "facilitator /verify said valid without transactionId, amount and network");
        }
        JsonNode ts = json.get("timestamp");
        Long timestamp = ts != null && ts.canConvertToLong() ? ts.longValue() : null;
        return new VerifyOutcome.Valid(null, new VerifiedPayment(tx, amount, network, timestamp,
                text(json, "status")));
    }

    @Override
    public SettleOutcome settle(PaymentAttempt attempt) {
        String network = attempt.option().network().v1Name();
        if (!settleOffered) {
            // Nothing to finalize: the gate reports the transaction found at verification.
            return new SettleOutcome.Settled(new SettleResponse(true, null, null, network, null));
        }
        Reply r = post(settleUri, "/settle", attempt);
        if (r.unavailable != null) {
            return new SettleOutcome.Unavailable(r.unavailable.retryAfter(), r.unavailable.detail());
        }
        if (r.malfunction != null) {
            return new SettleOutcome.Malfunction(r.malfunction);
        }
        JsonNode success = r.json.get("success");
        if (success == null || !success.isBoolean()) {
            return new SettleOutcome.Malfunction("facilitator /settle answered HTTP " + r.status + " without success");
        }
        if (!success.booleanValue()) {
            String reason = ProofApiCode.ofCode(text(r.json, "code")).orElse(ProofApiCode.INVALID_PAYMENT).reason();
            return new SettleOutcome.Failed(SettleResponse.failure(reason, network, null));
        }
        String answeredNetwork = text(r.json, "network");
        return new SettleOutcome.Settled(new SettleResponse(true, null, text(r.json, "transactionId"),
                answeredNetwork == null ? network : answeredNetwork, null));
    }

    private Reply post(URI uri, String what, PaymentAttempt attempt) {
        ObjectNode body = mapper.createObjectNode()
                .put("proof", proofOf(attempt))
                .put("network", attempt.option().network().v1Name());
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize facilitator request", e);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        settings.headers().forEach(b::header);
        return send(b.build(), what);
    }

    private Reply send(HttpRequest request, String what) {
        HttpResponse<byte[]> response;
        try {
            // The client's own timeout stops at the headers; this deadline also covers a trickling body.
            response = http.sendAsync(request, BoundedBody.handler(settings.maxResponseBytes()))
                    .get(settings.requestTimeout().toMillis() + 100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Reply.unavailable(FacilitatorFailures.timedOut(what, settings.requestTimeout()),
                    HttpFacilitatorClient.DEFAULT_RETRY_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.unavailable("interrupted while calling facilitator " + what,
                    HttpFacilitatorClient.DEFAULT_RETRY_AFTER);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause.getMessage() != null && cause.getMessage().startsWith("response body larger than")) {
                return Reply.malfunction("facilitator " + what + ": " + cause.getMessage());
            }
            if (cause instanceof java.net.http.HttpTimeoutException) {
                return Reply.unavailable(FacilitatorFailures.timedOut(what, settings.requestTimeout()),
                        HttpFacilitatorClient.DEFAULT_RETRY_AFTER);
            }
            return Reply.unavailable(FacilitatorFailures.unreachable(what, cause),
                    HttpFacilitatorClient.DEFAULT_RETRY_AFTER);
        }
        int status = response.statusCode();
        if (status == 429 || status == 408 || status >= 500) {
            return Reply.unavailable("facilitator " + what + " answered HTTP " + status,
                    HttpFacilitatorClient.retryAfter(response.headers().firstValue("Retry-After").orElse(null)));
        }
        if (status != 200 && status != 400 && status != 402) {
            return Reply.malfunction("facilitator " + what + " answered HTTP " + status);
        }
        try {
            JsonNode json = mapper.readTree(response.body());
            if (json == null || !json.isObject()) {
                return Reply.malfunction("facilitator " + what + " answered HTTP " + status + " without a JSON object");
            }
            return new Reply(status, json, null, null);
        } catch (IOException e) {
            return Reply.malfunction("facilitator " + what + " answered HTTP " + status + " with malformed JSON");
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull() || n.isContainerNode()) {
            return null;
        }
        return n.asText();
    }

    private record Reply(int status, JsonNode json, VerifyOutcome.Unavailable unavailable, String malfunction) {
        static Reply unavailable(String detail, Duration retryAfter) {
            return new Reply(0, null, new VerifyOutcome.Unavailable(retryAfter, detail), null);
        }

        static Reply malfunction(String detail) {
            return new Reply(0, null, null, detail);
        }
    }
}
