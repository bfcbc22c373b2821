package dev.tollgate.core.ledger;

public enum ClaimResult {
    CLAIMED,
    DUPLICATE
}
