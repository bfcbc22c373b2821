package dev.tollgate.core.gate;

import dev.tollgate.core.code.CodeIntentVerifier;
import dev.tollgate.core.code.CodeOption;
import dev.tollgate.core.code.CreatedIntent;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The gate's path for a Code payment: the {@value CodeOption#PROOF_HEADER} header names an intent, which
 * {@link CodeIntentVerifier} checks and claims. Refusals are 402s with the reason (pending included, so the
 * client can poll), an unreachable sequencer or store is a 503 with Retry-After. The intent is marked used
 * only after a successful handler, in either {@link SettlementMode}: {@code BEFORE} exists so that a costly
 * handler never runs unpaid, and a confirmed Code payment has been paid before the handler runs.
 */
final class CodeAdmission {
    static final String RECEIPT_NETWORK = "code";

    private final CodeIntentVerifier verifier;

    CodeAdmission(CodeIntentVerifier verifier) {
        this.verifier = verifier;
    }

    static boolean presented(RequestView view) {
        return !view.headers(CodeOption.PROOF_HEADER).isEmpty();
    }

    Decision check(PaymentGate gate, RequestView view, PaymentTerms terms, int x402Proofs) {
        List<String> ids = view.headers(CodeOption.PROOF_HEADER);
        CodeOption option = terms.code();
        if (option == null) {
            return gate.challenge(view, terms, "this resource does not accept Code payments ("
                    + CodeOption.PROOF_HEADER + ")");
        }
        if (ids.size() + x402Proofs > 1) {
            return gate.challenge(view, terms, "send exactly one payment header: " + CodeOption.PROOF_HEADER
                    + ", X-PAYMENT or PAYMENT-SIGNATURE");
        }
        if (verifier == null) {
            return gate.reject(view, 500, "Code payments are not configured on this server", null);
        }
        long start = System.nanoTime();
        String path = view.path();
        String id = ids.get(0).strip();
        CodeIntentVerifier.Verdict verdict;
        try {
            verdict = verifier.redeem(id, option);
        } catch (RuntimeException e) {
            // A broken store, ledger or API client supplied in code: answered like a failing x402 verifier, so the
            // adapter never sees an exception. Nothing is claimed: redeem claims only as its last step.
            gate.listener().rejected(path, 500, "verifier failed: " + e.getClass().getSimpleName());
            return new Decision.Reject(gate.answers.error(500, "payment verification failed", null),
                    "verifier failed");
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        if (verdict instanceof CodeIntentVerifier.Refused refused) {
            String reported = unspendable(refused.message(), id);
            gate.listener().verified(path, "Invalid", reported, latency);
            return gate.challenge(view, terms, refused.message(), reported);
        }
        if (verdict instanceof CodeIntentVerifier.Unavailable u) {
            if (u.store() != null) {
                // The store, not the sequencer, as the x402 path reports it. A Code payment is never redeemed
                // without its claim, whatever ledger.onUnavailable says: the request is not admitted.
                gate.listener().ledgerUnavailable(path, false, u.store().getMessage());
            } else {
                gate.listener().verified(path, "Unavailable", unspendable(u.message(), id), latency);
            }
            return gate.reject(view, 503, "Code payment verification unavailable, try again shortly", u.retryAfter());
        }
        if (verdict instanceof CodeIntentVerifier.Malfunction m) {
            gate.listener().verified(path, "Malfunction", unspendable(m.message(), id), latency);
            return gate.reject(view, 502, "Code sequencer answered incorrectly", null);
        }
        gate.listener().verified(path, "Valid", null, latency);
        CodeIntentVerifier.Redemption redemption = ((CodeIntentVerifier.Redeemable) verdict).redemption();
        CreatedIntent intent = redemption.intent();
        // x402Version 0: not an x402 payment. The intent id stands in for a transaction: it is what the
        // sequencer knows the payment by.
        PaymentReceipt receipt = new PaymentReceipt(0, CodeOption.SCHEME, RECEIPT_NETWORK, intent.currency().code(),
                intent.amount().toPlainString(), intent.destination(), null, null);
        PaymentSession session = new PaymentSession(terms, receipt, r -> {
            gate.listener().settled(path, r, true, intent.id(), Duration.ZERO);
            return new Completion.Deliver(Map.of(), intent.id());
        }, redemption::release, redemption::settle, gate.listener(), path);
        session.endsWithLedgerOf(gate);
        // No settleNow() for SettlementMode.BEFORE: the payment is final already, so marking it used early
        // protects nothing and would use it up for a handler that then fails.
        gate.listener().admitted(path, session.receipt());
        return new Decision.Admit(session);
    }

    /**
     * {@code text} as the listener may have it: an intent id is the whole proof of a Code payment, and one refused
     * as pending, or for another route, can still pay, so whoever reads the log must not be able to present it
     * before its payer does. Its first characters are kept to match a payer's report. The client's own answer
     * keeps it whole.
     */
    static String unspendable(String text, String intentId) {
        if (text == null || intentId.length() <= 8) {
            return text;
        }
        return text.replace(intentId, intentId.substring(0, 6) + "…");
    }
}
