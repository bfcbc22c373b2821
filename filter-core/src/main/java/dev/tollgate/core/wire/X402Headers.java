package dev.tollgate.core.wire;

/** Header names of the x402 HTTP transport, v1 and v2. */
public final class X402Headers {
    /** v1 proof. */
    public static final String X_PAYMENT = "X-PAYMENT";
    /** v1 settlement result. */
    public static final String X_PAYMENT_RESPONSE = "X-PAYMENT-RESPONSE";
    /** v2 challenge. */
    public static final String PAYMENT_REQUIRED = "PAYMENT-REQUIRED";
    /** v2 proof. */
    public static final String PAYMENT_SIGNATURE = "PAYMENT-SIGNATURE";
    /** v2 settlement result. */
    public static final String PAYMENT_RESPONSE = "PAYMENT-RESPONSE";

    /** Browsers expose only these to scripts of other origins. */
    public static final String EXPOSED = PAYMENT_REQUIRED + ", " + PAYMENT_RESPONSE + ", " + X_PAYMENT_RESPONSE;

    private X402Headers() {
    }
}
