package dev.tollgate.core.gate;

import dev.tollgate.core.verify.PaymentAttempt;
import java.math.BigInteger;

/** A decoded proof, matched to an offered option, with what the ledger needs to know about it. */
record MatchedProof(PaymentAttempt attempt, String ledgerKey, BigInteger validBefore, String payer) {
}
