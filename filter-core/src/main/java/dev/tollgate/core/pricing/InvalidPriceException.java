package dev.tollgate.core.pricing;

/** A price that cannot become an exact, positive amount of the asset. */
public class InvalidPriceException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidPriceException(String message) {
        super(message);
    }
}
