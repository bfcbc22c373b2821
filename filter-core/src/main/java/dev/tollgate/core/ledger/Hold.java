package dev.tollgate.core.ledger;

/**
 * What holds a key, as {@link ReplayLedger#hold} reports it. A claim that came back
 * {@link ClaimResult#DUPLICATE} means either that the proof was used or that another request is still working
 * on it; only the second may succeed if asked again, so a payer must not be told "used" for it.
 */
public enum Hold {
    /** Its payment was settled: the proof is used. */
    SETTLED,
    /** A claim that was neither settled nor released yet (a request in progress, or one that died holding it). */
    CLAIMED,
    /** Nothing: released or lapsed since, the key can be claimed now. */
    NONE,
    /** This ledger cannot tell a claim from a settlement. */
    UNKNOWN
}
