package dev.tollgate.core.code;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * The legacy JSON API of the PHP/Python/Go SDKs: {@code POST createIntent} with the intent id, the bare
 * {@code RequestToReceiveBill} (base64url, unpadded) and the signature (base58) over the {@code Message}
 * wrapping it; {@code GET getStatus?intent=} answering {@code {success, status}}. Kept for deployments whose
 * backend still speaks it; the protobuf API is the default.
 */
public final class LegacyCodeApiClient implements CodeIntentApi {

    /** Base URL the Go SDK uses; {@code createIntent} and {@code getStatus} are resolved against it. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://api.getcode.com/v1/");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CodeSequencerClient.Config config;
    private final BoundedHttp http;

    public LegacyCodeApiClient(CodeSequencerClient.Config config) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = new BoundedHttp(config.connectTimeout(), config.requestTimeout(), config.maxResponseBytes());
    }

    /** Same timeouts and limits as the protobuf client, legacy endpoint. */
    public static CodeSequencerClient.Config defaults() {
        return CodeSequencerClient.Config.defaults().withEndpoint(DEFAULT_ENDPOINT);
    }

    @Override
    public PaymentIntent createIntent(PaymentIntent intent) {
        byte[] bill = MessagingWire.RequestToReceiveBill.decodeMessage(intent.message().toByteArray()).encode();
        ObjectNode body = JSON.createObjectNode()
                .put("intent", intent.id())
                .put("message", Base64.getUrlEncoder().withoutPadding().encodeToString(bill))
                .put("signature", Base58.encode(intent.signature().toByteArray()))
                .putNull("webhook");
        HttpRequest request = http.request(config.endpoint().resolve("createIntent"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toString().getBytes(StandardCharsets.UTF_8)))
                .build();
        requireSuccess(parse(http.exchange(request, "createIntent"), "createIntent"), "createIntent");
        return intent;
    }

    @Override
    public IntentStatus getStatus(String intentId) {
        Base58.decode(intentId, RendezvousKey.PUBLIC_KEY_LENGTH, "intent id");
        URI uri = config.endpoint().resolve("getStatus?intent=" + URLEncoder.encode(intentId, StandardCharsets.UTF_8));
        HttpRequest request = http.request(uri).GET().build();
        JsonNode reply = parse(http.exchange(request, "getStatus"), "getStatus");
        requireSuccess(reply, "getStatus");
        JsonNode status = reply.get("status");
        if (status == null || !status.isTextual()) {
            throw new CodeApiException(CodeApiException.Kind.MALFORMED, "getStatus reply has no status");
        }
        // The legacy API only distinguishes these; "scanned" is not reported, unknown ids have other statuses.
        return switch (status.asText().toUpperCase(Locale.ROOT)) {
            case "SUBMITTED" -> new IntentStatus(intentId, true, true, true);
            case "PENDING" -> new IntentStatus(intentId, true, false, false);
            default -> new IntentStatus(intentId, false, false, false);
        };
    }

    private static JsonNode parse(byte[] body, String call) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new CodeApiException(CodeApiException.Kind.MALFORMED, call + " reply is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new CodeApiException(CodeApiException.Kind.MALFORMED, call + " reply is not JSON", e);
        } catch (IOException e) {
            throw new CodeApiException(CodeApiException.Kind.MALFORMED, call + " reply could not be read", e);
        }
    }

    private static void requireSuccess(JsonNode reply, String call) {
        JsonNode success = reply.get("success");
        if (success == null || !success.isBoolean()) {
            throw new CodeApiException(CodeApiException.Kind.MALFORMED, call + " reply has no success flag");
        }
        if (!success.asBoolean()) {
            JsonNode error = reply.get("error");
            throw new CodeApiException(CodeApiException.Kind.REJECTED,
                    call + " refused: " + (error == null ? "no error given" : error.asText()));
        }
    }
}
