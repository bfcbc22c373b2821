package dev.tollgate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.evm.Eip3009Signer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * Writes the template wrk's {@code paid.lua} turns into a unique PAYMENT-SIGNATURE per request. It asks the
 * server for its 402, copies its first offer into {@code accepted} (so the proof matches whichever server is
 * measured), signs an EIP-3009 authorization with a throw-away key ({@link PaidOffer}), and cuts the base64
 * header in three: the part before the nonce, 24 nonce hex digits, the rest. The JSON is padded with spaces so
 * that the nonce starts at a multiple of 3 bytes; base64 then encodes it on its own, and the script can replace
 * it without re-encoding the rest. A replaced nonce makes the signature wrong, which only an instant
 * (accept-all) verifier tolerates: the proofs are unique for the ledger and the facilitator, not payable on
 * chain. {@link SignedProofs} writes validly signed ones, for a verifier that checks.
 *
 * <p>Output lines: prefix base64, suffix base64, request path, one complete header (the template itself), and
 * the request body a facilitator gets for it (to time the facilitator double on its own; x402 v2 sends the same
 * body to {@code /verify} and {@code /settle}). Usage: {@code ProofTemplate http://127.0.0.1:8080/bench/paid
 * out.txt}
 */
public final class ProofTemplate {
    static final int VARIABLE_HEX = 24;

    private ProofTemplate() {
    }

    public static void main(String[] args) throws Exception {
        URI target = URI.create(args[0]);
        ObjectMapper json = new ObjectMapper();
        PaidOffer offer = PaidOffer.fetch(json, target);
        ObjectNode proof = proof(json, offer);
        String[] parts = split(json, proof);
        String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        Files.writeString(Path.of(args[1]), parts[0] + "\n" + parts[1] + "\n" + path + "\n" + parts[2] + "\n"
                + json.writeValueAsString(offer.facilitatorBody(json, proof)) + "\n", StandardCharsets.US_ASCII);
    }

    /** Prefix base64, suffix base64 and the whole header, for the offer {@code accepted} of a 402. */
    static String[] template(ObjectMapper json, JsonNode resource, JsonNode accepted) throws Exception {
        return split(json, proof(json, new PaidOffer(resource, accepted)));
    }

    private static ObjectNode proof(ObjectMapper json, PaidOffer offer) {
        long now = System.currentTimeMillis() / 1000;
        return offer.proof(json, now - PaidOffer.VALID_SINCE_SECONDS, now + PaidOffer.VALID_FOR_SECONDS,
                Eip3009Signer.randomNonce());
    }

    private static String[] split(ObjectMapper json, ObjectNode proof) throws Exception {
        String text = json.writeValueAsString(proof);
        int at = text.indexOf("\"nonce\":\"0x") + "\"nonce\":\"0x".length();
        int pad = (3 - at % 3) % 3;
        text = "{" + " ".repeat(pad) + text.substring(1);
        at += pad;
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        Base64.Encoder b64 = Base64.getEncoder();
        String prefix = b64.encodeToString(Arrays.copyOfRange(bytes, 0, at));
        String suffix = b64.encodeToString(Arrays.copyOfRange(bytes, at + VARIABLE_HEX, bytes.length));
        return new String[] {prefix, suffix, b64.encodeToString(bytes)};
    }
}
