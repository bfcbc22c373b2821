package dev.tollgate.core.code;

/**
 * A call to the Code sequencer failed. The kind tells the caller what to do about it: retry later, give up on
 * this intent, or treat the server (or whatever answered in its place) as broken.
 */
public class CodeApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** Not reached, timed out, or answered with a server-side HTTP error: worth retrying later. */
        UNAVAILABLE,
        /** The sequencer answered and said no (envelope ERROR, a non-OK inner result, a client HTTP error). */
        REJECTED,
        /** Something answered, but not with a Code response we can decode. */
        MALFORMED
    }

    private final Kind kind;

    public CodeApiException(Kind kind, String message) {
        this(kind, message, null);
    }

    public CodeApiException(Kind kind, String message, Throwable cause) {
        super(kind.name().toLowerCase(java.util.Locale.ROOT) + ": " + message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isRetryable() {
        return kind == Kind.UNAVAILABLE;
    }
}
