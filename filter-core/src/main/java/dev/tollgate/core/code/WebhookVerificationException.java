package dev.tollgate.core.code;

/** A webhook token that must not be trusted; the message says why (malformed, wrong alg, bad signature...). */
public class WebhookVerificationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WebhookVerificationException(String message) {
        super(message);
    }

    public WebhookVerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
