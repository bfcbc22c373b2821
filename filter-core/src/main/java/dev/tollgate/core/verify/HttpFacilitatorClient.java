package dev.tollgate.core.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.wire.HeaderSafeText;
import dev.tollgate.core.wire.SettleResponse;
import dev.tollgate.core.wire.SupportedResponse;
import dev.tollgate.core.wire.VerifyResponse;
import dev.tollgate.core.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * The standard x402 facilitator API ({@code POST /verify}, {@code POST /settle}, {@code GET /supported}) over
 * {@link FacilitatorHttp}: blocking calls on the caller's thread over pooled keep-alive connections, each with a
 * connect timeout, an overall deadline that covers the body too, and a bounded response size. Failures become
 * outcomes, never exceptions, so the gate can answer 502/503. Only an HTTP 200 can say yes.
 */
public final class HttpFacilitatorClient implements PaymentVerifier, PaymentSettler, AutoCloseable {
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private final FacilitatorHttp http;
    private final boolean ownsHttp;
    private final ObjectMapper mapper = WireJson.mapper();
    private final URI verifyUri;
    private final URI settleUri;
    private final URI supportedUri;

    /** A client with its own connection pool ({@link FacilitatorHttp#DEFAULT_MAX_CONNECTIONS}), closed with it. */
    public HttpFacilitatorClient(FacilitatorSettings settings) {
        this(new FacilitatorHttp(settings, FacilitatorHttp.DEFAULT_MAX_CONNECTIONS), true);
    }

    /** A client over a shared transport, which its owner closes ({@link #close()} leaves it open). */
    public HttpFacilitatorClient(FacilitatorHttp http) {
        this(http, false);
    }

    private HttpFacilitatorClient(FacilitatorHttp http, boolean ownsHttp) {
        this.http = http;
        this.ownsHttp = ownsHttp;
        this.verifyUri = http.uri("/verify");
        this.settleUri = http.uri("/settle");
        this.supportedUri = http.uri("/supported");
    }

    public FacilitatorSettings settings() {
        return http.settings();
    }

    @Override
    public VerifyOutcome verify(PaymentAttempt attempt) {
        FacilitatorHttp.JsonReply ex = post(verifyUri, attempt);
        if (ex.failed()) {
            return ex.verifyFailure();
        }
        JsonNode json = ex.json();
        if (!json.path("isValid").isBoolean()) {
            return new VerifyOutcome.Malfunction("facilitator /verify answered HTTP " + ex.status() + " without isValid");
        }
        VerifyResponse r;
        try {
            r = mapper.treeToValue(json, VerifyResponse.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new VerifyOutcome.Malfunction("facilitator /verify answer has the wrong shape");
        }
        if (r.isValid()) {
            if (ex.status() != 200) {
                // Only a 200 can say yes: an error status claiming validity is not an answer to trust.
                return new VerifyOutcome.Malfunction("facilitator /verify answered isValid:true with HTTP " + ex.status());
            }
            return new VerifyOutcome.Valid(r.payer());
        }
        return new VerifyOutcome.Invalid(r.invalidReason() == null ? "invalid_payment" : r.invalidReason(),
                r.invalidMessage());
    }

    /**
     * {@code POST /settle}, and once more with the very same bytes when the answer is x402's
     * {@code settlement_pending}: the facilitator broadcast the transfer but saw no receipt in time. Asked
     * again for the same payment, a facilitator reconciles that transaction rather than broadcasting another,
     * as the reference resource servers rely on; without it, the payer's money moves and the gate, seeing a
     * failure, keeps the content. What the second call answers is final (a second {@code settlement_pending}
     * included, its transaction kept as the payer's evidence); each call has the full request timeout, so the
     * two bound the wait.
     */
    @Override
    public SettleOutcome settle(PaymentAttempt attempt) {
        byte[] body = FacilitatorRequestBody.of(attempt);
        SettleOutcome first = settleOnce(body, attempt);
        if (!(first instanceof SettleOutcome.Failed f && isPending(f.response()))) {
            return first;
        }
        SettleOutcome second = settleOnce(body, attempt);
        // Only news of the same transaction replaces the first answer. A facilitator that does not reconcile
        // checks the payment anew, and refuses it (nonce used) or fails a second transfer of its own; either
        // way the one broadcast transaction stays the payer's evidence, and so does no answer at all.
        if (second instanceof SettleOutcome.Settled
                || second instanceof SettleOutcome.Failed s && f.response().transaction().equals(s.response().transaction())) {
            return second;
        }
        return first;
    }

    /** The longest transaction, network or payer a settlement answer may carry. */
    static final int MAX_SETTLEMENT_FIELD = 256;

    /**
     * The first field of a settlement answer that could not be sent back in the settlement headers, or null. They
     * go out twice, base64 encoded: a facilitator that named a transaction of a few KiB would push them past the
     * container's header limit after the payment was made, and the payer would get a 500 instead of an answer.
     * Real ones are far shorter (an EVM transaction hash is 66 characters, a Solana signature under 90).
     */
    static String unusableField(SettleResponse r) {
        // errorReason is not among them: a long one (a revert message) is cut to size where the 402 is made.
        String[][] fields = {{"transaction", r.transaction()}, {"network", r.network()}, {"payer", r.payer()}};
        for (String[] field : fields) {
            if (field[1] != null && !HeaderSafeText.within(field[1], MAX_SETTLEMENT_FIELD, ' ')) {
                return field[0];
            }
        }
        return null;
    }

    /** A settlement broadcast and not yet confirmed, which names its transaction. */
    static boolean isPending(SettleResponse r) {
        return !r.success() && SettleResponse.SETTLEMENT_PENDING.equals(r.errorReason())
                && r.transaction() != null && !r.transaction().isBlank();
    }

    private SettleOutcome settleOnce(byte[] body, PaymentAttempt attempt) {
        FacilitatorHttp.JsonReply ex = http.postJson(settleUri, settleUri.getPath(), body);
        if (ex.failed()) {
            SettleResponse pending = ex.json() == null ? null : pendingIn(ex.json());
            return pending != null ? new SettleOutcome.Failed(pending) : ex.settleFailure();
        }
        if (!ex.json().path("success").isBoolean()) {
            return new SettleOutcome.Malfunction("facilitator /settle answered HTTP " + ex.status() + " without success");
        }
        SettleResponse r;
        try {
            r = mapper.treeToValue(withoutUnreadableOptionals(ex.json()), SettleResponse.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new SettleOutcome.Malfunction("facilitator /settle answer has the wrong shape");
        }
        String unusable = unusableField(r);
        if (unusable != null) {
            return new SettleOutcome.Malfunction("facilitator /settle answered a " + unusable
                    + " that is no short printable value");
        }
        if (r.success() && ex.status() != 200) {
            return new SettleOutcome.Malfunction("facilitator /settle answered success:true with HTTP " + ex.status());
        }
        if (r.success() && (r.transaction() == null || r.transaction().isBlank())) {
            return new SettleOutcome.Malfunction("facilitator /settle reported success without a transaction");
        }
        // SettleResponse has no amount, but some facilitators name one: a success for another sum did not
        // pay this price, whatever else it says.
        // It is optional ("omitted if not applicable", v2 §5.3.2): only an amount actually written is compared, and
        // an empty or unreadable one says nothing, as an absent one does.
        JsonNode amount = ex.json().get("amount");
        if (r.success() && amount != null && (amount.isTextual() && !amount.textValue().isBlank() || amount.isNumber())
                && !amount.asText().equals(attempt.option().amount().toString())) {
            return new SettleOutcome.Malfunction("facilitator /settle reported amount " + amount.asText()
                    + " for a price of " + attempt.option().amount());
        }
        return r.success() ? new SettleOutcome.Settled(r) : new SettleOutcome.Failed(r);
    }

    /**
     * The answer without the optional fields Tollgate reads ({@code errorReason}, {@code payer}) when they are no
     * string: an optional field that cannot be read says nothing, as an absent one does, whereas failing the whole
     * answer would withhold the content of a payment the facilitator reports made. The required ones ({@code
     * success}, {@code transaction}, {@code network}) are left for the record to refuse.
     */
    private static JsonNode withoutUnreadableOptionals(JsonNode json) {
        if (!json.isObject()) {
            return json;
        }
        ObjectNode copy = null;
        for (String optional : new String[] {"errorReason", "payer"}) {
            JsonNode n = json.get(optional);
            if (n != null && !n.isNull() && !n.isTextual()) {
                copy = copy == null ? ((ObjectNode) json).deepCopy() : copy;
                copy.remove(optional);
            }
        }
        return copy == null ? json : copy;
    }

    /**
     * The {@code settlement_pending} failure an error status carries, as the reference facilitator client
     * reads any status but 2xx; null for any other body, which leaves the answer unavailable or a malfunction.
     */
    private SettleResponse pendingIn(JsonNode json) {
        if (!json.path("success").isBoolean()) {
            return null;
        }
        try {
            SettleResponse r = mapper.treeToValue(withoutUnreadableOptionals(json), SettleResponse.class);
            return isPending(r) && unusableField(r) == null ? r : null;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code GET /supported}; throws {@link IOException} with a clear message when it cannot be had. */
    public SupportedResponse supported() throws IOException {
        FacilitatorHttp.JsonReply ex = http.json(http.get(supportedUri, "/supported"), "/supported");
        if (ex.failed()) {
            throw new IOException(ex.failure());
        }
        try {
            return mapper.treeToValue(ex.json(), SupportedResponse.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IOException("facilitator /supported answer has the wrong shape");
        }
    }

    private FacilitatorHttp.JsonReply post(URI uri, PaymentAttempt attempt) {
        return http.postJson(uri, uri.getPath(), FacilitatorRequestBody.of(attempt));
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

    /** Releases the connection pool if this client made it. */
    @Override
    public void close() {
        if (ownsHttp) {
            http.close();
        }
    }
}
