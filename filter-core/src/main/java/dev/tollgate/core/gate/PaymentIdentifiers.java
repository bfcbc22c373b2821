package dev.tollgate.core.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.ledger.IdentifierRecord;
import dev.tollgate.core.ledger.LedgerUnavailableException;
import dev.tollgate.core.ledger.PaymentIdentifierStore;
import dev.tollgate.core.wire.SettleResponse;
import dev.tollgate.core.wire.WireJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * The x402 v2 {@code payment-identifier} extension (coinbase/x402 {@code specs/extensions/payment_identifier.md}):
 * a client puts an idempotency key in its payload's {@code extensions["payment-identifier"].info.id} and reuses
 * it when it retries. Per id, the store keeps the SHA-256 of the canonical payload with the request's method and
 * path and, once the request is over, its outcome:
 * <ul>
 *   <li>new id: the request goes through the gate as usual, the id held "in progress" meanwhile;</li>
 *   <li>same id, same payload, settled: the request is admitted again <em>without verifying or settling
 *       again</em>; the handler runs and the answer carries the stored settlement headers. The spec asks for the
 *       cached response; Tollgate caches no bodies, so it regenerates the response for the same resource. This is
 *       no free content: the payload with the request's method and path pins the resource, the amount and a
 *       single on-chain authorization that was paid for this very request, whose client evidently did not get
 *       (or lost) the answer. Answering 402
 *       instead would leave a client who paid without what it paid for. Repeats are bounded by
 *       {@code paymentIdentifier.ttl}; a handler with side effects must itself be idempotent;</li>
 *   <li>same id, same payload, settlement refused by the facilitator: the same 402 with the same failed
 *       {@code PAYMENT-RESPONSE}, without asking the facilitator again (a new attempt takes a new id);</li>
 *   <li>same id, same payload, still in progress: 409 with {@code Retry-After} (never a second settlement);</li>
 *   <li>same id, different payload, or the same payload for another method or path: 409 Conflict, as the spec
 *       says;</li>
 *   <li>no id while the server requires one: 400 Bad Request, as the spec says.</li>
 * </ul>
 * Anything that ends a request without a definitive result (invalid proof, replayed proof, facilitator
 * unavailable, handler error) frees the id, so the client may retry it.
 */
final class PaymentIdentifiers {
    static final String EXTENSION = "payment-identifier";
    static final String REASON_INVALID = "invalid_payment_identifier";
    static final String REASON_REQUIRED = "payment_identifier_required";
    static final String REASON_CONFLICT = "payment_identifier_conflict";
    static final String REASON_IN_PROGRESS = "payment_identifier_in_progress";
    /** The spec's format: 16 to 128 of letters, digits, hyphen and underscore. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{16,128}");
    private static final Duration IN_PROGRESS_RETRY = Duration.ofSeconds(1);

    private final PaymentGate gate;
    private final PaymentIdentifierStore store;
    private final PaymentIdentifierPolicy policy;
    private final Clock clock;

    PaymentIdentifiers(PaymentGate gate, PaymentIdentifierStore store, PaymentIdentifierPolicy policy, Clock clock) {
        this.gate = gate;
        this.store = Objects.requireNonNull(store, "store");
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * The declaration in {@code PaymentRequired.extensions}: whether an id is required, and the schema of
     * {@code info} as the extension's specification gives it. {@code required} is the one required property; the
     * id is not, since the declaration itself has none and a client may pay without one unless it is required.
     */
    static ObjectNode declaration(boolean required) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.putObject("info").put("required", required);
        ObjectNode schema = d.putObject("schema");
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema").put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("required").put("type", "boolean");
        properties.putObject("id").put("type", "string").put("minLength", 16)
                .put("maxLength", 128).put("pattern", "^[a-zA-Z0-9_-]+$");
        schema.putArray("required").add("required");
        return d;
    }

    /**
     * Either an answer to give now, or the request goes on with {@code ticket} (null: no id to track);
     * {@code storeDown}: the store was unreachable, and that was reported already (failing open).
     */
    record Step(Decision answer, Ticket ticket, boolean storeDown) {
        Step(Decision answer, Ticket ticket) {
            this(answer, ticket, false);
        }
    }

    Step begin(RequestView view, PaymentTerms terms, MatchedProof proof, Instant until) {
        JsonNode payload = proof.attempt().paymentPayload();
        String id;
        try {
            id = read(payload);
        } catch (Refusal r) {
            return new Step(gate.challenge(view, terms, r.getMessage()), null);
        }
        if (id == null) {
            // The extension's specification answers this 400 Bad Request: a 402 would read as "pay again".
            return policy.mode() == PaymentIdentifierPolicy.Mode.REQUIRED
                    ? new Step(gate.reject(view, 400, REASON_REQUIRED + ": this resource requires an id in the "
                            + EXTENSION + " extension of the payment payload", null), null)
                    : new Step(null, null);
        }
        // The payload's resource is optional, and its accepted requirement is the same for every resource of the
        // same terms: the payload alone does not pin what was paid for. The request's method and path do, so they
        // are fingerprinted with it; otherwise one settled id would replay as payment for every such resource.
        String fingerprint = ProofMatcher.sha256(view.method() + ' ' + view.path() + '\n'
                + ProofMatcher.canonical(payload));
        IdentifierRecord existing;
        try {
            existing = store.begin(id, fingerprint, until);
        } catch (LedgerUnavailableException e) {
            // Failing open, the request goes on without idempotency: the ledger (if it is back) or the
            // facilitator's nonce check still stop a second payment with this payload.
            Decision closed = gate.ledgerUnavailable(view, e);
            return new Step(closed, null, closed == null);
        }
        if (existing == null) {
            return new Step(null, new Ticket(id, fingerprint, until));
        }
        if (!existing.fingerprint().equals(fingerprint)) {
            return new Step(gate.reject(view, 409, REASON_CONFLICT
                    + ": this payment identifier was already used with a different payment payload or for another"
                    + " resource", null), null);
        }
        if (existing.inProgress()) {
            return new Step(gate.reject(view, 409, REASON_IN_PROGRESS
                    + ": a request with this payment identifier is still in progress", IN_PROGRESS_RETRY), null);
        }
        return new Step(replay(view, terms, proof, existing.outcome()), null);
    }

    /** The id in the payload's extensions, null if none (or no id in it); refused if present but malformed. */
    static String read(JsonNode payload) throws Refusal {
        JsonNode ext = payload.path("extensions").get(EXTENSION);
        if (ext == null || ext.isNull()) {
            return null;
        }
        JsonNode id = ext.path("info").get("id");
        if (id == null) {
            // The reference v2 client copies the 402's extensions into its payload whether or not it implements
            // them: the declaration sent back without an id is a payload without an identifier, not a bad one.
            return null;
        }
        if (!id.isTextual()) {
            throw new Refusal(REASON_INVALID + ": extensions." + EXTENSION + ".info.id must be a string");
        }
        if (!ID.matcher(id.textValue()).matches()) {
            throw new Refusal(REASON_INVALID + ": the id must be 16 to 128 letters, digits, '-' or '_'");
        }
        return id.textValue();
    }

    private Decision replay(RequestView view, PaymentTerms terms, MatchedProof proof, String outcome) {
        JsonNode o;
        try {
            o = WireJson.mapper().readTree(outcome);
        } catch (java.io.IOException | RuntimeException e) {
            o = null;
        }
        PaymentOption option = proof.attempt().option();
        if (o == null || !o.path("settled").isBoolean()) {
            return gate.reject(view, 409, REASON_CONFLICT + ": the stored outcome of this payment identifier is unreadable",
                    null);
        }
        String payer = o.path("payer").textValue();
        if (o.path("settled").booleanValue()) {
            Map<String, String> headers = new LinkedHashMap<>();
            o.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
            String tx = o.path("transaction").textValue();
            Completion.Deliver stored = new Completion.Deliver(headers, tx);
            PaymentReceipt receipt = new PaymentReceipt(2, option.scheme(), option.network().caip2(), option.asset(),
                    option.amount().toString(), option.payTo(), payer, tx);
            // Settled already: "settling" hands back the stored headers; nothing is claimed, so nothing to release.
            PaymentSession session = new PaymentSession(terms, receipt, r -> stored, () -> { }, () -> { },
                    gate.listener(), view.path());
            if (terms.settlement() == SettlementMode.BEFORE) {
                session.settleNow();
            }
            gate.listener().retried(view.path(), session.receipt());
            return new Decision.Admit(session);
        }
        String reason = o.path("reason").asText("settlement_failed");
        gate.listener().challenged(view.path(), reason);
        return new Decision.Challenge(gate.answers.challenge(view, terms, reason,
                SettleResponse.failure(reason, option.network().caip2(), payer), option), reason);
    }

    /** The id a request took; ends exactly once, with an outcome or by freeing it. */
    final class Ticket {
        private final String id;
        private final String fingerprint;
        /**
         * The expiry its begin gave the mark: an abandon frees, and a finish writes over, that mark only, never a
         * later request's.
         */
        private final Instant until;
        private final AtomicBoolean ended = new AtomicBoolean();

        private Ticket(String id, String fingerprint, Instant until) {
            this.id = id;
            this.fingerprint = fingerprint;
            this.until = until;
        }

        /** After settlement: a delivered payment or a facilitator's refusal is kept; anything else frees the id. */
        void settled(Completion c, PaymentReceipt receipt) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            if (c instanceof Completion.Deliver d) {
                // "settled" first: the store tells a paid outcome by its start (PaymentIdentifierStore.PAID).
                o.put("settled", true).put("transaction", d.transaction()).put("payer", receipt.payer());
                ObjectNode headers = o.putObject("headers");
                d.headers().forEach(headers::put);
            } else if (c instanceof Completion.Withhold w && w.answer().status() == 402
                    // Pending is no refusal: a retry must reach the facilitator, which may have confirmed it.
                    && !SettleResponse.SETTLEMENT_PENDING.equals(w.reason())) {
                o.put("settled", false).put("reason", w.reason()).put("payer", receipt.payer());
            } else {
                abandon();
                return;
            }
            if (ended.compareAndSet(false, true)) {
                try {
                    store.finish(id, fingerprint, until, o.toString(), clock.instant().plus(policy.ttl()));
                } catch (LedgerUnavailableException e) {
                    // The in-progress entry lapses at its expiry; a retry then meets the ledger's settled proof.
                }
            }
        }

        void abandon() {
            if (ended.compareAndSet(false, true)) {
                try {
                    store.abandon(id, fingerprint, until);
                } catch (LedgerUnavailableException e) {
                    // The shared stores free it once they are reachable again; otherwise it lapses at its expiry.
                }
            }
        }
    }
}
