package dev.tollgate.core.evm;

/** EIP-712 hashing of EIP-3009's TransferWithAuthorization message, as USDC verifies it on chain. */
public final class TransferWithAuthorization {

    public static final String TYPE =
            "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,"
                    + "uint256 validBefore,bytes32 nonce)";

    private static final byte[] TYPE_HASH = Eip712.typeHash(TYPE);

    private TransferWithAuthorization() {
    }

    public static byte[] typeHash() {
        return TYPE_HASH.clone();
    }

    public static byte[] structHash(ExactEvmAuthorization authorization) {
        return Keccak256.hash(
                TYPE_HASH,
                Eip712.addressWord(authorization.from()),
                Eip712.addressWord(authorization.to()),
                Uint256.word(authorization.value()),
                Uint256.word(authorization.validAfter()),
                Uint256.word(authorization.validBefore()),
                authorization.nonce());
    }

    /** The 32-byte digest the payer's key signed. */
    public static byte[] digest(Eip712Domain domain, ExactEvmAuthorization authorization) {
        return Eip712.digest(domain.separator(), structHash(authorization));
    }
}
