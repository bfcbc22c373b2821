package dev.tollgate.core.evm;

/** A signature that cannot yield a public key, with the {@link SignatureDefect} that says why. */
public final class InvalidSignatureException extends IllegalArgumentException {

    private final SignatureDefect defect;

    public InvalidSignatureException(SignatureDefect defect) {
        this(defect, defect.message());
    }

    public InvalidSignatureException(SignatureDefect defect, String message) {
        super(message);
        this.defect = defect;
    }

    public SignatureDefect defect() {
        return defect;
    }
}
