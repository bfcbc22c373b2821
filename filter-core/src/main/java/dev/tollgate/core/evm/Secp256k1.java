package dev.tollgate.core.evm;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

/**
 * ECDSA on secp256k1 the way Ethereum uses it: public-key recovery from (digest, r, s, v) and
 * deterministic signing. All curve arithmetic is Bouncy Castle's.
 *
 * <p>The curve comes from {@link CustomNamedCurves}: its SecP256K1Curve has a dedicated field
 * implementation and the GLV endomorphism, which {@link ECAlgorithms#sumOfTwoMultiplies} exploits;
 * the generic {@code SECNamedCurves} curve is several times slower, and recovery is on the hot path
 * of every paid request.
 */
public final class Secp256k1 {

    private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");

    public static final ECDomainParameters DOMAIN =
            new ECDomainParameters(PARAMS.getCurve(), PARAMS.getG(), PARAMS.getN(), PARAMS.getH());

    /** Group order n. */
    public static final BigInteger N = PARAMS.getN();

    /** n/2 (rounded down): the largest s a canonical (low-s) signature may carry. */
    public static final BigInteger HALF_N = N.shiftRight(1);

    private static final ECCurve CURVE = PARAMS.getCurve();
    private static final ECPoint G = PARAMS.getG();

    private Secp256k1() {
    }

    /** The address that signed {@code digest}: recovery plus keccak of the public key. */
    public static EvmAddress recoverAddress(byte[] digest, RecoverableSignature signature) {
        return address(recoverPublicKey(digest, signature));
    }

    /**
     * SEC 1 v2 §4.1.6 with j = 0: R = (r, y of the given parity), Q = r⁻¹(sR − eG).
     * j = 1 (x = r + n) cannot be expressed by Ethereum's v and is not attempted.
     */
    public static ECPoint recoverPublicKey(byte[] digest, RecoverableSignature signature) {
        if (digest.length != 32) {
            throw new IllegalArgumentException("digest must be 32 bytes, got " + digest.length);
        }
        ECPoint bigR = decompress(signature.r(), signature.yParity());
        BigInteger e = new BigInteger(1, digest);
        // Bouncy Castle's variable-time safegcd inverse: several times faster than BigInteger.modInverse, and r
        // is public, so variable time leaks nothing.
        BigInteger rInverse = BigIntegers.modOddInverseVar(N, signature.r());
        BigInteger u1 = e.negate().multiply(rInverse).mod(N);
        BigInteger u2 = signature.s().multiply(rInverse).mod(N);
        ECPoint q = ECAlgorithms.sumOfTwoMultiplies(G, u1, bigR, u2).normalize();
        if (q.isInfinity()) {
            throw new InvalidSignatureException(SignatureDefect.NOT_RECOVERABLE);
        }
        return q;
    }

    /** Ethereum address of a public key: the last 20 bytes of keccak256(X || Y). */
    public static EvmAddress address(ECPoint publicKey) {
        byte[] uncompressed = publicKey.getEncoded(false); // 0x04 || X || Y
        byte[] hash = Keccak256.hash(Arrays.copyOfRange(uncompressed, 1, uncompressed.length));
        return EvmAddress.of(Arrays.copyOfRange(hash, 12, 32));
    }

    /** d·G. */
    public static ECPoint publicKey(BigInteger privateKey) {
        return new FixedPointCombMultiplier().multiply(G, privateKey).normalize();
    }

    /**
     * Signs a 32-byte digest with an RFC 6979 deterministic nonce (no RNG to get wrong), normalises s to
     * the low half (EIP-2) and finds the y-parity by recovering with both candidates.
     */
    public static RecoverableSignature sign(byte[] digest, EvmPrivateKey key) {
        if (digest.length != 32) {
            throw new IllegalArgumentException("digest must be 32 bytes, got " + digest.length);
        }
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(key.secret(), DOMAIN));
        BigInteger[] rs = signer.generateSignature(digest);
        BigInteger r = rs[0];
        BigInteger s = rs[1].compareTo(HALF_N) > 0 ? N.subtract(rs[1]) : rs[1];
        for (int yParity = 0; yParity <= 1; yParity++) {
            RecoverableSignature candidate = new RecoverableSignature(r, s, yParity);
            try {
                if (recoverPublicKey(digest, candidate).equals(key.publicKey())) {
                    return candidate;
                }
            } catch (InvalidSignatureException ignored) {
                // this parity does not lead back to the key; try the other
            }
        }
        // Only when R.x >= n (probability ~2^-128): Ethereum's v cannot express that case.
        throw new IllegalStateException("signature is not recoverable with v 27/28");
    }

    private static ECPoint decompress(BigInteger x, int yParity) {
        byte[] encoded = new byte[33];
        encoded[0] = (byte) (yParity == 0 ? 0x02 : 0x03);
        System.arraycopy(Uint256.word(x), 0, encoded, 1, 32);
        try {
            return CURVE.decodePoint(encoded);
        } catch (IllegalArgumentException e) {
            // r is not the x-coordinate of any point on the curve
            throw new InvalidSignatureException(SignatureDefect.NOT_RECOVERABLE);
        }
    }
}
