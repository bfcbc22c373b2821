package dev.tollgate.core.code;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The Ed25519 key pair derived from the scan-code payload (seed = SHA-256(payload)). Wallet, browser and
 * merchant all derive it independently; the sequencer only ever sees the public half, which is the intent
 * id, so it can route messages about the intent but cannot forge them.
 */
public final class RendezvousKey {

    public static final int PUBLIC_KEY_LENGTH = Ed25519.PUBLIC_KEY_LENGTH;
    public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_LENGTH;

    private final Ed25519PrivateKeyParameters privateKey;
    private final byte[] publicKey;

    private RendezvousKey(byte[] seed) {
        this.privateKey = new Ed25519PrivateKeyParameters(seed, 0);
        this.publicKey = privateKey.generatePublicKey().getEncoded();
    }

    public static RendezvousKey fromPayload(byte[] payload) {
        return fromSeed(IntentNonce.sha256(payload));
    }

    public static RendezvousKey fromSeed(byte[] seed) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("Ed25519 seed must be 32 bytes, got " + seed.length);
        }
        return new RendezvousKey(seed);
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The intent id: base58 of the public key. */
    public String intentId() {
        return Base58.encode(publicKey);
    }

    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** Verifies an Ed25519 signature; malformed keys or signatures simply do not verify. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        return Ed25519.verify(publicKey, message, signature);
    }

    @Override
    public String toString() {
        return "RendezvousKey[" + intentId() + "]";
    }
}
