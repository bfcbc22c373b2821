package dev.tollgate.core.evm;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * EIP-712 hashing of the Permit2 {@code PermitWitnessTransferFrom} message that x402's exact scheme signs for
 * the asset transfer method permit2, as the canonical Permit2 contract verifies it: the domain is Permit2's own
 * (name "Permit2", no version, the chain, the Permit2 contract), and the witness is x402's
 * {@code Witness(address to,uint256 validAfter)}.
 */
public final class PermitWitnessTransferFrom {

    /** Uniswap's canonical Permit2 contract: the same address on every chain. */
    public static final EvmAddress PERMIT2 = EvmAddress.parse("0x000000000022D473030F116dDEE9F6B43aC78BA3");

    /** The x402 specification's canonical x402ExactPermit2Proxy: the spender the payer must sign for. */
    public static final EvmAddress X402_EXACT_PERMIT2_PROXY =
            EvmAddress.parse("0x402085c248EeA27D92E8b30b2C58ed07f9E20001");

    public static final String DOMAIN_TYPE = "EIP712Domain(string name,uint256 chainId,address verifyingContract)";
    public static final String TOKEN_PERMISSIONS_TYPE = "TokenPermissions(address token,uint256 amount)";
    public static final String WITNESS_TYPE = "Witness(address to,uint256 validAfter)";
    /** The primary type followed by the types it references, in alphabetical order, as EIP-712 encodes it. */
    public static final String TYPE = "PermitWitnessTransferFrom(TokenPermissions permitted,address spender,"
            + "uint256 nonce,uint256 deadline,Witness witness)" + TOKEN_PERMISSIONS_TYPE + WITNESS_TYPE;

    private static final byte[] DOMAIN_TYPE_HASH = Eip712.typeHash(DOMAIN_TYPE);
    private static final byte[] NAME_HASH = Keccak256.hash("Permit2".getBytes(StandardCharsets.UTF_8));
    private static final byte[] TOKEN_PERMISSIONS_TYPE_HASH = Eip712.typeHash(TOKEN_PERMISSIONS_TYPE);
    private static final byte[] WITNESS_TYPE_HASH = Eip712.typeHash(WITNESS_TYPE);
    private static final byte[] TYPE_HASH = Eip712.typeHash(TYPE);

    private PermitWitnessTransferFrom() {
    }

    /** hashStruct(EIP712Domain) of Permit2 on chain {@code chainId}. */
    public static byte[] domainSeparator(long chainId) {
        if (chainId <= 0) {
            throw new IllegalArgumentException("chainId must be positive, got " + chainId);
        }
        return Keccak256.hash(DOMAIN_TYPE_HASH, NAME_HASH, Eip712.uintWord(BigInteger.valueOf(chainId)),
                Eip712.addressWord(PERMIT2));
    }

    public static byte[] structHash(Permit2Authorization a) {
        byte[] permitted = Keccak256.hash(TOKEN_PERMISSIONS_TYPE_HASH, Eip712.addressWord(a.token()),
                Uint256.word(a.amount()));
        byte[] witness = Keccak256.hash(WITNESS_TYPE_HASH, Eip712.addressWord(a.to()), Uint256.word(a.validAfter()));
        return Keccak256.hash(TYPE_HASH, permitted, Eip712.addressWord(a.spender()), Uint256.word(a.nonce()),
                Uint256.word(a.deadline()), witness);
    }

    /** The 32-byte digest the payer's key signed. */
    public static byte[] digest(long chainId, Permit2Authorization a) {
        return Eip712.digest(domainSeparator(chainId), structHash(a));
    }
}
