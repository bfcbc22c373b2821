package dev.tollgate.core.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.gate.PaymentOption;
import dev.tollgate.core.wire.ExactEvmPayload;
import dev.tollgate.core.wire.ExactEvmPermit2Payload;
import dev.tollgate.core.wire.WireJson;
import java.util.Arrays;
import java.util.Objects;

/**
 * A decoded proof matched to the option it pays for: what verifiers and settlers are asked about.
 *
 * <p>The gate reads the usual proof straight from its JSON, without a tree; most verifiers never need one (an
 * in-process check reads {@link #evm()}), so {@link #paymentPayload()} is parsed from the client's bytes only
 * when first asked for, and {@link #paymentPayloadJson()} hands a facilitator the client's own bytes.
 */
public final class PaymentAttempt {
    private final int x402Version;
    private final byte[] payloadJson;
    private volatile JsonNode paymentPayload;
    private final Object requirements;
    private final PaymentOption option;
    private final ExactEvmPayload evm;
    private final ExactEvmPermit2Payload permit2;

    /**
     * @param x402Version    1 or 2
     * @param paymentPayload the proof exactly as the client sent it (forwarded to facilitators untouched)
     * @param requirements   the server's own requirement the proof was matched to ({@code PaymentRequirementsV1}
     *                       or {@code PaymentRequirements}), never the client's copy
     * @param option         the configured option behind {@code requirements}
     * @param evm            the EVM exact payload when the scheme has one, else null
     */
    public PaymentAttempt(int x402Version, JsonNode paymentPayload, Object requirements, PaymentOption option,
                          ExactEvmPayload evm) {
        this(x402Version, null, Objects.requireNonNull(paymentPayload, "paymentPayload"), requirements, option, evm);
    }

    private PaymentAttempt(int x402Version, byte[] payloadJson, JsonNode paymentPayload, Object requirements,
                           PaymentOption option, ExactEvmPayload evm) {
        this(x402Version, payloadJson, paymentPayload, requirements, option, evm, null);
    }

    private PaymentAttempt(int x402Version, byte[] payloadJson, JsonNode paymentPayload, Object requirements,
                           PaymentOption option, ExactEvmPayload evm, ExactEvmPermit2Payload permit2) {
        this.x402Version = x402Version;
        this.payloadJson = payloadJson;
        this.paymentPayload = paymentPayload;
        this.requirements = requirements;
        this.option = option;
        this.evm = evm;
        this.permit2 = permit2;
    }

    /**
     * This attempt carrying the Permit2 payload the gate read (and no EIP-3009 one): what an option whose
     * {@code assetTransferMethod} is permit2 is paid with.
     */
    public PaymentAttempt withPermit2(ExactEvmPermit2Payload permit2) {
        return new PaymentAttempt(x402Version, payloadJson, paymentPayload, requirements, option, null,
                Objects.requireNonNull(permit2, "permit2"));
    }

    /**
     * An attempt whose proof is kept as the client's JSON text, which must be exactly one well-formed JSON object
     * without duplicate names (the gate has read it through once before it calls this). The attempt keeps the
     * array itself: the caller must not change it afterwards.
     */
    public static PaymentAttempt ofJson(int x402Version, byte[] paymentPayloadJson, Object requirements,
                                        PaymentOption option, ExactEvmPayload evm) {
        return new PaymentAttempt(x402Version, Objects.requireNonNull(paymentPayloadJson), null, requirements, option, evm);
    }

    public int x402Version() {
        return x402Version;
    }

    /** The proof as a JSON tree (built on first use when the attempt holds the client's bytes). */
    public JsonNode paymentPayload() {
        JsonNode tree = paymentPayload;
        if (tree == null) {
            try {
                tree = WireJson.mapper().readTree(payloadJson);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("a proof the gate read could not be read again", e);
            }
            paymentPayload = tree;
        }
        return tree;
    }

    /** The proof's JSON as the client sent it, or the tree's serialization when it was made from a tree. */
    public byte[] paymentPayloadJson() {
        return payloadJson != null ? payloadJson.clone() : payloadJsonShared();
    }

    /** {@link #paymentPayloadJson()} without the defensive copy, for this package's writers, which only read it. */
    byte[] payloadJsonShared() {
        if (payloadJson != null) {
            return payloadJson;
        }
        try {
            return WireJson.mapper().writeValueAsBytes(paymentPayload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
    }

    public Object requirements() {
        return requirements;
    }

    public PaymentOption option() {
        return option;
    }

    /** The EIP-3009 payload when the scheme has one, else null (a Permit2 payment's is {@link #permit2()}). */
    public ExactEvmPayload evm() {
        return evm;
    }

    /** The Permit2 payload of an option whose asset transfer method is permit2, else null. */
    public ExactEvmPermit2Payload permit2() {
        return permit2;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PaymentAttempt a && x402Version == a.x402Version
                && (payloadJson != null && a.payloadJson != null ? Arrays.equals(payloadJson, a.payloadJson)
                        : paymentPayload().equals(a.paymentPayload()))
                && Objects.equals(requirements, a.requirements) && Objects.equals(option, a.option)
                && Objects.equals(evm, a.evm) && Objects.equals(permit2, a.permit2);
    }

    @Override
    public int hashCode() {
        return Objects.hash(x402Version, requirements, option, evm, permit2);
    }

    @Override
    public String toString() {
        return "PaymentAttempt[x402Version=" + x402Version + ", option=" + option + ", evm=" + evm
                + (permit2 == null ? "" : ", permit2=" + permit2) + "]";
    }
}
