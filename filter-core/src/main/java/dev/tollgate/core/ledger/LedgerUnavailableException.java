package dev.tollgate.core.ledger;

/** The ledger's store cannot be reached in time; the gate fails closed. */
public class LedgerUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public LedgerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
