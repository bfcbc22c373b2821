package dev.tollgate.core.ledger;

import java.util.Objects;

/**
 * What a {@link PaymentIdentifierStore} holds for one id: the fingerprint of the payload it was first sent with,
 * and the outcome once that request is over ({@code null} while it is still in progress).
 */
public record IdentifierRecord(String fingerprint, String outcome) {
    public IdentifierRecord {
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    public boolean inProgress() {
        return outcome == null;
    }
}
