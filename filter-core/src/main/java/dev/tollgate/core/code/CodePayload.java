package dev.tollgate.core.code;

/**
 * The 20-byte scan-code payload of a payment request (Code "kind" 2). It is what the wallet reads from the
 * on-screen code, and SHA-256 of it seeds the rendezvous key.
 *
 * <pre>
 *  [0]      kind (2 = payment request)
 *  [1]      currency index in the Code currency table
 *  [2..8]   amount in hundredths, unsigned 56-bit little-endian
 *  [9..19]  nonce
 * </pre>
 */
public final class CodePayload {

    public static final int LENGTH = 20;
    public static final byte KIND_REQUEST_PAYMENT = 2;

    private static final int AMOUNT_OFFSET = 2;
    private static final int AMOUNT_BYTES = 7;
    private static final int NONCE_OFFSET = AMOUNT_OFFSET + AMOUNT_BYTES;

    private CodePayload() {
    }

    public static byte[] paymentRequest(CodeCurrency currency, long cents, IntentNonce nonce) {
        if (cents <= 0 || cents > CodeAmount.MAX_CENTS) {
            throw new IllegalArgumentException("amount in hundredths out of range for the payload: " + cents);
        }
        byte[] payload = new byte[LENGTH];
        payload[0] = KIND_REQUEST_PAYMENT;
        payload[1] = (byte) currency.index();
        for (int i = 0; i < AMOUNT_BYTES; i++) {
            payload[AMOUNT_OFFSET + i] = (byte) (cents >>> (8 * i));
        }
        System.arraycopy(nonce.bytes(), 0, payload, NONCE_OFFSET, IntentNonce.LENGTH);
        return payload;
    }
}
