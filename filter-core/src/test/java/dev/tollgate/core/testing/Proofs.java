package dev.tollgate.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.evm.Eip3009Signer;
import dev.tollgate.core.evm.Eip712Domain;
import dev.tollgate.core.evm.EvmAddress;
import dev.tollgate.core.evm.EvmPrivateKey;
import dev.tollgate.core.evm.ExactEvmAuthorization;
import dev.tollgate.core.evm.Hex;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.pricing.NetworkRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Builds real, signed x402 proofs for tests: EIP-3009 authorizations signed with a throwaway key, wrapped as
 * v1 {@code X-PAYMENT} or v2 {@code PAYMENT-SIGNATURE} headers. Each call uses a fresh random nonce.
 */
public final class Proofs {
    /** Hardhat's first well-known test key: public, worthless, fine for tests. */
    public static final EvmPrivateKey PAYER =
            EvmPrivateKey.fromHex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    public static final String PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
    public static final String BASE_SEPOLIA_USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";

    private static final ObjectMapper JSON = new ObjectMapper();

    private String network = "base-sepolia";
    private String caip2 = "eip155:84532";
    private long chainId = 84532;
    private String asset = BASE_SEPOLIA_USDC;
    private String payTo = PAY_TO;
    private BigInteger value = BigInteger.valueOf(10_000);
    private int maxTimeoutSeconds = 60;
    private String resourceUrl;
    private Instant now = Instant.now();

    /** The exact-USDC option on base-sepolia to {@link #PAY_TO}, 60 s, that these proofs pay by default at 10000. */
    public static PaymentOption option(long atomicAmount) {
        return new PaymentOption("exact", NetworkRegistry.defaults().find("base-sepolia").orElseThrow(),
                BigInteger.valueOf(atomicAmount), BASE_SEPOLIA_USDC, PAY_TO, 60, "USDC", "2");
    }

    public static Proofs proof() {
        return new Proofs();
    }

    public Proofs value(long atomic) {
        this.value = BigInteger.valueOf(atomic);
        return this;
    }

    public Proofs payTo(String address) {
        this.payTo = address;
        return this;
    }

    public Proofs network(String v1Name, String caip2Id, long chain, String usdc) {
        this.network = v1Name;
        this.caip2 = caip2Id;
        this.chainId = chain;
        this.asset = usdc;
        return this;
    }

    public Proofs resource(String url) {
        this.resourceUrl = url;
        return this;
    }

    public Proofs at(Instant instant) {
        this.now = instant;
        return this;
    }

    public ObjectNode evmPayload() {
        ExactEvmAuthorization auth = ExactEvmAuthorization.parse(PAYER.address().toChecksumHex(), payTo,
                value.toString(), Long.toString(now.getEpochSecond() - 60),
                Long.toString(now.getEpochSecond() + maxTimeoutSeconds), Hex.encode(Eip3009Signer.randomNonce()));
        String signature = Eip3009Signer.sign(PAYER,
                new Eip712Domain("USDC", "2", chainId, EvmAddress.parse(asset)), auth);
        ObjectNode payload = JSON.createObjectNode().put("signature", signature);
        payload.putObject("authorization")
                .put("from", PAYER.address().toChecksumHex())
                .put("to", payTo)
                .put("value", value.toString())
                .put("validAfter", auth.validAfter().toString())
                .put("validBefore", auth.validBefore().toString())
                .put("nonce", Hex.encode(auth.nonce()));
        return payload;
    }

    /** An {@code X-PAYMENT} header value. */
    public String v1() {
        ObjectNode p = JSON.createObjectNode().put("x402Version", 1).put("scheme", "exact").put("network", network);
        p.set("payload", evmPayload());
        return base64(p);
    }

    /** A {@code PAYMENT-SIGNATURE} header value whose {@code accepted} copies the default offer. */
    public String v2() {
        ObjectNode p = JSON.createObjectNode().put("x402Version", 2);
        if (resourceUrl != null) {
            p.putObject("resource").put("url", resourceUrl);
        }
        ObjectNode accepted = p.putObject("accepted");
        accepted.put("scheme", "exact").put("network", caip2).put("amount", value.toString()).put("asset", asset)
                .put("payTo", payTo).put("maxTimeoutSeconds", maxTimeoutSeconds);
        accepted.putObject("extra").put("name", "USDC").put("version", "2");
        p.set("payload", evmPayload());
        return base64(p);
    }

    public static String base64(Object json) {
        return Base64.getEncoder().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }
}
