package dev.tollgate.core.wire;

/** A payment header or body that cannot be read; the message is safe to show to the client. */
public class MalformedPaymentException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedPaymentException(String message) {
        super(message);
    }

    public MalformedPaymentException(String message, Throwable cause) {
        super(message, cause);
    }
}
