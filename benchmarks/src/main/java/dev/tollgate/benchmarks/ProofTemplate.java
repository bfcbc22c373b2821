package dev.tollgate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.evm.Eip3009Signer;
import dev.tollgate.core.evm.Eip712Domain;
import dev.tollgate.core.evm.EvmAddress;
import dev.tollgate.core.evm.EvmPrivateKey;
import dev.tollgate.core.evm.ExactEvmAuthorization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Writes the template wrk's {@code paid.lua} turns into a unique PAYMENT-SIGNATURE per request. It asks the
 * server for its 402, copies its first offer into {@code accepted} (so the proof matches whichever server is
 * measured), signs an EIP-3009 authorization with a throw-away key, and cuts the base64 header in three:
 * the part before the nonce, 24 nonce hex digits, the rest. The JSON is padded with spaces so that the nonce
 * starts at a multiple of 3 bytes; base64 then encodes it on its own, and the script can replace it without
 * re-encoding the rest. A replaced nonce makes the signature wrong, which only an instant (accept-all)
 * verifier tolerates: the proofs are unique for the ledger and the facilitator, not payable on chain.
 *
 * <p>Output lines: prefix base64, suffix base64, request path, one complete header (the template itself), and
 * the {@code /verify} request body a facilitator gets for it (to time the facilitator double on its own).
 * Usage: {@code ProofTemplate http://127.0.0.1:8080/bench/paid out.txt}
 */
public final class ProofTemplate {
    /** A well-known test key (Hardhat/Anvil account #1); it holds nothing anywhere that matters. */
    static final String KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    static final int VARIABLE_HEX = 24;

    private ProofTemplate() {
    }

    public static void main(String[] args) throws Exception {
        URI target = URI.create(args[0]);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(target)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        String header = r.headers().firstValue("PAYMENT-REQUIRED").orElseThrow(() ->
                new IllegalStateException(target + " answered " + r.statusCode() + " without PAYMENT-REQUIRED"));
        ObjectMapper json = new ObjectMapper();
        JsonNode required = json.readTree(Base64.getDecoder().decode(header));
        JsonNode accepted = required.get("accepts").get(0);
        String[] parts = template(json, required.get("resource"), accepted);
        String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        ObjectNode verify = json.createObjectNode().put("x402Version", 2);
        verify.set("paymentPayload", json.readTree(Base64.getDecoder().decode(parts[2])));
        verify.set("paymentRequirements", accepted);
        Files.writeString(Path.of(args[1]), parts[0] + "\n" + parts[1] + "\n" + path + "\n" + parts[2] + "\n"
                + json.writeValueAsString(verify) + "\n", StandardCharsets.US_ASCII);
    }

    static String[] template(ObjectMapper json, JsonNode resource, JsonNode accepted) throws Exception {
        EvmPrivateKey key = EvmPrivateKey.fromHex(KEY);
        long now = System.currentTimeMillis() / 1000;
        String chain = accepted.get("network").asText();
        long chainId = Long.parseLong(chain.substring(chain.indexOf(':') + 1));
        byte[] nonce = Eip3009Signer.randomNonce();
        ExactEvmAuthorization auth = ExactEvmAuthorization.parse(key.address().toChecksumHex(),
                accepted.get("payTo").asText(), accepted.get("amount").asText(), Long.toString(now - 600),
                Long.toString(now + 3600), "0x" + HexFormat.of().formatHex(nonce));
        Eip712Domain domain = new Eip712Domain(accepted.get("extra").get("name").asText(),
                accepted.get("extra").get("version").asText(), chainId, EvmAddress.parse(accepted.get("asset").asText()));
        String signature = Eip3009Signer.sign(key, domain, auth);
        ObjectNode proof = json.createObjectNode().put("x402Version", 2);
        if (resource != null) {
            proof.set("resource", resource);
        }
        proof.set("accepted", accepted);
        ObjectNode payload = proof.putObject("payload").put("signature", signature);
        payload.putObject("authorization").put("from", key.address().toChecksumHex())
                .put("to", accepted.get("payTo").asText()).put("value", accepted.get("amount").asText())
                .put("validAfter", Long.toString(now - 600)).put("validBefore", Long.toString(now + 3600))
                .put("nonce", "0x" + HexFormat.of().formatHex(nonce));
        String text = json.writeValueAsString(proof);
        int at = text.indexOf("\"nonce\":\"0x") + "\"nonce\":\"0x".length();
        int pad = (3 - at % 3) % 3;
        text = "{" + " ".repeat(pad) + text.substring(1);
        at += pad;
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        Base64.Encoder b64 = Base64.getEncoder();
        String prefix = b64.encodeToString(java.util.Arrays.copyOfRange(bytes, 0, at));
        String suffix = b64.encodeToString(java.util.Arrays.copyOfRange(bytes, at + VARIABLE_HEX, bytes.length));
        return new String[] {prefix, suffix, b64.encodeToString(bytes)};
    }
}
