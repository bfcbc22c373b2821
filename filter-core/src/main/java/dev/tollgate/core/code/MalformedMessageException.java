package dev.tollgate.core.code;

/**
 * Bytes that do not decode as the expected Code protobuf message: truncated, wrong wire types, duplicated
 * fields, wrong sizes or over the size limit. Unchecked because callers can only report it.
 */
public class MalformedMessageException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
