package dev.tollgate.core.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.wire.HeaderSafeText;
import dev.tollgate.core.wire.SettleResponse;
import dev.tollgate.core.wire.WireJson;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

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
 * ("base", "base-sepolia"), the form the dialect uses. Every call goes through {@link FacilitatorHttp}, bounded
 * like the x402 client's.
 */
public final class ProofApiClient implements PaymentVerifier, PaymentSettler, AutoCloseable {
    /** The request timeout this dialect's documentation advises. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** The names a facilitator may give the paid address under (x402's payTo and to, and the plain word). */
    private static final String[] RECIPIENT_FIELDS = {"payTo", "to", "recipient"};
    private static final String CONFIRMED = "confirmed";
    private static final String PENDING = "pending";
    /** How soon a client whose payment is pending is asked to try again: about a block or two on the dialect's L2s. */
    static final Duration PENDING_RETRY_AFTER = Duration.ofSeconds(5);

    private final FacilitatorHttp http;
    private final boolean ownsHttp;
    private final boolean settleOffered;
    private final ObjectMapper mapper = WireJson.mapper();
    private final URI verifyUri;
    private final URI settleUri;

    /** A client with its own connection pool ({@link FacilitatorHttp#DEFAULT_MAX_CONNECTIONS}), closed with it. */
    public ProofApiClient(FacilitatorSettings settings, boolean settleOffered) {
        this(new FacilitatorHttp(settings, FacilitatorHttp.DEFAULT_MAX_CONNECTIONS), true, settleOffered);
    }

    /** A client over a shared transport, which its owner closes ({@link #close()} leaves it open). */
    public ProofApiClient(FacilitatorHttp http, boolean settleOffered) {
        this(http, false, settleOffered);
    }

    private ProofApiClient(FacilitatorHttp http, boolean ownsHttp, boolean settleOffered) {
        this.http = http;
        this.ownsHttp = ownsHttp;
        this.settleOffered = settleOffered;
        this.verifyUri = http.uri("/verify");
        this.settleUri = http.uri("/settle");
    }

    public FacilitatorSettings settings() {
        return http.settings();
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
        FacilitatorHttp.JsonReply r = post(verifyUri, "/verify", attempt);
        if (r.failed()) {
            // The dialect names no status for a refusal, and its own example client reads the JSON whatever the
            // status: {valid:false} under a 404 or a 409 is a refusal like any other. Not under 401, 403 or 407,
            // which refuse Tollgate's credentials, not the payment.
            return refusedUnder(r) ? refusal(r.json()) : r.verifyFailure();
        }
        JsonNode json = r.json();
        JsonNode valid = json.get("valid");
        if (valid == null || !valid.isBoolean()) {
            return new VerifyOutcome.Malfunction("facilitator /verify answered HTTP " + r.status() + " without valid");
        }
        if (!valid.booleanValue()) {
            return refusal(json);
        }
        if (r.status() != 200) {
            // Only a 200 can say yes, as in the x402 dialect: an error status claiming a valid payment is not an
            // answer to deliver content on.
            return new VerifyOutcome.Malfunction("facilitator /verify answered valid:true with HTTP " + r.status());
        }
        String tx = text(json, "transactionId");
        String amount = text(json, "amount");
        String network = text(json, "network");
        if (tx == null || tx.isBlank() || amount == null || network == null) {
            return new VerifyOutcome.Malfunction(
                    "facilitator /verify said valid without transactionId, amount and network");
        }
        if (!transactionId(tx)) {
            return new VerifyOutcome.Malfunction("facilitator /verify said valid with a transactionId that is no id of at"
                    + " most " + HeaderSafeText.MAX_TRANSACTION_CHARS + " printable characters");
        }
        // "confirmed" in the dialect's example; a payment still pending may yet fail on chain, so content delivered on
        // it could go unpaid: the client is told to try again (not cached, not held against the facilitator's
        // circuit). A state the dialect does not name is no answer to deliver on. No status at all is read as before.
        JsonNode status = json.get("status");
        if (status != null && !status.isNull()) {
            String state = status.isTextual() ? status.textValue().strip().toLowerCase(Locale.ROOT) : null;
            if (PENDING.equals(state)) {
                return new VerifyOutcome.Unavailable(PENDING_RETRY_AFTER, "facilitator /verify found payment " + tx
                        + " pending, not yet confirmed", false);
            }
            if (!CONFIRMED.equals(state)) {
                // Named in the detail (logged) only when it is a short printable word.
                return new VerifyOutcome.Malfunction("facilitator /verify said valid with status "
                        + (state != null && HeaderSafeText.within(state, 32, '!') ? state : "of no known state"));
            }
        }
        // The dialect's answer names no recipient; one that does has said whom the payment went to, and the gate
        // compares it with payTo. A recipient field that is no address cannot be compared, so it is no answer to
        // deliver content on.
        String recipient = null;
        for (String field : RECIPIENT_FIELDS) {
            JsonNode n = json.get(field);
            if (n != null && !n.isNull()) {
                if (!n.isTextual() || n.textValue().isBlank()
                        || !HeaderSafeText.within(n.textValue(), HeaderSafeText.MAX_TRANSACTION_CHARS, '!')) {
                    return new VerifyOutcome.Malfunction("facilitator /verify said valid with a " + field
                            + " that is no address");
                }
                if (recipient != null && !recipient.equals(n.textValue())) {
                    return new VerifyOutcome.Malfunction("facilitator /verify said valid naming two recipients");
                }
                recipient = n.textValue();
            }
        }
        // A number of seconds, as the dialect writes it; anything else leaves the payment undated, which the gate
        // refuses: its age decides whether it could have been used and forgotten.
        JsonNode ts = json.get("timestamp");
        Long timestamp = ts != null && ts.isNumber() && ts.canConvertToLong() ? ts.longValue() : null;
        return new VerifyOutcome.Valid(null, new VerifiedPayment(tx, amount, network, timestamp,
                text(json, "status"), recipient));
    }

    private static boolean refusedUnder(FacilitatorHttp.JsonReply r) {
        int status = r.status();
        if (r.unavailable() || r.json() == null || status < 400 || status > 499
                || status == 401 || status == 403 || status == 407) {
            return false;
        }
        JsonNode valid = r.json().get("valid");
        return valid != null && valid.isBoolean() && !valid.booleanValue();
    }

    private static VerifyOutcome.Invalid refusal(JsonNode json) {
        String code = text(json, "code");
        ProofApiCode known = ProofApiCode.ofCode(code).orElse(ProofApiCode.INVALID_PAYMENT);
        String message = text(json, "error");
        if (known == ProofApiCode.INVALID_PAYMENT && code != null) {
            message = "facilitator code " + code + (message == null ? "" : ": " + message);
        }
        return new VerifyOutcome.Invalid(known.reason(), message);
    }

    @Override
    public SettleOutcome settle(PaymentAttempt attempt) {
        String network = attempt.option().network().v1Name();
        if (!settleOffered) {
            // Nothing to finalize: the gate reports the transaction found at verification.
            return new SettleOutcome.Settled(new SettleResponse(true, null, null, network, null));
        }
        FacilitatorHttp.JsonReply r = post(settleUri, "/settle", attempt);
        if (r.failed()) {
            return r.settleFailure();
        }
        JsonNode success = r.json().get("success");
        if (success == null || !success.isBoolean()) {
            return new SettleOutcome.Malfunction("facilitator /settle answered HTTP " + r.status() + " without success");
        }
        if (!success.booleanValue()) {
            String reason = ProofApiCode.ofCode(text(r.json(), "code")).orElse(ProofApiCode.INVALID_PAYMENT).reason();
            return new SettleOutcome.Failed(SettleResponse.failure(reason, network, null));
        }
        if (r.status() != 200) {
            // Likewise for a settlement: a success under an error status is a malfunction, never a payment.
            return new SettleOutcome.Malfunction("facilitator /settle answered success:true with HTTP " + r.status());
        }
        String answeredNetwork = text(r.json(), "network");
        String tx = text(r.json(), "transactionId");
        // The payment succeeded either way; an id that could not be sent back (see transactionId) is left out, and
        // the gate reports the one verification found.
        return new SettleOutcome.Settled(new SettleResponse(true, null, tx != null && transactionId(tx) ? tx : null,
                answeredNetwork == null ? network : answeredNetwork, null));
    }

    /**
     * Whether a facilitator's transaction id can be used as one: it keys the payment in the ledger (a database
     * index takes a few KiB at most) and returns to the client in two base64 headers (a container takes 8 KiB of
     * headers), so it is at most {@value HeaderSafeText#MAX_TRANSACTION_CHARS} printable ASCII characters, as every chain's is.
     */
    static boolean transactionId(String tx) {
        // No space either: it is also a ledger key.
        return !tx.isEmpty() && HeaderSafeText.within(tx, HeaderSafeText.MAX_TRANSACTION_CHARS, '!');
    }

    private FacilitatorHttp.JsonReply post(URI uri, String what, PaymentAttempt attempt) {
        ObjectNode body = mapper.createObjectNode()
                .put("proof", proofOf(attempt))
                .put("network", attempt.option().network().v1Name());
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize facilitator request", e);
        }
        return http.postJson(uri, what, bytes);
    }

    private static String text(JsonNode json, String field) {
        JsonNode n = json.get(field);
        if (n == null || n.isNull() || n.isContainerNode()) {
            return null;
        }
        return n.asText();
    }

    /** Releases the connection pool if this client made it. */
    @Override
    public void close() {
        if (ownsHttp) {
            http.close();
        }
    }
}
