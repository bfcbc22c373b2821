package dev.tollgate.core.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.evm.EvmAddress;
import dev.tollgate.core.evm.ExactEvmJson;
import dev.tollgate.core.evm.ExactEvmPayment;
import dev.tollgate.core.evm.ExactEvmRequirement;
import dev.tollgate.core.evm.ExactEvmVerification;
import dev.tollgate.core.evm.LocalExactEvmVerifier;
import dev.tollgate.core.pricing.Network;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.verify.PaymentAttempt;
import dev.tollgate.core.verify.PaymentSettler;
import dev.tollgate.core.verify.PaymentVerifier;
import dev.tollgate.core.verify.SettleOutcome;
import dev.tollgate.core.verify.VerifyOutcome;
import dev.tollgate.core.wire.FacilitatorRequest;
import dev.tollgate.core.wire.SettleResponse;
import dev.tollgate.core.wire.VerifyResponse;
import dev.tollgate.core.wire.WireJson;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * A development facilitator for the exact scheme on EVM: the standard facilitator API ({@code /verify},
 * {@code /settle}, {@code /supported}, x402 v1 and v2 bodies) answered in-process, with the local signature
 * checks and a {@link SimulatedLedger} in place of the chain. <b>Settlement is simulated: no money moves.</b>
 *
 * <p>Its core is JSON in, JSON out ({@link #verify(byte[])}, {@link #settle(byte[])}, {@link #supported()}), so
 * any HTTP layer can serve it; it is also a {@link PaymentVerifier} and {@link PaymentSettler} for use without
 * HTTP at all. Verify = the local checks, then the simulated nonce and balance; settle = verify again, then
 * the simulated transfer, so a second settlement of one authorization fails as it would on chain.
 */
public final class DevFacilitator implements PaymentVerifier, PaymentSettler {

    /** What to answer: an HTTP status and a JSON body. */
    public record Answer(int status, JsonNode body) {
    }

    public static final String REASON_INVALID_PAYLOAD = "invalid_payload";
    public static final String REASON_INVALID_REQUIREMENTS = "invalid_payment_requirements";
    public static final String REASON_INVALID_VERSION = "invalid_x402_version";
    public static final String REASON_INVALID_NETWORK = "invalid_network";
    public static final String REASON_UNSUPPORTED_ASSET_TRANSFER_METHOD = "unsupported_asset_transfer_method";

    /** Request bodies above this are refused unread. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final SimulatedLedger ledger;
    private final NetworkRegistry networks;
    private final LocalExactEvmVerifier verifier;
    private final ObjectMapper json = WireJson.mapper();

    /**
     * @param clock judges validBefore and validAfter; give {@code ledger} the same one, as it judges validBefore too
     */
    public DevFacilitator(SimulatedLedger ledger, NetworkRegistry networks, Clock clock) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.networks = Objects.requireNonNull(networks, "networks");
        this.verifier = new LocalExactEvmVerifier(clock);
    }

    /**
     * A facilitator over a fresh ledger in which the demo payer holds {@link DemoAccounts#DEMO_FUNDS} of every
     * network's default token.
     */
    public static DevFacilitator withDemoFunds(NetworkRegistry networks, Clock clock) {
        SimulatedLedger ledger = new SimulatedLedger(clock);
        for (Network n : networks.all()) {
            ledger.fund(token(n, n.usdcAddress()), DemoAccounts.DEMO_PAYER, DemoAccounts.DEMO_FUNDS);
        }
        return new DevFacilitator(ledger, networks, clock);
    }

    public SimulatedLedger ledger() {
        return ledger;
    }

    /** {@code GET /supported}: exact on every known network, under both protocol versions. */
    public JsonNode supported() {
        ObjectNode body = json.createObjectNode();
        ArrayNode kinds = body.putArray("kinds");
        for (Network n : networks.all()) {
            kinds.addObject().put("x402Version", 1).put("scheme", "exact").put("network", n.v1Name());
        }
        for (Network n : networks.all()) {
            kinds.addObject().put("x402Version", 2).put("scheme", "exact").put("network", n.caip2());
        }
        body.putArray("extensions");
        body.putObject("signers");
        return body;
    }

    /** {@code POST /verify} with the raw request body. */
    public Answer verify(byte[] body) {
        Optional<JsonNode> request = read(body);
        return request.isPresent() ? verify(request.get())
                : new Answer(400, tree(new VerifyResponse(false, REASON_INVALID_PAYLOAD,
                        "request body must be a JSON object of at most " + MAX_REQUEST_BYTES + " bytes", null)));
    }

    /** {@code POST /settle} with the raw request body. */
    public Answer settle(byte[] body) {
        Optional<JsonNode> request = read(body);
        return request.isPresent() ? settle(request.get())
                : new Answer(400, tree(SettleResponse.failure(REASON_INVALID_PAYLOAD, null, null)));
    }

    /** {@code POST /verify}: {@code {x402Version, paymentPayload, paymentRequirements}}. */
    public Answer verify(JsonNode request) {
        Checked c = check(request);
        return new Answer(c.status, tree(new VerifyResponse(c.reason == null, c.reason, c.message, c.payer)));
    }

    /** {@code POST /settle}: verifies again, then transfers in the simulated ledger. */
    public Answer settle(JsonNode request) {
        Checked c = check(request);
        if (c.reason != null) {
            return new Answer(c.status, tree(SettleResponse.failure(c.reason, c.network, c.payer)));
        }
        try {
            SimulatedLedger.Transfer t = ledger.transferWithAuthorization(c.token, c.payment.authorization());
            return new Answer(200, tree(new SettleResponse(true, null, t.transaction(), c.network, c.payer)));
        } catch (SimulatedLedger.Revert r) {
            // Lost a race with a concurrent settlement of the same authorization, or the balance ran out.
            return new Answer(200, tree(SettleResponse.failure(r.reason(), c.network, c.payer)));
        }
    }

    @Override
    public VerifyOutcome verify(PaymentAttempt attempt) {
        VerifyResponse r = json.convertValue(verify(request(attempt)).body(), VerifyResponse.class);
        return r.isValid()
                ? new VerifyOutcome.Valid(r.payer(), null, "dev facilitator: balance and nonce checked in a SIMULATED ledger")
                : new VerifyOutcome.Invalid(r.invalidReason(), r.invalidMessage());
    }

    @Override
    public SettleOutcome settle(PaymentAttempt attempt) {
        SettleResponse r = json.convertValue(settle(request(attempt)).body(), SettleResponse.class);
        return r.success() ? new SettleOutcome.Settled(r) : new SettleOutcome.Failed(r);
    }

    private JsonNode request(PaymentAttempt attempt) {
        return tree(new FacilitatorRequest(attempt.x402Version(), attempt.paymentPayload(), attempt.requirements()));
    }

    /** The verification every endpoint starts with; {@code reason} null means valid. */
    private Checked check(JsonNode request) {
        Checked c = new Checked();
        JsonNode version = request.path("x402Version");
        JsonNode payload = request.path("paymentPayload");
        JsonNode requirements = request.path("paymentRequirements");
        c.network = requirements.path("network").isTextual() ? requirements.path("network").asText() : null;
        JsonNode from = payload.path("payload").path("authorization").path("from");
        c.payer = from.isTextual() ? from.asText() : null;
        if (!version.isInt() || (version.intValue() != 1 && version.intValue() != 2)) {
            return c.malformed(REASON_INVALID_VERSION, "x402Version must be 1 or 2");
        }
        if (!payload.isObject() || !requirements.isObject()) {
            return c.malformed(REASON_INVALID_PAYLOAD, "paymentPayload and paymentRequirements must be objects");
        }
        if (!payload.path("x402Version").isInt() || payload.path("x402Version").intValue() != version.intValue()) {
            return c.malformed(REASON_INVALID_VERSION, "paymentPayload.x402Version must equal x402Version "
                    + version.intValue());
        }
        Optional<Network> network = networks.find(c.network);
        if (network.isEmpty()) {
            return c.refused(REASON_INVALID_NETWORK, "unsupported network " + c.network);
        }
        ExactEvmRequirement requirement;
        try {
            requirement = ExactEvmJson.requirement(requirements, network.get().chainId());
        } catch (IllegalArgumentException e) {
            return c.malformed(REASON_INVALID_REQUIREMENTS, e.getMessage());
        }
        JsonNode method = requirements.path("extra").path("assetTransferMethod");
        if (method.isTextual() && !"eip3009".equals(method.asText())) {
            // Its simulated chain moves tokens by transferWithAuthorization alone; a Permit2 payment it cannot make.
            JsonNode permit2From = payload.path("payload").path("permit2Authorization").path("from");
            c.payer = permit2From.isTextual() ? permit2From.asText() : c.payer;
            return c.refused(REASON_UNSUPPORTED_ASSET_TRANSFER_METHOD, "the dev facilitator simulates EIP-3009"
                    + " transfers only, not assetTransferMethod " + (method.asText().matches("[A-Za-z0-9_-]{1,32}")
                    ? method.asText() : "(unknown)") + "; a route offering permit2 needs a real x402 facilitator");
        }
        try {
            c.payment = ExactEvmJson.payment(payload);
        } catch (IllegalArgumentException e) {
            return c.malformed(REASON_INVALID_PAYLOAD, e.getMessage());
        }
        ExactEvmVerification local = verifier.verify(requirement, c.payment);
        c.payer = local.payer();
        if (!local.valid()) {
            return c.refused(local.invalidReason(), local.invalidMessage());
        }
        c.token = new SimulatedLedger.Token(requirement.chainId(), requirement.asset());
        try {
            ledger.check(c.token, c.payment.authorization());
        } catch (SimulatedLedger.Revert r) {
            return c.refused(r.reason(), r.getMessage());
        }
        return c;
    }

    private Optional<JsonNode> read(byte[] body) {
        if (body == null || body.length > MAX_REQUEST_BYTES) {
            return Optional.empty();
        }
        try {
            JsonNode node = json.readTree(body);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private JsonNode tree(Object value) {
        return json.valueToTree(value);
    }

    static SimulatedLedger.Token token(Network network, String asset) {
        return new SimulatedLedger.Token(network.chainId(), EvmAddress.parse(asset));
    }

    /** Funds {@code holder} with {@code amount} of {@code asset} on {@code network} (for example a custom token). */
    public void fund(Network network, String asset, EvmAddress holder, BigInteger amount) {
        ledger.fund(token(network, asset), holder, amount);
    }

    private static final class Checked {
        int status = 200;
        String reason;
        String message;
        String network;
        String payer;
        ExactEvmPayment payment;
        SimulatedLedger.Token token;

        Checked malformed(String r, String m) {
            status = 400;
            return refused(r, m);
        }

        Checked refused(String r, String m) {
            reason = r;
            message = m;
            return this;
        }
    }
}
