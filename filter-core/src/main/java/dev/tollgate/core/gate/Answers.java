package dev.tollgate.core.gate;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.code.CodeOption;
import dev.tollgate.core.wire.HeaderCodec;
import dev.tollgate.core.wire.PaymentRequired;
import dev.tollgate.core.wire.PaymentRequiredV1;
import dev.tollgate.core.wire.PaymentRequirements;
import dev.tollgate.core.wire.PaymentRequirementsV1;
import dev.tollgate.core.wire.ResourceInfo;
import dev.tollgate.core.wire.SettleResponse;
import dev.tollgate.core.wire.WireJson;
import dev.tollgate.core.wire.X402Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Builds the responses the gate answers with: challenges for both protocol generations, and errors. */
final class Answers {
    private static final JsonStringEncoder ESCAPE = JsonStringEncoder.getInstance();
    static final String JSON = "application/json";
    private static final String V1_MISSING = "X-PAYMENT header is required";
    private static final String V2_MISSING = "PAYMENT-SIGNATURE header is required";

    /** SettleResponse's fields in its order, each as written before its value. */
    private static final byte[] SUCCESS_TRUE = "{\"success\":true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUCCESS_FALSE = "{\"success\":false".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR_REASON = ",\"errorReason\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSACTION = ",\"transaction\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NETWORK = ",\"network\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PAYER = ",\"payer\":\"".getBytes(StandardCharsets.US_ASCII);

    /** Plain challenges kept at most; a real deployment has one per paid URL and host name. */
    static final int MAX_CACHED = 1024;

    /** The longest reason a 402 repeats; see {@link #reason}. */
    static final int MAX_REASON_CHARS = 256;

    private final HeaderCodec codec;
    private final ProofApiSupport proofApi;
    private final Map<String, ObjectNode> extensions;
    private final ConcurrentHashMap<Plain, HttpAnswer> plain = new ConcurrentHashMap<>();

    Answers(HeaderCodec codec) {
        this(codec, null, Map.of());
    }

    /**
     * @param proofApi   adds the proof-API dialect's fields to 402 bodies; null for none
     * @param extensions declared in every v2 challenge's {@code extensions} (such as payment-identifier)
     */
    Answers(HeaderCodec codec, ProofApiSupport proofApi, Map<String, ObjectNode> extensions) {
        this.codec = codec;
        this.proofApi = proofApi;
        this.extensions = Map.copyOf(extensions);
    }

    /**
     * One 402 for every client generation: the v1 body and the v2 header together.
     *
     * @param reason   why a sent proof was refused, or null when none was sent
     * @param settled  a failed settlement to report, or null
     * @param settledOn the option the failed settlement was for (its network names the result), or null
     */
    HttpAnswer challenge(RequestView view, PaymentTerms terms, String reason, SettleResponse settled,
                         PaymentOption settledOn) {
        String url = view.resourceUrl();
        if (reason == null && settled == null && url != null && !wantsHtml(view)) {
            // The plain challenge depends only on the terms and the URL: serialize it once, not per request.
            Plain key = new Plain(terms, url);
            HttpAnswer cached = plain.get(key);
            if (cached == null) {
                cached = build(view, terms, url, null, null, null);
                if (plain.size() >= MAX_CACHED) {
                    plain.clear(); // the URL carries the client's Host header: never let it grow the cache
                }
                plain.put(key, cached);
            }
            return cached;
        }
        return build(view, terms, url, reason, settled, settledOn);
    }

    private HttpAnswer build(RequestView view, PaymentTerms terms, String url, String reason, SettleResponse settled,
                             PaymentOption settledOn) {
        List<PaymentRequirementsV1> v1 = new ArrayList<>(terms.options().size());
        List<PaymentRequirements> v2 = new ArrayList<>(terms.options().size());
        for (PaymentOption o : terms.options()) {
            v1.add(o.requirementsV1(url, terms.description(), terms.mimeType()));
            v2.add(o.requirementsV2());
        }
        ObjectNode code = terms.code() == null ? null : terms.code().advertisement(url);
        PaymentRequired required = new PaymentRequired(2, reason == null ? V2_MISSING : reason,
                new ResourceInfo(url, terms.description(), terms.mimeType()), v2, extensions(code));
        Map<String, String> headers = baseHeaders();
        headers.put(X402Headers.PAYMENT_REQUIRED, codec.encode(required));
        if (settled != null) {
            headers.putAll(settlementHeaders(settled, settledOn));
        }
        PaymentRequiredV1 body = new PaymentRequiredV1(1, reason == null ? V1_MISSING : reason, v1);
        if (reason == null && settled == null && wantsHtml(view)) {
            headers.put("Content-Security-Policy", Paywall.POLICY);
            return new HttpAnswer(402, headers, "text/html;charset=utf-8", Paywall.render(terms, url));
        }
        Object v1Body = code == null ? body : withCode(body, code);
        return new HttpAnswer(402, headers, JSON, json(proofApi == null ? v1Body : proofApi.body(v1Body, reason)));
    }

    /**
     * v2's {@code extensions}: the declared ones and the Code option, which x402 clients ignore unless they know
     * it; null when there are none.
     */
    private ObjectNode extensions(ObjectNode code) {
        if (code == null && extensions.isEmpty()) {
            return null;
        }
        ObjectNode ext = JsonNodeFactory.instance.objectNode();
        extensions.forEach((k, v) -> ext.set(k, v.deepCopy()));
        if (code != null) {
            ext.set(CodeOption.EXTENSION, CodeOption.extension(code));
        }
        return ext;
    }

    /** v1 has no extensions: the Code option is an extra top-level field, which v1 clients ignore. */
    private static ObjectNode withCode(PaymentRequiredV1 body, ObjectNode code) {
        ObjectNode tree = WireJson.mapper().valueToTree(body);
        tree.set(CodeOption.EXTENSION, code);
        return tree;
    }

    /**
     * A refusal's reason as a 402 may carry it. The reason is repeated in up to three headers, base64 each
     * (PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE), and a facilitator's may be a revert message or a
     * stack trace of kilobytes: past the 8 KiB servlet containers allow a response's headers by default, the
     * payer would get the container's 500 instead of the 402. So it is kept to one line of
     * {@value #MAX_REASON_CHARS} characters; the reasons x402 clients act on are short codes, which pass unchanged.
     */
    static String reason(String reason) {
        if (reason == null) {
            return null;
        }
        boolean clean = reason.length() <= MAX_REASON_CHARS;
        for (int i = 0; clean && i < reason.length(); i++) {
            clean = !Character.isISOControl(reason.charAt(i));
        }
        if (clean) {
            return reason;
        }
        int end = Math.min(reason.length(), MAX_REASON_CHARS);
        if (end < reason.length() && Character.isHighSurrogate(reason.charAt(end - 1))) {
            end--; // never half a character
        }
        StringBuilder line = new StringBuilder(end + 3);
        for (int i = 0; i < end; i++) {
            char c = reason.charAt(i);
            line.append(Character.isISOControl(c) ? ' ' : c);
        }
        return end < reason.length() ? line.append("...").toString() : line.toString();
    }

    HttpAnswer error(int status, String message, Duration retryAfter) {
        Map<String, String> headers = baseHeaders();
        if (retryAfter != null) {
            headers.put("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("error", message);
        return new HttpAnswer(status, headers, JSON, json(body));
    }

    /**
     * The settlement result in both generations' headers, each with the network named its own way. The map is
     * immutable, so {@link Completion.Deliver} keeps it without a copy.
     */
    Map<String, String> settlementHeaders(SettleResponse r, PaymentOption option) {
        // The two differ only in the network: whether the other fields need escaping is asked once for both.
        boolean plainFields = plainFields(r);
        byte[] v2 = settlementJson(r, option.network().caip2(), plainFields);
        byte[] v1 = settlementJson(r, option.network().v1Name(), plainFields);
        // One array takes both encodings in turn: each header's string copies its part out of it anyway.
        byte[] base64 = new byte[base64Length(Math.max(v1.length, v2.length))];
        return Map.of(X402Headers.PAYMENT_RESPONSE, base64(v2, base64),
                X402Headers.X_PAYMENT_RESPONSE, base64(v1, base64),
                "Access-Control-Expose-Headers", X402Headers.EXPOSED);
    }

    /**
     * {@code codec.encode(new SettleResponse(..., network, ...))}, byte for byte, written by hand: every paid request
     * sends two of these, and even Jackson's streaming generator allocated more per call (its output buffers) than
     * all the rest of the gate (a test holds the two equal). When every value is plain, as hashes, addresses and
     * network ids are, the JSON is written straight into an array of its exact length: no builder, string or copy
     * in between (building the parts as strings first was a fifteenth of the paid path's allocation).
     */
    static String settlementHeader(SettleResponse r, String network) {
        byte[] json = settlementJson(r, network, plainFields(r));
        return base64(json, new byte[base64Length(json.length)]);
    }

    /** Whether the fields of {@code r} other than the network need no escaping. */
    private static boolean plainFields(SettleResponse r) {
        return plain(r.errorReason()) && plain(r.transaction()) && plain(r.payer());
    }

    /** The JSON {@link #settlementHeader} encodes; {@code plainFields} is {@link #plainFields} of {@code r}. */
    private static byte[] settlementJson(SettleResponse r, String network, boolean plainFields) {
        byte[] json;
        if (plainFields && plain(network)) {
            byte[] head = r.success() ? SUCCESS_TRUE : SUCCESS_FALSE;
            json = new byte[head.length + fieldLength(ERROR_REASON, r.errorReason())
                    + fieldLength(TRANSACTION, r.transaction()) + fieldLength(NETWORK, network)
                    + fieldLength(PAYER, r.payer()) + 1];
            System.arraycopy(head, 0, json, 0, head.length);
            int at = field(json, head.length, ERROR_REASON, r.errorReason());
            at = field(json, at, TRANSACTION, r.transaction());
            at = field(json, at, NETWORK, network);
            at = field(json, at, PAYER, r.payer());
            json[at] = '}';
        } else {
            StringBuilder text = new StringBuilder(128).append("{\"success\":").append(r.success());
            field(text, "errorReason", r.errorReason());
            field(text, "transaction", r.transaction());
            field(text, "network", network);
            field(text, "payer", r.payer());
            json = text.append('}').toString().getBytes(StandardCharsets.UTF_8);
        }
        return json;
    }

    /** Padded base64's length for {@code bytes} bytes. */
    private static int base64Length(int bytes) {
        return 4 * ((bytes + 2) / 3);
    }

    /** Base64 is ASCII: one Latin-1 string over the encoder's output, where encodeToString copies it again. */
    private static String base64(byte[] json, byte[] into) {
        int length = Base64.getEncoder().encode(json, into);
        return new String(into, 0, length, StandardCharsets.ISO_8859_1);
    }

    /** A plain value's field with its closing quote; none for null (SettleResponse is @JsonInclude(NON_NULL)). */
    private static int fieldLength(byte[] name, String value) {
        return value == null ? 0 : name.length + value.length() + 1;
    }

    /** Writes a plain value's field at {@code at}; answers where the next one goes. */
    private static int field(byte[] json, int at, byte[] name, String value) {
        if (value == null) {
            return at;
        }
        System.arraycopy(name, 0, json, at, name.length);
        at += name.length;
        for (int i = 0; i < value.length(); i++) {
            json[at++] = (byte) value.charAt(i); // plain: printable ASCII, one byte each
        }
        json[at] = '"';
        return at + 1;
    }

    private static void field(StringBuilder json, String name, String value) {
        if (value != null) { // SettleResponse is @JsonInclude(NON_NULL)
            json.append(",\"").append(name).append("\":\"").append(ESCAPE.quoteAsString(value)).append('"');
        }
    }

    /** Null, or printable ASCII without quote or backslash, which JSON takes as it is. */
    private static boolean plain(String value) {
        if (value == null) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> baseHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Cache-Control", "no-store");
        headers.put("Access-Control-Expose-Headers", X402Headers.EXPOSED);
        // A refusal quotes what the client sent; no browser may take the JSON for a page that runs it.
        headers.put("X-Content-Type-Options", "nosniff");
        return headers;
    }

    private static boolean wantsHtml(RequestView view) {
        String accept = view.header("Accept");
        String agent = view.header("User-Agent");
        return accept != null && accept.contains("text/html") && agent != null && agent.contains("Mozilla");
    }

    private static byte[] json(Object value) {
        try {
            return WireJson.mapper().writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A cache key: the very terms object (routes hold theirs for the application's life) and the URL. */
    private record Plain(PaymentTerms terms, String url) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Plain p && p.terms == terms && p.url.equals(url);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(terms) * 31 + url.hashCode();
        }
    }
}
