package dev.tollgate.core.gate;

import dev.tollgate.core.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.wire.ExactEvmPayload;
import dev.tollgate.core.wire.ExactEvmPermit2Payload;
import dev.tollgate.core.wire.HeaderCodec;
import dev.tollgate.core.wire.MalformedPaymentException;
import dev.tollgate.core.wire.PaymentPayloadV1;
import dev.tollgate.core.wire.PaymentPayloadV2;
import dev.tollgate.core.wire.PaymentRequirements;
import dev.tollgate.core.wire.ResourceInfo;
import dev.tollgate.core.wire.WireJson;
import dev.tollgate.core.wire.X402Headers;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads the proof a client sent and pins it to one of the options this route offers. Everything that can be
 * checked without a verifier is checked here, so a facilitator is never asked about a proof for other terms.
 */
final class ProofMatcher {
    static final String REASON_UNMATCHED = "payment does not match any requirement offered for this resource";
    /**
     * Each generation's specification names an authorization of another value differently (the in-process verifier's
     * {@code ExactEvmInvalidReason.value}, not used here so that the gate does not depend on the verifier).
     */
    static final String REASON_VALUE_V1 = "invalid_exact_evm_payload_authorization_value";
    static final String REASON_VALUE_V2 = "invalid_exact_evm_payload_authorization_value_mismatch";
    /**
     * The x402 specification's canonical x402ExactPermit2Proxy (the same address on every chain, by CREATE2): the
     * spender a Permit2 payment must name, since it is what sends the funds to the witness's {@code to} and nowhere
     * else. A permit for any other spender could be spent by whoever that is, anywhere.
     */
    static final String X402_EXACT_PERMIT2_PROXY = "0x402085c248EeA27D92E8b30b2C58ed07f9E20001";
    // The reference implementations' reasons for the Permit2 checks the gate makes before a facilitator is asked.
    static final String REASON_PERMIT2_SPENDER = "invalid_permit2_spender";
    static final String REASON_PERMIT2_RECIPIENT = "invalid_permit2_recipient_mismatch";
    static final String REASON_PERMIT2_AMOUNT = "permit2_amount_mismatch";
    static final String REASON_PERMIT2_TOKEN = "permit2_token_mismatch";
    // Field shapes, checked by hand: java.util.regex cost more than all the rest of the matching together.
    private static final int ADDRESS = 40;
    private static final int BYTES32 = 64;
    private static final int UINT_DIGITS = 78;
    private static final boolean[] HEX_DIGIT = new boolean[128];

    static {
        for (char c : "0123456789abcdefABCDEF".toCharArray()) {
            HEX_DIGIT[c] = true;
        }
    }

    /** Stands for "no raw path" (absent or unparseable URL); compared by identity. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String NO_PATH = new String("");

    private final HeaderCodec codec;
    private final LastUrl resourcePaths = new LastUrl();
    private final LastUrl clientPaths = new LastUrl();

    ProofMatcher(HeaderCodec codec) {
        this.codec = codec;
    }

    MatchedProof matchV1(String header, RequestView view, PaymentTerms terms) throws Refusal {
        byte[] json = decodeJson(X402Headers.X_PAYMENT, header);
        ProofReader.Read read = ProofReader.read(json);
        if (read != null && read.version() == 1) {
            return matchV1(read.scheme(), read.network(), new ReadPayload(json, read.evm()), view, terms);
        }
        JsonNode tree = parseTree(X402Headers.X_PAYMENT, json);
        requireVersion(tree, 1, X402Headers.X_PAYMENT);
        PaymentPayloadV1 p = bind(X402Headers.X_PAYMENT, tree, PaymentPayloadV1.class);
        if (p.scheme() == null || p.network() == null || absent(p.payload())) {
            throw new Refusal("X-PAYMENT needs scheme, network and payload");
        }
        return matchV1(p.scheme(), p.network(), new TreePayload(tree, p.payload()), view, terms);
    }

    private MatchedProof matchV1(String scheme, String network, Payload payload, RequestView view, PaymentTerms terms)
            throws Refusal {
        // A v1 proof names no requirement; of the options on its scheme and network, the first whose payTo
        // and amount the authorization satisfies is the one it pays (the asset is bound by the signature).
        Refusal firstRefusal = null;
        for (PaymentOption o : terms.options()) {
            if (o.scheme().equals(scheme) && o.network().v1Name().equals(network)) {
                if (o.assetTransferMethod() == AssetTransferMethod.PERMIT2) {
                    // x402 v1 knows EIP-3009 only: its payload has no field for a Permit2 authorization.
                    firstRefusal = firstRefusal != null ? firstRefusal : new Refusal("invalid_exact_evm_payload: "
                            + "this resource takes assetTransferMethod permit2 on " + network + ", which is x402 v2's;"
                            + " pay with a PAYMENT-SIGNATURE header");
                    continue;
                }
                try {
                    return keyed(payload.attempt(1, o.requirementsV1(view.resourceUrl(), terms.description(),
                            terms.mimeType()), o, payload.exactEvm(o, 1)));
                } catch (Refusal r) {
                    firstRefusal = firstRefusal == null ? r : firstRefusal;
                }
            }
        }
        if (firstRefusal != null) {
            throw firstRefusal;
        }
        throw new Refusal(REASON_UNMATCHED + " (scheme " + scheme + " on network " + network + ")");
    }

    MatchedProof matchV2(String header, RequestView view, PaymentTerms terms) throws Refusal {
        byte[] json = decodeJson(X402Headers.PAYMENT_SIGNATURE, header);
        ProofReader.Read read = ProofReader.read(json, terms.options());
        if (read != null && read.version() == 2) {
            return matchV2(read.resource(), read.accepted(), new ReadPayload(json, read.evm()), view, terms);
        }
        JsonNode tree = parseTree(X402Headers.PAYMENT_SIGNATURE, json);
        requireVersion(tree, 2, X402Headers.PAYMENT_SIGNATURE);
        PaymentPayloadV2 p = FastBind.paymentPayloadV2(tree);
        if (p == null) {
            p = bind(X402Headers.PAYMENT_SIGNATURE, tree, PaymentPayloadV2.class);
        }
        if (p.accepted() == null || absent(p.payload())) {
            throw new Refusal("PAYMENT-SIGNATURE needs accepted and payload");
        }
        return matchV2(p.resource(), p.accepted(), new TreePayload(tree, p.payload()), view, terms);
    }

    private MatchedProof matchV2(ResourceInfo resource, PaymentRequirements accepted, Payload payload,
                                 RequestView view, PaymentTerms terms) throws Refusal {
        if (resource != null && resource.url() != null && !samePath(resource.url(), view)) {
            throw new Refusal("payment was made for another resource: " + resource.url());
        }
        for (PaymentOption o : terms.options()) {
            // The reference server requires the client's copy to equal an offer exactly; so do we.
            if (o.requirementsV2() == accepted || o.requirementsV2().equals(accepted)) {
                if (o.assetTransferMethod() == AssetTransferMethod.PERMIT2) {
                    return keyed(payload.attempt(2, o.requirementsV2(), o, null).withPermit2(payload.permit2(o)));
                }
                return keyed(payload.attempt(2, o.requirementsV2(), o, payload.exactEvm(o, 2)));
            }
        }
        JsonNode method = accepted.extra() == null ? null : accepted.extra().get("assetTransferMethod");
        if (method != null && method.isTextual() && terms.options().stream()
                .noneMatch(o -> o.requirementsV2().extra().path("assetTransferMethod").equals(method))) {
            // The client's word is named only when it is a plain word: the reason goes into a header and the log.
            String word = method.textValue().matches("[A-Za-z0-9_-]{1,32}") ? method.textValue() : "(unknown)";
            throw new Refusal(REASON_UNMATCHED + ": no option offers assetTransferMethod " + word);
        }
        throw new Refusal(REASON_UNMATCHED);
    }

    /** A proof's payload as either reading of it has it: straight from the JSON, or from its tree. */
    private interface Payload {
        /**
         * The checked exact-EVM payload when {@code option} is on the exact scheme; else null. Refusals are named
         * as protocol version {@code x402Version} names them.
         */
        ExactEvmPayload exactEvm(PaymentOption option, int x402Version) throws Refusal;

        /** The checked Permit2 payload for {@code option}, whose asset transfer method is permit2. */
        ExactEvmPermit2Payload permit2(PaymentOption option) throws Refusal;

        PaymentAttempt attempt(int version, Object requirements, PaymentOption option, ExactEvmPayload evm);
    }

    /** Read by {@link ProofReader}: the attempt keeps the client's bytes, and no tree is built unless asked for. */
    private record ReadPayload(byte[] json, ExactEvmPayload evm) implements Payload {
        @Override
        public ExactEvmPayload exactEvm(PaymentOption option, int x402Version) throws Refusal {
            return PaymentOption.SCHEME_EXACT.equals(option.scheme()) ? checked(evm, option, x402Version) : null;
        }

        @Override
        public ExactEvmPermit2Payload permit2(PaymentOption option) throws Refusal {
            throw methodMismatch(AssetTransferMethod.EIP3009, option); // the reader reads EIP-3009 payloads only
        }

        @Override
        public PaymentAttempt attempt(int version, Object requirements, PaymentOption option, ExactEvmPayload evm) {
            return PaymentAttempt.ofJson(version, json, requirements, option, evm);
        }
    }

    private final class TreePayload implements Payload {
        private final JsonNode proof;
        private final JsonNode payload;

        TreePayload(JsonNode proof, JsonNode payload) {
            this.proof = proof;
            this.payload = payload;
        }

        @Override
        public ExactEvmPayload exactEvm(PaymentOption option, int x402Version) throws Refusal {
            if (!PaymentOption.SCHEME_EXACT.equals(option.scheme())) {
                return null;
            }
            ExactEvmPayload evm = FastBind.exactEvmPayload(payload);
            if (evm == null && carries(payload, AssetTransferMethod.PERMIT2)) {
                throw methodMismatch(AssetTransferMethod.PERMIT2, option);
            }
            return checked(evm != null ? evm : bind("payload", payload, ExactEvmPayload.class), option, x402Version);
        }

        @Override
        public ExactEvmPermit2Payload permit2(PaymentOption option) throws Refusal {
            if (carries(payload, AssetTransferMethod.EIP3009)) {
                throw methodMismatch(AssetTransferMethod.EIP3009, option);
            }
            return checkedPermit2(bind("payload", payload, ExactEvmPermit2Payload.class), option);
        }

        @Override
        public PaymentAttempt attempt(int version, Object requirements, PaymentOption option, ExactEvmPayload evm) {
            return new PaymentAttempt(version, proof, requirements, option, evm);
        }
    }

    private static ExactEvmPayload checked(ExactEvmPayload evm, PaymentOption option, int x402Version)
            throws Refusal {
        ExactEvmPayload.Authorization a = evm.authorization();
        if (evm.signature() == null || a == null) {
            throw new Refusal("invalid_exact_evm_payload: signature and authorization are required");
        }
        requireSignature(evm.signature());
        requireHex(ADDRESS, a.from(), "authorization.from");
        requireHex(ADDRESS, a.to(), "authorization.to");
        requireUint(a.value(), "authorization.value");
        requireUint(a.validAfter(), "authorization.validAfter");
        requireUint(a.validBefore(), "authorization.validBefore");
        requireHex(BYTES32, a.nonce(), "authorization.nonce");
        if (!a.to().equalsIgnoreCase(option.payTo())) {
            throw new Refusal("invalid_exact_evm_payload_recipient_mismatch");
        }
        // The usual value is the offer's own decimal string; only another spelling of a number needs parsing.
        if (!a.value().equals(option.requirementsV2().amount()) && !new BigInteger(a.value()).equals(option.amount())) {
            throw new Refusal(x402Version >= 2 ? REASON_VALUE_V2 : REASON_VALUE_V1);
        }
        return evm;
    }

    /** Whether the payload has the field of {@code method}'s authorization and not the other's. */
    private static boolean carries(JsonNode payload, AssetTransferMethod method) {
        for (AssetTransferMethod m : AssetTransferMethod.values()) {
            if (payload.has(m.payloadField()) != (m == method)) {
                return false;
            }
        }
        return true;
    }

    private static Refusal methodMismatch(AssetTransferMethod carried, PaymentOption option) {
        return new Refusal("invalid_exact_evm_payload: the payload carries " + carried.payloadField()
                + " (assetTransferMethod " + carried + "), but the requirement it accepted takes assetTransferMethod "
                + option.assetTransferMethod() + " (" + option.assetTransferMethod().payloadField() + ")");
    }

    /**
     * The fields' shapes, then what the gate can compare with its offer without a chain, in the reference
     * facilitator's order: spender, recipient, amount, token. The signature and the time window are the verifier's.
     */
    private static ExactEvmPermit2Payload checkedPermit2(ExactEvmPermit2Payload p, PaymentOption option)
            throws Refusal {
        ExactEvmPermit2Payload.Permit2Authorization a = p.permit2Authorization();
        if (p.signature() == null || a == null) {
            throw new Refusal("invalid_exact_evm_payload: signature and permit2Authorization are required");
        }
        requireSignature(p.signature());
        if (a.permitted() == null) {
            throw malformed("permit2Authorization.permitted");
        }
        requireHex(ADDRESS, a.permitted().token(), "permit2Authorization.permitted.token");
        requireUint(a.permitted().amount(), "permit2Authorization.permitted.amount");
        requireHex(ADDRESS, a.from(), "permit2Authorization.from");
        requireHex(ADDRESS, a.spender(), "permit2Authorization.spender");
        requireUint(a.nonce(), "permit2Authorization.nonce");
        requireUint(a.deadline(), "permit2Authorization.deadline");
        if (a.witness() == null) {
            throw malformed("permit2Authorization.witness");
        }
        requireHex(ADDRESS, a.witness().to(), "permit2Authorization.witness.to");
        requireUint(a.witness().validAfter(), "permit2Authorization.witness.validAfter");
        if (!a.spender().equalsIgnoreCase(X402_EXACT_PERMIT2_PROXY)) {
            throw new Refusal(REASON_PERMIT2_SPENDER);
        }
        if (!a.witness().to().equalsIgnoreCase(option.payTo())) {
            throw new Refusal(REASON_PERMIT2_RECIPIENT);
        }
        if (!new BigInteger(a.permitted().amount()).equals(option.amount())) {
            throw new Refusal(REASON_PERMIT2_AMOUNT);
        }
        if (!a.permitted().token().equalsIgnoreCase(option.asset())) {
            throw new Refusal(REASON_PERMIT2_TOKEN);
        }
        return p;
    }

    private static MatchedProof keyed(PaymentAttempt attempt) {
        PaymentOption o = attempt.option();
        ExactEvmPermit2Payload permit2 = attempt.permit2();
        if (permit2 != null) {
            ExactEvmPermit2Payload.Permit2Authorization a = permit2.permit2Authorization();
            // Permit2 refuses a second use of (owner, nonce) whatever the token or spender; the nonce is a number,
            // so its decimal form is the one spelling of it.
            String key = o.ledgerKeyPrefix() + lower(a.from()) + ':' + new BigInteger(a.nonce());
            return new MatchedProof(attempt, key, new BigInteger(a.deadline()), a.from());
        }
        ExactEvmPayload evm = attempt.evm();
        if (evm != null) {
            ExactEvmPayload.Authorization a = evm.authorization();
            // The token contract refuses a second use of (from, nonce); the ledger mirrors exactly that. Plain
            // concatenation: javac's string concatenation sizes one array and makes the string over it, where a
            // StringBuilder, even presized, copies its array again in toString().
            String key = o.ledgerKeyPrefix() + lower(a.from()) + ':' + lower(a.nonce());
            return new MatchedProof(attempt, key, new BigInteger(a.validBefore()), a.from());
        }
        return new MatchedProof(attempt, "x402:payload:" + sha256(canonical(attempt.paymentPayload())), null, null);
    }

    private byte[] decodeJson(String header, String value) throws Refusal {
        try {
            return codec.decodeJson(header, value);
        } catch (MalformedPaymentException e) {
            throw new Refusal(e.getMessage());
        }
    }

    private JsonNode parseTree(String header, byte[] json) throws Refusal {
        try {
            return codec.parseTree(header, json);
        } catch (MalformedPaymentException e) {
            throw new Refusal(e.getMessage());
        }
    }

    private <T> T bind(String what, JsonNode tree, Class<T> type) throws Refusal {
        try {
            return codec.bind(what, tree, type);
        } catch (MalformedPaymentException e) {
            throw new Refusal(e.getMessage());
        }
    }

    /**
     * Jackson binds a JSON {@code null} to a {@code JsonNode} field as a NullNode, not as null; binding that to a
     * payload record gives null, which must be refused here rather than fail later as a NullPointerException.
     */
    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    private static void requireVersion(JsonNode tree, int version, String header) throws Refusal {
        JsonNode v = tree.get("x402Version");
        if (v == null || !v.isInt()) {
            throw new Refusal(header + " needs an integer x402Version");
        }
        if (v.intValue() != version) {
            throw new Refusal(header + " carries x402Version " + v.intValue() + "; it takes version " + version
                    + " proofs (" + (version == 1 ? "use PAYMENT-SIGNATURE for v2" : "use X-PAYMENT for v1") + ")");
        }
    }

    /** "0x" and exactly {@code digits} hex digits (either case). */
    private static void requireHex(int digits, String value, String field) throws Refusal {
        if (hexDigits(value) != digits) {
            throw malformed(field);
        }
    }

    /** How many hex digits (either case) follow the "0x" that starts {@code value}; -1 when it is not so made. */
    private static int hexDigits(String value) {
        if (value == null || value.length() < 2 || value.charAt(0) != '0' || value.charAt(1) != 'x') {
            return -1;
        }
        for (int i = 2; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= HEX_DIGIT.length || !HEX_DIGIT[c]) {
                return -1;
            }
        }
        return value.length() - 2;
    }

    /**
     * 0x and whole bytes of hex, at least one. An externally owned account signs with 65 bytes (r, s, v), but a
     * smart wallet's signature is whatever its contract accepts (ERC-1271), and one not yet deployed wraps it
     * with its deployment (ERC-6492): x402's facilitators verify both, so only the shape is checked here. The
     * header's size limit bounds the length.
     */
    private static void requireSignature(String value) throws Refusal {
        int digits = hexDigits(value);
        if (digits < 2 || digits % 2 != 0) {
            throw malformed("signature");
        }
    }

    /** 1 to 78 ASCII decimal digits (78 digits hold any uint256). */
    private static void requireUint(String value, String field) throws Refusal {
        boolean ok = value != null && !value.isEmpty() && value.length() <= UINT_DIGITS;
        for (int i = 0; ok && i < value.length(); i++) {
            char c = value.charAt(i);
            ok = c >= '0' && c <= '9';
        }
        if (!ok) {
            throw malformed(field);
        }
    }

    private static Refusal malformed(String field) {
        return new Refusal("invalid_exact_evm_payload: " + field + " is missing or malformed");
    }

    /** Whether the client's URL has the raw path of this resource's URL. */
    private boolean samePath(String clientUrl, RequestView view) {
        String ours = view.resourceRawPath();
        if (ours == null) {
            String url = view.resourceUrl();
            ours = resourcePaths.rawPath(url);
            if (clientUrl.equals(url)) {
                return ours != NO_PATH; // what a client copied from the 402: the same parse, without parsing again
            }
            if (ours == NO_PATH) {
                return false;
            }
        }
        String theirs = clientPaths.rawPath(clientUrl);
        return theirs != NO_PATH && theirs.equals(ours);
    }

    /**
     * {@link #rawPath} remembering the last URL: every paid request to a resource carries the same URL (the client
     * copies it from the 402), and parsing it was a tenth of the gate.
     */
    private static final class LastUrl {
        private volatile ParsedUrl last;

        String rawPath(String url) {
            ParsedUrl seen = last;
            if (seen != null && seen.url().equals(url)) {
                return seen.rawPath();
            }
            String path = ProofMatcher.rawPath(url);
            last = new ParsedUrl(url, path);
            return path;
        }
    }

    /** The URL's raw path, {@link #NO_PATH} if it has none or does not parse. */
    private static String rawPath(String url) {
        String path;
        try {
            path = URI.create(url).getRawPath();
        } catch (IllegalArgumentException e) {
            path = null;
        }
        return path == null ? NO_PATH : path;
    }

    private record ParsedUrl(String url, String rawPath) {
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** Key order must not make one payload into two ledger keys. */
    static String canonical(JsonNode tree) {
        try {
            return WireJson.mapper().writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED).writeValueAsString(tree);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String s) {
        return Sha256.hex(s.getBytes(StandardCharsets.UTF_8));
    }
}
