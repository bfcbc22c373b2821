package dev.tollgate.core.evm;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/** The parts of EIP-712 that a four-field domain and a flat struct of atomic types need. */
public final class Eip712 {

    public static final String DOMAIN_TYPE =
            "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";

    private static final byte[] DOMAIN_TYPE_HASH = typeHash(DOMAIN_TYPE);

    private Eip712() {
    }

    /** keccak256 of the canonical type string. */
    public static byte[] typeHash(String encodedType) {
        return Keccak256.hash(encodedType.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] domainSeparator(Eip712Domain domain) {
        return Keccak256.hash(
                DOMAIN_TYPE_HASH,
                stringWord(domain.name()),
                stringWord(domain.version()),
                uintWord(BigInteger.valueOf(domain.chainId())),
                addressWord(domain.verifyingContract()));
    }

    /** The digest a wallet signs: keccak256(0x19 0x01 || domainSeparator || structHash). */
    public static byte[] digest(byte[] domainSeparator, byte[] structHash) {
        return Keccak256.hash(new byte[] {0x19, 0x01}, domainSeparator, structHash);
    }

    /** Dynamic {@code string} members are encoded as the keccak256 of their UTF-8 bytes. */
    static byte[] stringWord(String value) {
        return Keccak256.hash(value.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] uintWord(BigInteger value) {
        return Uint256.word(Uint256.check("uint256", value));
    }

    /** Addresses are left-padded with 12 zero bytes to a 32-byte word. */
    static byte[] addressWord(EvmAddress address) {
        byte[] word = new byte[32];
        System.arraycopy(address.bytes(), 0, word, 12, EvmAddress.LENGTH);
        return word;
    }
}
