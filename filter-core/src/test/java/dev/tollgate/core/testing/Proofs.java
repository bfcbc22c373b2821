package dev.tollgate.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.evm.Eip3009Signer;
import dev.tollgate.core.evm.Eip712Domain;
import dev.tollgate.core.evm.EvmAddress;
import dev.tollgate.core.evm.EvmPrivateKey;
import dev.tollgate.core.evm.ExactEvmAuthorization;
import dev.tollgate.core.evm.Hex;
import dev.tollgate.core.evm.Secp256k1;
import dev.tollgate.core.evm.TransferWithAuthorization;
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
    /** A smart wallet of {@link #PAYER}'s, not yet deployed, for {@link #smartWallet}. */
    public static final String SMART_WALLET = "0x5b8ba3c2a6ba1f5e1cf0f4c7be3fa4d2d9a6e1c4";
    /** The factory that would deploy {@link #SMART_WALLET}. */
    public static final String SMART_WALLET_FACTORY = "0x0ba5ed0c6aa8c49038f819e587e2633c4a9f428a";

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
    private EvmAddress smartWallet;

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

    /**
     * Pays from {@code wallet}, a smart wallet not yet deployed, as such a wallet signs (ERC-6492): {@link #PAYER}
     * (its owner) signs the authorization, and the signature carries the wallet's factory and its call data, then
     * the ERC-6492 magic suffix. Only the wallet's contract, on chain, can tell whether it is valid.
     */
    public Proofs smartWallet(String wallet) {
        this.smartWallet = EvmAddress.parse(wallet);
        return this;
    }

    /** The ERC-6492 suffix that marks a signature wrapped with its wallet's deployment. */
    public static final String ERC6492_MAGIC = "6492".repeat(16);

    /** abi.encode(factory, factoryCalldata, signature) followed by {@link #ERC6492_MAGIC}. */
    public static String erc6492(String factory, byte[] factoryCalldata, String signature) {
        byte[] inner = Hex.decode(signature);
        StringBuilder b = new StringBuilder("0x");
        b.append("0".repeat(24)).append(factory.substring(2).toLowerCase(java.util.Locale.ROOT));
        b.append(word(3 * 32));
        b.append(word(3 * 32 + 32 + padded(factoryCalldata.length)));
        b.append(word(factoryCalldata.length)).append(paddedHex(factoryCalldata));
        b.append(word(inner.length)).append(paddedHex(inner));
        return b.append(ERC6492_MAGIC).toString();
    }

    private static String word(long n) {
        String hex = Long.toHexString(n);
        return "0".repeat(64 - hex.length()) + hex;
    }

    private static int padded(int length) {
        return (length + 31) / 32 * 32;
    }

    private static String paddedHex(byte[] bytes) {
        return Hex.encode(bytes).substring(2) + "00".repeat(padded(bytes.length) - bytes.length);
    }

    public ObjectNode evmPayload() {
        String from = (smartWallet != null ? smartWallet : PAYER.address()).toChecksumHex();
        ExactEvmAuthorization auth = ExactEvmAuthorization.parse(from, payTo,
                value.toString(), Long.toString(now.getEpochSecond() - 60),
                Long.toString(now.getEpochSecond() + maxTimeoutSeconds), Hex.encode(Eip3009Signer.randomNonce()));
        Eip712Domain domain = new Eip712Domain("USDC", "2", chainId, EvmAddress.parse(asset));
        String signature;
        if (smartWallet == null) {
            signature = Eip3009Signer.sign(PAYER, domain, auth);
        } else {
            // The owner signs the wallet's authorization; a factory's createAccount(owner, salt) call comes with it.
            String owners = Secp256k1.sign(TransferWithAuthorization.digest(domain, auth), PAYER).toHex();
            signature = erc6492(SMART_WALLET_FACTORY, Hex.decode("0x5fbfb9cf" + "0".repeat(24)
                    + PAYER.address().toChecksumHex().substring(2) + "0".repeat(64)), owners);
        }
        ObjectNode payload = JSON.createObjectNode().put("signature", signature);
        payload.putObject("authorization")
                .put("from", from)
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
