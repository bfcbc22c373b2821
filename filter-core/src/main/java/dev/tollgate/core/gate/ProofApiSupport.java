package dev.tollgate.core.gate;

import dev.tollgate.core.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.verify.ProofApiCode;
import dev.tollgate.core.verify.VerifiedPayment;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.wire.SettleResponse;
import dev.tollgate.core.wire.WireJson;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What the gate does differently when its facilitator speaks the proof-API dialect: it also reads the
 * dialect's {@code x-402-payment} header, adds the dialect's fields to every 402 body, checks what the
 * facilitator says was paid against the route's terms, and keys the ledger by the paid transaction.
 *
 * <p><b>The body's {@code error}.</b> The x402 v1 body and the dialect's 402 both have an {@code error}
 * field, and one JSON object can hold only one. On a proof-API gate it takes the dialect's wording
 * ({@code "Payment required"}, {@code "Invalid payment"}), which the dialect's clients test for; x402 v1
 * clients treat {@code error} as free text and act on {@code accepts}, which is unchanged. The precise reason
 * is kept: in {@code details} and {@code code} for the dialect's clients, and in the v2
 * {@code PAYMENT-REQUIRED} header's {@code error}, which is not touched.
 */
public final class ProofApiSupport {
    /** The dialect's proof header (header names are case-insensitive). */
    public static final String HEADER = "x-402-payment";
    static final String PAYMENT_REQUIRED = "Payment required";
    static final String INVALID_PAYMENT = "Invalid payment";
    /** The x402 version an opaque proof's attempt carries: it has none. */
    private static final int OPAQUE = 0;
    /** The longest amount a facilitator's answer may write ("1000000.000000" is 14). */
    private static final int MAX_AMOUNT_CHARS = 64;

    private final URI facilitator;
    private final int maxProofBytes;

    /**
     * @param facilitator    the base URL clients are told about in the 402 body
     * @param maxProofBytes  the longest {@code x-402-payment} value read
     */
    public ProofApiSupport(URI facilitator, int maxProofBytes) {
        this.facilitator = Objects.requireNonNull(facilitator, "facilitator");
        this.maxProofBytes = maxProofBytes;
    }

    public URI facilitator() {
        return facilitator;
    }

    /**
     * An opaque proof, asked about on the route's first option's network first: the dialect's {@code /verify}
     * takes one network, and the proof does not say which. {@link #otherNetworks} are asked next, and the
     * facilitator's answer picks the option it pays ({@link #optionPaid}). Keyed by a digest of the proof until
     * verification names its transaction.
     */
    MatchedProof match(String header, PaymentTerms terms) throws Refusal {
        String proof = header == null ? "" : header.strip();
        if (proof.isEmpty()) {
            throw new Refusal(HEADER + " is empty");
        }
        if (proof.length() > maxProofBytes) {
            throw new Refusal(HEADER + " is larger than " + maxProofBytes + " bytes");
        }
        for (int i = 0; i < proof.length(); i++) {
            char c = proof.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new Refusal(HEADER + " must be printable ASCII without spaces");
            }
        }
        PaymentOption o = terms.options().get(0);
        return new MatchedProof(attempt(TextNode.valueOf(proof), o),
                "proof-api:" + o.network().v1Name() + ":proof:" + sha256(proof), null, null);
    }

    /** Whether the attempt carries the dialect's own opaque proof (not an x402 payload, which names its option). */
    static boolean opaque(PaymentAttempt attempt) {
        return attempt.x402Version() == OPAQUE;
    }

    /** The same opaque proof asked about on another option. */
    static PaymentAttempt attempt(PaymentAttempt opaque, PaymentOption o) {
        return attempt(opaque.paymentPayload(), o);
    }

    private static PaymentAttempt attempt(JsonNode proof, PaymentOption o) {
        return new PaymentAttempt(OPAQUE, proof, o.requirementsV2(), o, null);
    }

    /** One option for each further network the route takes, in the route's order, after {@code asked}'s. */
    static List<PaymentOption> otherNetworks(PaymentTerms terms, PaymentOption asked) {
        Set<String> seen = new HashSet<>();
        seen.add(asked.network().v1Name());
        List<PaymentOption> others = new ArrayList<>();
        for (PaymentOption o : terms.options()) {
            if (seen.add(o.network().v1Name())) {
                others.add(o);
            }
        }
        return others;
    }

    /**
     * Whether a refusal on one network leaves the payment possibly made on another: the facilitator did not find
     * it there, or does not take that network. Any other refusal is about the payment itself.
     */
    static boolean mayBeOnAnotherNetwork(VerifyOutcome outcome) {
        if (!(outcome instanceof VerifyOutcome.Invalid invalid)) {
            return false;
        }
        ProofApiCode code = ProofApiCode.ofReason(invalid.reason());
        return code == ProofApiCode.PAYMENT_NOT_FOUND || code == ProofApiCode.INVALID_NETWORK;
    }

    /** The route's option a verified payment pays: its network, exactly its price; null when none is. */
    static PaymentOption optionPaid(VerifiedPayment paid, PaymentTerms terms) {
        for (PaymentOption o : terms.options()) {
            if (mismatch(paid, o) == null) {
                return o;
            }
        }
        return null;
    }

    /**
     * Why a verified payment pays none of the route's options: measured against the first option on its network,
     * or, when the route takes no such network, against the networks it takes.
     */
    static String mismatch(VerifiedPayment paid, PaymentTerms terms) {
        for (PaymentOption o : terms.options()) {
            if (onNetwork(paid, o)) {
                return mismatch(paid, o);
            }
        }
        StringJoiner networks = new StringJoiner(" or ");
        for (PaymentOption o : terms.options()) {
            networks.add(o.network().v1Name());
        }
        return ProofApiCode.INVALID_NETWORK.reason() + ": paid on " + paid.network() + ", this resource takes "
                + networks;
    }

    /**
     * Whether the facilitator's "valid" pays this option: same network, to its payTo when the facilitator names a
     * recipient, and exactly the price (a decimal amount of the network's USDC, compared in its atomic units). Null
     * when it does; else the reason. The dialect reports USDC amounts only, so an option priced in another token is
     * never paid (start-up refuses one).
     */
    static String mismatch(VerifiedPayment paid, PaymentOption o) {
        if (!onNetwork(paid, o)) {
            return ProofApiCode.INVALID_NETWORK.reason() + ": paid on " + paid.network() + ", this resource takes "
                    + o.network().v1Name();
        }
        if (paid.recipient() != null && !samePayee(paid.recipient(), o.payTo())) {
            return ProofApiCode.RECIPIENT_MISMATCH.reason() + ": paid to " + paid.recipient()
                    + ", this resource's payTo is " + o.payTo();
        }
        if (!o.asset().equalsIgnoreCase(o.network().usdcAddress())) {
            return ProofApiCode.AMOUNT_MISMATCH.reason() + ": paid " + paid.amount() + " USDC, this resource is priced"
                    + " in token " + o.asset();
        }
        String text = paid.amount().strip();
        BigDecimal units;
        try {
            if (text.length() > MAX_AMOUNT_CHARS) {
                throw new NumberFormatException(); // no amount is written this long; its digits would cost below
            }
            // scaleByPowerOfTen, not movePointRight: that one gives a negative scale up as zero, which writes
            // out every digit of an exponent.
            units = new BigDecimal(text).scaleByPowerOfTen(o.network().decimals());
        } catch (NumberFormatException | ArithmeticException e) {
            return ProofApiCode.AMOUNT_MISMATCH.reason() + ": paid " + paid.amount() + ", price is "
                    + price(o);
        }
        // Compared as decimals, never made an exact integer: the facilitator's "1e20000000" (or "1e-20000000")
        // would cost a BigInteger of tens of millions of bits, and the request thread seconds to minutes of work,
        // before any comparison. A fraction of an atomic unit pays no price.
        if (units.stripTrailingZeros().scale() > 0) {
            return ProofApiCode.AMOUNT_MISMATCH.reason() + ": paid " + paid.amount() + ", price is "
                    + price(o);
        }
        int c = units.compareTo(new BigDecimal(o.amount()));
        if (c < 0) {
            return ProofApiCode.INSUFFICIENT_AMOUNT.reason() + ": paid " + paid.amount() + ", price is " + price(o);
        }
        if (c > 0) {
            return ProofApiCode.AMOUNT_MISMATCH.reason() + ": paid " + paid.amount() + ", price is " + price(o);
        }
        return null;
    }

    /** The single-use key of a verified payment: its network and the facilitator's transaction id. */
    static String transactionKey(VerifiedPayment paid, PaymentOption o) {
        return "proof-api:" + o.network().v1Name() + ":tx:" + paid.transactionId();
    }

    static PaymentReceipt receipt(PaymentAttempt attempt, VerifiedPayment paid) {
        PaymentOption o = attempt.option();
        return new PaymentReceipt(attempt.x402Version(), o.scheme(), o.network().v1Name(), o.asset(),
                o.amount().toString(), o.payTo(), null, paid.transactionId());
    }

    /** A settlement that reported no transaction of its own reports the one verification found. */
    static SettleResponse withTransaction(SettleResponse r, PaymentReceipt receipt) {
        if ((r.transaction() == null || r.transaction().isBlank()) && receipt.transaction() != null) {
            return new SettleResponse(r.success(), r.errorReason(), receipt.transaction(), r.network(), r.payer());
        }
        return r;
    }

    /** The x402 v1 body with the dialect's fields; see the class comment on {@code error}. */
    ObjectNode body(Object v1Body, String reason) {
        ObjectNode body = WireJson.mapper().valueToTree(v1Body);
        if (reason == null) {
            body.put("error", PAYMENT_REQUIRED);
            body.put("facilitator", facilitator.toString());
        } else {
            ProofApiCode code = ProofApiCode.ofReason(reason);
            body.put("error", INVALID_PAYMENT);
            body.put("details", reason.equals(code.reason()) ? code.description() : reason);
            body.put("code", code.name());
            body.put("facilitator", facilitator.toString());
        }
        return body;
    }

    /** EVM addresses are hex, whose case is only a checksum; other chains' (base58) are compared exactly. */
    private static boolean samePayee(String recipient, String payTo) {
        String r = recipient.strip();
        return r.startsWith("0x") && payTo.startsWith("0x") ? r.equalsIgnoreCase(payTo) : r.equals(payTo);
    }

    private static boolean onNetwork(VerifiedPayment paid, PaymentOption o) {
        String n = paid.network().strip().toLowerCase(Locale.ROOT);
        return n.equals(o.network().v1Name().toLowerCase(Locale.ROOT))
                || n.equals(o.network().caip2().toLowerCase(Locale.ROOT));
    }

    private static String price(PaymentOption o) {
        return new BigDecimal(o.amount()).movePointLeft(o.network().decimals()).stripTrailingZeros().toPlainString();
    }

    private static String sha256(String s) {
        return Sha256.hex(s.getBytes(StandardCharsets.US_ASCII));
    }
}
