package dev.tollgate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.evm.Eip3009Signer;
import dev.tollgate.core.evm.Eip712Domain;
import dev.tollgate.core.evm.EvmAddress;
import dev.tollgate.core.evm.EvmPrivateKey;
import dev.tollgate.core.evm.ExactEvmAuthorization;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.wire.ExactEvmPayload;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A server's first x402 v2 offer and a payer for it, shared by {@link ProofTemplate} and {@link SignedProofs}:
 * fetch the 402, sign an EIP-3009 authorization for the offer with a throw-away key, build the proof (the
 * decoded PAYMENT-SIGNATURE) and the body a facilitator gets for it. Thread-safe once built. Also the bench
 * routes' own offer, for the tools that need it without asking a server ({@link #BENCH_OPTION}).
 */
final class PaidOffer {
    /** A well-known test key (Hardhat/Anvil account #1); it holds nothing anywhere that matters. */
    static final String KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    /**
     * The validity window every benchmark proof gets around the time it is signed: validAfter 10 minutes back
     * (clocks may differ a little; the local verifier wants validAfter ≤ now), validBefore an hour ahead (the
     * local verifier wants validBefore ≥ now + {@code VALID_BEFORE_MARGIN_SECONDS}, 6 s), so a file stays
     * acceptable for any run that starts soon after it is written.
     */
    static final long VALID_SINCE_SECONDS = 600;
    static final long VALID_FOR_SECONDS = 3600;
    /** The bench routes' offer ($0.01 of Base Sepolia USDC to {@link BenchServer#PAY_TO}), as the gate holds it. */
    static final PaymentOption BENCH_OPTION = new PaymentOption("exact",
            NetworkRegistry.defaults().find("base-sepolia").orElseThrow(), BigInteger.valueOf(10_000),
            "0x036CbD53842c5426634e7929541eC2318f3dCF7e", BenchServer.PAY_TO, 60, "USDC", "2");

    private final JsonNode resource;
    private final JsonNode accepted;
    private final EvmPrivateKey key = EvmPrivateKey.fromHex(KEY);
    private final String payer = key.address().toChecksumHex();
    private final Eip712Domain domain;

    /** The offer {@code accepted} (one entry of a 402's {@code accepts}), and the 402's {@code resource} or null. */
    PaidOffer(JsonNode resource, JsonNode accepted) {
        this.resource = resource;
        this.accepted = accepted;
        String chain = accepted.get("network").asText();
        long chainId = Long.parseLong(chain.substring(chain.indexOf(':') + 1));
        this.domain = new Eip712Domain(accepted.get("extra").get("name").asText(),
                accepted.get("extra").get("version").asText(), chainId, EvmAddress.parse(accepted.get("asset").asText()));
    }

    /** Asks {@code target} for its 402 and takes the first offer of its PAYMENT-REQUIRED header. */
    static PaidOffer fetch(ObjectMapper json, URI target) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(target)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        String header = r.headers().firstValue("PAYMENT-REQUIRED").orElseThrow(() ->
                new IllegalStateException(target + " answered " + r.statusCode() + " without PAYMENT-REQUIRED"));
        JsonNode required = json.readTree(Base64.getDecoder().decode(header));
        return new PaidOffer(required.get("resource"), required.get("accepts").get(0));
    }

    /** A proof of {@link #BENCH_OPTION} as the gate would hand it to a facilitator client. */
    static PaymentAttempt benchAttempt(ObjectMapper json, JsonNode proof) throws IOException {
        return new PaymentAttempt(2, proof, BENCH_OPTION.requirementsV2(), BENCH_OPTION,
                json.treeToValue(proof.get("payload"), ExactEvmPayload.class));
    }

    JsonNode accepted() {
        return accepted;
    }

    /**
     * A validly signed proof (x402 v2 PaymentPayload) paying this offer: the payer's authorization for exactly
     * the offer's amount to its payTo, valid from {@code validAfter} until {@code validBefore} (epoch seconds),
     * with the given 32-byte nonce.
     */
    ObjectNode proof(ObjectMapper json, long validAfter, long validBefore, byte[] nonce) {
        String nonceHex = "0x" + HexFormat.of().formatHex(nonce);
        String to = accepted.get("payTo").asText();
        String value = accepted.get("amount").asText();
        ExactEvmAuthorization auth = ExactEvmAuthorization.parse(payer, to, value, Long.toString(validAfter),
                Long.toString(validBefore), nonceHex);
        String signature = Eip3009Signer.sign(key, domain, auth);
        ObjectNode proof = json.createObjectNode().put("x402Version", 2);
        if (resource != null) {
            proof.set("resource", resource);
        }
        proof.set("accepted", accepted);
        ObjectNode payload = proof.putObject("payload").put("signature", signature);
        payload.putObject("authorization").put("from", payer).put("to", to).put("value", value)
                .put("validAfter", Long.toString(validAfter)).put("validBefore", Long.toString(validBefore))
                .put("nonce", nonceHex);
        return proof;
    }

    /**
     * The body of {@code POST /verify} and of {@code POST /settle} for this proof (x402 v2: the same shape for
     * both, {@code {x402Version, paymentPayload, paymentRequirements}}).
     */
    ObjectNode facilitatorBody(ObjectMapper json, JsonNode proof) {
        ObjectNode body = json.createObjectNode().put("x402Version", 2);
        body.set("paymentPayload", proof);
        body.set("paymentRequirements", accepted);
        return body;
    }
}
