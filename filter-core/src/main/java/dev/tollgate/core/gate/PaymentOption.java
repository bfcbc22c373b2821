package dev.tollgate.core.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.pricing.Network;
import dev.tollgate.core.wire.PaymentRequirements;
import dev.tollgate.core.wire.PaymentRequirementsV1;
import dev.tollgate.core.wire.WireJson;
import java.math.BigInteger;
import java.util.Objects;

/**
 * One way to pay for a route: scheme, network, exact amount of an asset, and who receives it. It renders
 * itself as a v1 and a v2 requirement; the v2 form does not depend on the request, so it is built once.
 */
public final class PaymentOption {
    public static final String SCHEME_EXACT = "exact";

    private final String scheme;
    private final Network network;
    private final BigInteger amount;
    private final String asset;
    private final String payTo;
    private final int maxTimeoutSeconds;
    private final ObjectNode extra;
    /** As configured; null when the option names none, which offers EIP-3009 with the offer written as before. */
    private final AssetTransferMethod assetTransferMethod;
    private final PaymentRequirements v2;
    /** What every exact-EVM ledger key of this option starts with: built once, not per paid request. */
    private final String ledgerKeyPrefix;
    /** The v2 requirement as the 402 writes it, which a client usually copies into {@code accepted} verbatim. */
    private final byte[] v2Json;

    public PaymentOption(String scheme, Network network, BigInteger amount, String asset, String payTo,
                         int maxTimeoutSeconds, String eip712Name, String eip712Version) {
        this(scheme, network, amount, asset, payTo, maxTimeoutSeconds, eip712Name, eip712Version, null);
    }

    /**
     * @param assetTransferMethod written as {@code extra.assetTransferMethod}; null names none (EIP-3009, the
     *                            specification's default). A Permit2 option needs no EIP-712 domain of the token
     *                            (Permit2 signs under its own), so its name and version may be null, and are then
     *                            left out of {@code extra}.
     */
    public PaymentOption(String scheme, Network network, BigInteger amount, String asset, String payTo,
                         int maxTimeoutSeconds, String eip712Name, String eip712Version,
                         AssetTransferMethod assetTransferMethod) {
        this.scheme = Objects.requireNonNull(scheme, "scheme");
        this.network = Objects.requireNonNull(network, "network");
        this.amount = Objects.requireNonNull(amount, "amount");
        this.asset = Objects.requireNonNull(asset, "asset");
        this.payTo = Objects.requireNonNull(payTo, "payTo");
        if (amount.signum() <= 0) {
            throw new IllegalArgumentException("amount must be positive");
        }
        if (maxTimeoutSeconds <= 0) {
            throw new IllegalArgumentException("maxTimeoutSeconds must be positive");
        }
        this.maxTimeoutSeconds = maxTimeoutSeconds;
        this.assetTransferMethod = assetTransferMethod;
        this.extra = JsonNodeFactory.instance.objectNode();
        if (assetTransferMethod != AssetTransferMethod.PERMIT2 || eip712Name != null || eip712Version != null) {
            extra.put("name", Objects.requireNonNull(eip712Name, "eip712Name"))
                    .put("version", Objects.requireNonNull(eip712Version, "eip712Version"));
        }
        if (assetTransferMethod != null) {
            extra.put("assetTransferMethod", assetTransferMethod.word());
        }
        this.v2 = new PaymentRequirements(scheme, network.caip2(), amount.toString(), asset, payTo,
                maxTimeoutSeconds, extra);
        // Permit2 refuses a second use of an owner's nonce whatever the token, so its keys name no asset; the
        // "permit2:" segment keeps them apart from EIP-3009 keys, whose asset is an address.
        this.ledgerKeyPrefix = "x402:" + network.caip2() + ":" + (assetTransferMethod == AssetTransferMethod.PERMIT2
                ? "permit2" : asset.toLowerCase(java.util.Locale.ROOT)) + ":";
        try {
            this.v2Json = WireJson.mapper().writeValueAsBytes(v2);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the v2 requirement", e);
        }
    }

    /** {@link #requirementsV2()}'s JSON; callers must not change the array. */
    byte[] requirementsV2Json() {
        return v2Json;
    }

    String ledgerKeyPrefix() {
        return ledgerKeyPrefix;
    }

    public PaymentRequirements requirementsV2() {
        return v2;
    }

    /**
     * The v1 requirement. An unset description or mime type is written as "", not left out: the v1 reference
     * clients and facilitators (x402 1.x for TypeScript and Python) read both as required strings, and refuse
     * the whole requirement without them, as the reference servers never send one without.
     */
    public PaymentRequirementsV1 requirementsV1(String resourceUrl, String description, String mimeType) {
        return new PaymentRequirementsV1(scheme, network.v1Name(), amount.toString(), resourceUrl,
                description == null ? "" : description, mimeType == null ? "" : mimeType, null, payTo,
                maxTimeoutSeconds, asset, extra.deepCopy());
    }

    public String scheme() {
        return scheme;
    }

    public Network network() {
        return network;
    }

    public BigInteger amount() {
        return amount;
    }

    public String asset() {
        return asset;
    }

    public String payTo() {
        return payTo;
    }

    public int maxTimeoutSeconds() {
        return maxTimeoutSeconds;
    }

    /** The token's EIP-712 name; null only for a Permit2 option configured without one. */
    public String eip712Name() {
        return extra.hasNonNull("name") ? extra.get("name").asText() : null;
    }

    /** The token's EIP-712 version; null only for a Permit2 option configured without one. */
    public String eip712Version() {
        return extra.hasNonNull("version") ? extra.get("version").asText() : null;
    }

    /** How a payment for this option moves the asset (EIP-3009 when the option names no method). */
    public AssetTransferMethod assetTransferMethod() {
        return assetTransferMethod == null ? AssetTransferMethod.EIP3009 : assetTransferMethod;
    }

    @Override
    public String toString() {
        return scheme + " " + amount + " of " + asset + " on " + network.v1Name() + " to " + payTo
                + (assetTransferMethod == null ? "" : " by " + assetTransferMethod);
    }
}
