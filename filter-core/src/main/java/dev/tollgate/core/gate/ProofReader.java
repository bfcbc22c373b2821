package dev.tollgate.core.gate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.wire.ExactEvmPayload;
import dev.tollgate.core.wire.PaymentRequirements;
import dev.tollgate.core.wire.ResourceInfo;
import dev.tollgate.core.wire.WireJson;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a proof of the usual shape straight from its JSON into the fields the gate checks, without building a
 * tree: an exact-EVM payload, every field known and of its plain type, no nulls, no extensions, nothing after
 * the object. For anything else it answers null and the caller takes the tree path, so unusual input gets
 * exactly that path's result or error. Building Jackson's tree of the proof, with its per-object duplicate
 * detection, was two fifths of the gate's time on the paid path, and the tree is rarely needed: verifiers
 * that want it get it lazily from the same bytes ({@link dev.tollgate.core.verify.PaymentAttempt}).
 *
 * <p>Duplicate names are refused here too (each known field has a bit), since a proof whose fields a
 * facilitator could read differently from us must never pass.
 */
final class ProofReader {
    /** What was read; {@code accepted} and {@code resource} are v2's, {@code scheme} and {@code network} v1's. */
    record Read(int version, ResourceInfo resource, PaymentRequirements accepted, String scheme, String network,
                ExactEvmPayload evm) {
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ProofReader() {
    }

    static Read read(byte[] json) {
        return read(json, List.of());
    }

    /**
     * @param json   the proof's JSON, this request's own: part of it is blanked while it is read, and put back
     *               before this returns, so no other thread may read it meanwhile
     * @param offers the route's options: an {@code accepted} that is byte for byte one of their v2 requirements
     *               (what clients send, having copied it from the 402) is that requirement, and is skipped
     *               over rather than read field by field
     */
    static Read read(byte[] json, List<PaymentOption> offers) {
        try (JsonParser p = WireJson.mapper().getFactory().createParser(json)) {
            // Duplicates are caught by the field bits below; the parser's own detector allocates per object.
            p.disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
            Read read = root(p, json, offers);
            return read != null && p.nextToken() == null ? read : null;
        } catch (IOException | RuntimeException e) {
            return null; // malformed or odd: the tree path says what is wrong
        }
    }

    private static Read root(JsonParser p, byte[] json, List<PaymentOption> offers) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        int seen = 0;
        int version = 0;
        ResourceInfo resource = null;
        PaymentRequirements accepted = null;
        String scheme = null;
        String network = null;
        ExactEvmPayload evm = null;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            int bit = switch (name) {
                case "x402Version" -> 1;
                case "resource" -> 2;
                case "accepted" -> 4;
                case "payload" -> 8;
                case "scheme" -> 16;
                case "network" -> 32;
                default -> 0;
            };
            if (bit == 0 || (seen & bit) != 0) {
                return null;
            }
            seen |= bit;
            JsonToken t = p.nextToken();
            switch (bit) {
                case 1 -> {
                    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                        return null;
                    }
                    version = p.getIntValue();
                }
                case 2 -> resource = t == JsonToken.START_OBJECT ? resource(p) : null;
                case 4 -> {
                    if (t == JsonToken.START_OBJECT) {
                        PaymentRequirements offer = offered(p, json, offers);
                        accepted = offer != null ? offer : requirements(p);
                    }
                }
                case 8 -> evm = t == JsonToken.START_OBJECT ? exactEvm(p) : null;
                case 16 -> scheme = t == JsonToken.VALUE_STRING ? p.getText() : null;
                default -> network = t == JsonToken.VALUE_STRING ? p.getText() : null;
            }
            if ((bit == 2 && resource == null) || (bit == 4 && accepted == null) || (bit == 8 && evm == null)
                    || (bit == 16 && scheme == null) || (bit == 32 && network == null)) {
                return null;
            }
        }
        boolean v2 = version == 2 && (seen & (4 | 8)) == (4 | 8) && (seen & (16 | 32)) == 0;
        boolean v1 = version == 1 && (seen & (8 | 16 | 32)) == (8 | 16 | 32) && (seen & (2 | 4)) == 0;
        return v1 || v2 ? new Read(version, resource, accepted, scheme, network, evm) : null;
    }

    /**
     * The offer whose JSON starts at the parser's current '{' (the parser then stands on its '}'), or null with
     * the parser not moved. Equal bytes are a complete object, so the client's object ends where the offer's does;
     * the offer's own JSON has no duplicate names, so nothing is hidden in it.
     *
     * <p>The parser steps over the matched object's inside as whitespace: Jackson tokenized it with every field name
     * looked up (over a quarter of the proof's parse under load, for bytes already compared), and it reads a byte
     * array where it lies. So the inside is blanked in {@code json} for the one token, and put back before anything
     * else reads the array (the facilitator is sent the client's bytes). A parser that had copied its input finds a
     * field there instead of the '}', and the proof goes to the tree path: slower, never read otherwise.
     */
    private static PaymentRequirements offered(JsonParser p, byte[] json, List<PaymentOption> offers)
            throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        for (int i = 0; i < offers.size(); i++) {
            byte[] offer = offers.get(i).requirementsV2Json();
            if (start >= 0 && start + offer.length <= json.length
                    && Arrays.equals(json, (int) start, (int) start + offer.length, offer, 0, offer.length)) {
                int inside = (int) start + 1;
                int close = (int) start + offer.length - 1;
                JsonToken next;
                Arrays.fill(json, inside, close, (byte) ' ');
                try {
                    next = p.nextToken();
                } finally {
                    System.arraycopy(offer, 1, json, inside, close - inside);
                }
                if (next != JsonToken.END_OBJECT || p.currentTokenLocation().getByteOffset() != close) {
                    throw new IllegalStateException("accepted did not end where the offer does"); // read: null
                }
                return offers.get(i).requirementsV2();
            }
        }
        return null;
    }

    private static ResourceInfo resource(JsonParser p) throws IOException {
        String[] f = strings(p, "url", "description", "mimeType");
        return f == null ? null : new ResourceInfo(f[0], f[1], f[2]);
    }

    private static PaymentRequirements requirements(JsonParser p) throws IOException {
        String[] f = new String[5];
        int seen = 0;
        int timeout = 0;
        ObjectNode extra = null;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            int i = switch (name) {
                case "scheme" -> 0;
                case "network" -> 1;
                case "amount" -> 2;
                case "asset" -> 3;
                case "payTo" -> 4;
                case "maxTimeoutSeconds" -> 5;
                case "extra" -> 6;
                default -> -1;
            };
            if (i < 0 || (seen & (1 << i)) != 0) {
                return null;
            }
            seen |= 1 << i;
            JsonToken t = p.nextToken();
            if (i == 5) {
                if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                    return null;
                }
                timeout = p.getIntValue();
            } else if (i == 6) {
                extra = t == JsonToken.START_OBJECT ? flatObject(p) : null;
                if (extra == null) {
                    return null;
                }
            } else if (t == JsonToken.VALUE_STRING) {
                f[i] = p.getText();
            } else {
                return null;
            }
        }
        // Every field but extra is required, as Jackson's binding of the record requires maxTimeoutSeconds.
        return (seen & 0x3F) == 0x3F ? new PaymentRequirements(f[0], f[1], f[2], f[3], f[4], timeout, extra) : null;
    }

    /** An object of string values only (what exact-EVM's {@code extra} holds: the token's name and version). */
    private static ObjectNode flatObject(JsonParser p) throws IOException {
        ObjectNode out = NODES.objectNode();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            if (p.nextToken() != JsonToken.VALUE_STRING || out.replace(name, NODES.textNode(p.getText())) != null) {
                return null;
            }
            if (out.size() > 16) {
                return null;
            }
        }
        return out;
    }

    private static ExactEvmPayload exactEvm(JsonParser p) throws IOException {
        String signature = null;
        ExactEvmPayload.Authorization authorization = null;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            if ("signature".equals(name) && signature == null && t == JsonToken.VALUE_STRING) {
                signature = p.getText();
            } else if ("authorization".equals(name) && authorization == null && t == JsonToken.START_OBJECT) {
                String[] a = strings(p, "from", "to", "value", "validAfter", "validBefore", "nonce");
                if (a == null) {
                    return null;
                }
                authorization = new ExactEvmPayload.Authorization(a[0], a[1], a[2], a[3], a[4], a[5]);
            } else {
                return null;
            }
        }
        return signature != null && authorization != null ? new ExactEvmPayload(signature, authorization) : null;
    }

    /** An object with exactly these string fields, each at most once (absent ones are null). */
    private static String[] strings(JsonParser p, String... names) throws IOException {
        String[] out = new String[names.length];
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            int i = indexOf(names, name);
            if (i < 0 || out[i] != null || p.nextToken() != JsonToken.VALUE_STRING) {
                return null;
            }
            out[i] = p.getText();
        }
        return out;
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
