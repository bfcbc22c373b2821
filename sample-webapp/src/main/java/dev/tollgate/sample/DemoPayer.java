package dev.tollgate.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.dev.DemoAccounts;
import dev.tollgate.core.evm.Eip3009Signer;
import dev.tollgate.core.evm.Eip712Domain;
import dev.tollgate.core.evm.EvmAddress;
import dev.tollgate.core.evm.EvmPrivateKey;
import dev.tollgate.core.evm.ExactEvmAuthorization;
import dev.tollgate.core.evm.Hex;
import dev.tollgate.core.pricing.Network;
import dev.tollgate.core.pricing.NetworkRegistry;
import dev.tollgate.core.wire.X402Headers;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A minimal x402 client for the five-minute tour: fetches the 402, picks the exact-EVM offer, signs a real
 * EIP-3009 authorization with the published demo key ({@link DemoAccounts}: worthless, funded only in the dev
 * facilitator's simulated ledger) and retries with {@code PAYMENT-SIGNATURE} (v2, default) or
 * {@code X-PAYMENT} (v1). Run as {@code java -jar tollgate-sample.jar pay URL [--v1|--v2] [--replay]}.
 */
public final class DemoPayer {
    static final String USAGE = """
            usage: java -jar tollgate-sample.jar pay URL [--v1|--v2] [--replay]
              --v2      pay the v2 offer of the PAYMENT-REQUIRED header with PAYMENT-SIGNATURE (default)
              --v1      pay the v1 offer of the 402 body with X-PAYMENT
              --replay  then send the very same payment again (it must be refused)
            Signs with the published demo key (payer %s): worthless, funded only in the
            sample's dev facilitator. Never send it anything on a real chain.""".formatted(
            DemoAccounts.DEMO_PAYER.toChecksumHex());

    /** Validity reference clients give an authorization before now, against clock skew. */
    static final long VALID_AFTER_SLACK_SECONDS = 600;
    /** How long the payer keeps asking for the 402 while the server answers 503 with Retry-After. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final EvmPrivateKey key;
    private final NetworkRegistry networks;
    private final Clock clock;

    public DemoPayer(EvmPrivateKey key, NetworkRegistry networks, Clock clock) {
        this.key = key;
        this.networks = networks;
        this.clock = clock;
    }

    /** A 402 read for payment: the protocol version to answer in, the chosen offer, and what to send back. */
    public record Offer(int version, JsonNode requirement, JsonNode resource, String resourceUrl) {
    }

    /** Entry point of {@code pay}; answers the process exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        String url = null;
        Integer version = null;
        boolean replay = false;
        for (String a : args) {
            switch (a) {
                case "--v1" -> version = 1;
                case "--v2" -> version = 2;
                case "--replay" -> replay = true;
                default -> {
                    if (a.startsWith("-") || url != null) {
                        err.println(USAGE);
                        return 2;
                    }
                    url = a;
                }
            }
        }
        if (url == null) {
            err.println(USAGE);
            return 2;
        }
        DemoPayer payer = new DemoPayer(DemoAccounts.DEMO_PAYER_KEY, NetworkRegistry.defaults(), Clock.systemUTC());
        try {
            return payer.pay(URI.create(url), version, replay, out);
        } catch (ConnectException e) {
            // The JDK's client gives no message here: "pay: null" would say nothing of what went wrong.
            err.println("pay: cannot connect to " + url + " (is the sample running?)");
            return 1;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            err.println("pay: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    int pay(URI url, Integer version, boolean replay, PrintStream out) throws IOException, InterruptedException {
        HttpResponse<String> first = challenge(url, out);
        out.println("GET " + url + " -> " + first.statusCode());
        if (first.statusCode() != 402) {
            out.println(first.body());
            out.println("(no 402: nothing to pay)");
            return first.statusCode() < 400 ? 0 : 1;
        }
        Offer offer = offer(first, version);
        String header = offer.version() == 1 ? X402Headers.X_PAYMENT : X402Headers.PAYMENT_SIGNATURE;
        out.println("offer (x402 v" + offer.version() + "): " + describe(offer.requirement()));
        out.println("paying as the demo payer " + key.address().toChecksumHex()
                + " (published key, worthless, funded only in the dev facilitator)");
        String proof = sign(offer);
        int status = send(url, header, proof, out);
        if (replay) {
            out.println();
            out.println("replaying the same " + header + " ...");
            send(url, header, proof, out);
        }
        return status >= 200 && status < 300 ? 0 : 1;
    }

    /**
     * The unpaid request, asked again while the server says to come back soon (503 with a Retry-After in
     * seconds, as the sample answers while it starts), for at most {@link #PATIENCE} in all. Only this request
     * is repeated: a paid one never is, so a proof is sent once unless {@code --replay} asks for a second.
     */
    private HttpResponse<String> challenge(URI url, PrintStream out) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            HttpResponse<String> r = get(url, null, null);
            long wait = r.statusCode() == 503 ? retryAfterSeconds(r) : -1;
            if (wait < 0 || System.nanoTime() + TimeUnit.SECONDS.toNanos(wait) > deadline) {
                return r;
            }
            out.println("GET " + url + " -> 503, Retry-After: " + wait + ": asking again in " + wait + " s");
            Thread.sleep(TimeUnit.SECONDS.toMillis(wait));
        }
    }

    /** Retry-After as delta-seconds; -1 when absent or an HTTP date (not worth waiting for here). */
    private static long retryAfterSeconds(HttpResponse<String> r) {
        String value = r.headers().firstValue("Retry-After").orElse("").strip();
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(value);
    }

    private int send(URI url, String header, String proof, PrintStream out) throws IOException, InterruptedException {
        HttpResponse<String> paid = get(url, header, proof);
        out.println("GET " + url + " with " + header + " -> " + paid.statusCode());
        for (String name : List.of(X402Headers.PAYMENT_RESPONSE, X402Headers.X_PAYMENT_RESPONSE)) {
            Optional<String> settlement = paid.headers().firstValue(name);
            if (settlement.isPresent()) {
                out.println(name + ": " + decode(settlement.get()));
            }
        }
        out.println(paid.body());
        return paid.statusCode();
    }

    /** Chooses what to pay: the v2 header unless v1 is asked for or the server offers no v2. */
    public Offer offer(HttpResponse<String> challenge, Integer version) throws IOException {
        Optional<String> v2 = challenge.headers().firstValue(X402Headers.PAYMENT_REQUIRED);
        if (version == null) {
            version = v2.isPresent() ? 2 : 1;
        }
        JsonNode required;
        if (version == 2) {
            required = JSON.readTree(Base64.getDecoder().decode(v2.orElseThrow(() -> new IllegalStateException(
                    "the 402 has no " + X402Headers.PAYMENT_REQUIRED + " header; try --v1"))));
        } else {
            required = JSON.readTree(challenge.body());
        }
        List<String> seen = new ArrayList<>();
        for (JsonNode r : required.path("accepts")) {
            seen.add(describe(r));
            if ("exact".equals(r.path("scheme").asText()) && networks.find(r.path("network").asText()).isPresent()
                    && r.path("extra").path("name").isTextual() && r.path("extra").path("version").isTextual()) {
                // A v2 challenge without "resource" is paid without one (servers match a proof on its terms).
                JsonNode resource = required.path("resource").isObject() ? required.get("resource") : null;
                String resourceUrl = version == 2 ? (resource == null ? null : resource.path("url").asText(null))
                        : r.path("resource").asText(null);
                return new Offer(version, r, resource, resourceUrl);
            }
        }
        throw new IllegalStateException("no exact-EVM offer this payer can sign in the v" + version + " 402: " + seen);
    }

    /** The header value: a freshly signed authorization for exactly the offered amount. */
    public String sign(Offer offer) {
        JsonNode r = offer.requirement();
        Network network = networks.find(r.path("network").asText()).orElseThrow();
        String amount = offer.version() == 1 ? r.path("maxAmountRequired").asText() : r.path("amount").asText();
        long now = clock.instant().getEpochSecond();
        ExactEvmAuthorization authorization = new ExactEvmAuthorization(key.address(),
                EvmAddress.parse(r.path("payTo").asText()), new BigInteger(amount),
                BigInteger.valueOf(Math.max(0, now - VALID_AFTER_SLACK_SECONDS)),
                BigInteger.valueOf(now + r.path("maxTimeoutSeconds").asLong(60)), Eip3009Signer.randomNonce());
        Eip712Domain domain = new Eip712Domain(r.path("extra").path("name").asText(),
                r.path("extra").path("version").asText(), network.chainId(), EvmAddress.parse(r.path("asset").asText()));
        ObjectNode payload = JSON.createObjectNode().put("signature", Eip3009Signer.sign(key, domain, authorization));
        payload.putObject("authorization")
                .put("from", authorization.from().toChecksumHex())
                .put("to", r.path("payTo").asText())
                .put("value", authorization.value().toString())
                .put("validAfter", authorization.validAfter().toString())
                .put("validBefore", authorization.validBefore().toString())
                .put("nonce", Hex.encode(authorization.nonce()));
        ObjectNode proof = JSON.createObjectNode().put("x402Version", offer.version());
        if (offer.version() == 1) {
            proof.put("scheme", r.path("scheme").asText()).put("network", r.path("network").asText());
        } else {
            if (offer.resource() != null) {
                proof.set("resource", offer.resource());
            }
            // The server compares this copy with its own offer field by field: send it back untouched.
            proof.set("accepted", r);
        }
        proof.set("payload", payload);
        return Base64.getEncoder().encodeToString(proof.toString().getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(URI url, String header, String value) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (header != null) {
            b.header(header, value);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String describe(JsonNode r) {
        String amount = r.has("amount") ? r.path("amount").asText() : r.path("maxAmountRequired").asText();
        return r.path("scheme").asText() + " " + amount + " of " + r.path("asset").asText() + " on "
                + r.path("network").asText() + " to " + r.path("payTo").asText();
    }

    private static String decode(String header) {
        try {
            return JSON.readTree(Base64.getDecoder().decode(header)).toString();
        } catch (IOException | IllegalArgumentException e) {
            return header + " (undecodable)";
        }
    }
}
