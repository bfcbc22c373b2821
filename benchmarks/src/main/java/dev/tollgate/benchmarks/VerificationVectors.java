package dev.tollgate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.evm.Eip3009Signer;
import dev.tollgate.core.evm.Eip712Domain;
import dev.tollgate.core.evm.EvmAddress;
import dev.tollgate.core.evm.EvmPrivateKey;
import dev.tollgate.core.evm.ExactEvmAuthorization;
import dev.tollgate.core.evm.ExactEvmPayment;
import dev.tollgate.core.evm.ExactEvmRequirement;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Signed EIP-3009 TransferWithAuthorization vectors (distinct payers and nonces on Base Sepolia USDC), written
 * to a JSON file that both {@link VerificationBenchmark} (Tollgate, JMH) and
 * {@code benchmarks/reference/recover.mjs} (viem's {@code recoverTypedDataAddress}) read: the same inputs on
 * both sides of the comparison. Usage: {@code VerificationVectors out.json [count]}
 */
public final class VerificationVectors {
    static final String ASSET = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
    static final long CHAIN_ID = 84532;
    static final String NETWORK = "eip155:84532";
    static final String VALUE = "10000";
    static final long VALID_AFTER = 1_700_000_000L;
    static final long VALID_BEFORE = 4_000_000_000L;

    private VerificationVectors() {
    }

    public static void main(String[] args) throws IOException {
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        SecureRandom random = new SecureRandom();
        Eip712Domain domain = new Eip712Domain("USDC", "2", CHAIN_ID, EvmAddress.parse(ASSET));
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.putObject("domain").put("name", "USDC").put("version", "2").put("chainId", CHAIN_ID)
                .put("verifyingContract", ASSET);
        ArrayNode vectors = root.putArray("vectors");
        for (int i = 0; i < count; i++) {
            EvmPrivateKey payer = EvmPrivateKey.generate(random);
            EvmPrivateKey payee = EvmPrivateKey.generate(random);
            ExactEvmAuthorization a = ExactEvmAuthorization.parse(payer.address().toChecksumHex(),
                    payee.address().toChecksumHex(), VALUE, Long.toString(VALID_AFTER), Long.toString(VALID_BEFORE),
                    "0x" + HexFormat.of().formatHex(Eip3009Signer.randomNonce(random)));
            vectors.addObject().put("from", payer.address().toChecksumHex()).put("to", payee.address().toChecksumHex())
                    .put("value", VALUE).put("validAfter", Long.toString(VALID_AFTER))
                    .put("validBefore", Long.toString(VALID_BEFORE)).put("nonce", a.nonceHex())
                    .put("signature", Eip3009Signer.sign(payer, domain, a));
        }
        Files.writeString(Path.of(args[0]), json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    /** The file's vectors as the local verifier's inputs: each requirement pays its own vector's payee. */
    static List<Object[]> read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<Object[]> out = new ArrayList<>();
        for (JsonNode v : root.get("vectors")) {
            ExactEvmRequirement requirement = new ExactEvmRequirement("exact", NETWORK, CHAIN_ID,
                    EvmAddress.parse(ASSET), "USDC", "2", EvmAddress.parse(v.get("to").asText()),
                    new BigInteger(v.get("value").asText()));
            ExactEvmPayment payment = new ExactEvmPayment("exact", NETWORK, ExactEvmAuthorization.parse(
                    v.get("from").asText(), v.get("to").asText(), v.get("value").asText(),
                    v.get("validAfter").asText(), v.get("validBefore").asText(), v.get("nonce").asText()),
                    v.get("signature").asText());
            out.add(new Object[] {requirement, payment});
        }
        return out;
    }
}
