package dev.tollgate.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class HeaderCodecTest {
    private static final String PAYLOAD = "{\"signature\":\"0x01\",\"authorization\":{\"from\":\"0x02\"}}";

    private final HeaderCodec codec = new HeaderCodec();

    private static String b64(String json) {
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON object whose UTF-8 form is exactly {@code bytes} long. */
    private static String objectOfSize(int bytes) {
        String head = "{\"x402Version\":1,\"pad\":\"";
        String tail = "\"}";
        return head + "a".repeat(bytes - head.length() - tail.length()) + tail;
    }

    private MalformedPaymentException refused(String value) {
        return assertThrows(MalformedPaymentException.class, () -> codec.decodeTree("X-PAYMENT", value));
    }

    @Test
    void aHeaderOfExactlyTheDefaultLimitIsDecoded() throws MalformedPaymentException {
        String header = b64(objectOfSize(12 * 1024));
        assertEquals(HeaderCodec.DEFAULT_MAX_HEADER_BYTES, header.length());
        assertEquals(1, codec.decodeTree("X-PAYMENT", header).path("x402Version").intValue());
    }

    @Test
    void aHeaderOneByteOverTheDefaultLimitOf16KiBIsRefusedBeforeDecoding() {
        String header = "A".repeat(HeaderCodec.DEFAULT_MAX_HEADER_BYTES + 1);
        MalformedPaymentException e = refused(header);
        assertTrue(e.getMessage().contains("larger than 16384 bytes"), e.getMessage());
    }

    @Test
    void aSmallerConfiguredLimitIsEnforced() {
        HeaderCodec small = new HeaderCodec(1024);
        String header = b64(objectOfSize(1024));
        MalformedPaymentException e = assertThrows(MalformedPaymentException.class,
                () -> small.decodeTree("X-PAYMENT", header));
        assertTrue(e.getMessage().contains("larger than 1024 bytes"), e.getMessage());
    }

    @Test
    void anEmptyHeaderIsRefused() {
        assertTrue(refused("  ").getMessage().contains("empty"));
    }

    @Test
    void aHeaderThatIsNotBase64IsRefused() {
        assertTrue(refused("this is *not* base64!").getMessage().contains("not valid base64"));
    }

    @Test
    void urlSafeBase64IsNotTheStandardAlphabetAndIsRefused() {
        // '?>' encodes to "Pz4" in the standard alphabet; the URL-safe alphabet writes '_' and '-' instead.
        String urlSafe = Base64.getUrlEncoder().encodeToString("{\"a\":\"??>>\"}".getBytes(StandardCharsets.UTF_8));
        assertTrue(urlSafe.contains("_") || urlSafe.contains("-"), urlSafe);
        assertTrue(refused(urlSafe).getMessage().contains("not valid base64"));
    }

    @Test
    void base64OfSomethingThatIsNotJsonIsRefused() {
        assertTrue(refused(b64("hello, world")).getMessage().contains("not valid JSON"));
    }

    @Test
    void truncatedJsonIsRefused() {
        assertTrue(refused(b64("{\"x402Version\":1,\"scheme\":")).getMessage().contains("not valid JSON"));
    }

    @Test
    void aJsonArrayInsteadOfAnObjectIsRefused() {
        assertTrue(refused(b64("[{\"x402Version\":1}]")).getMessage().contains("must hold a JSON object"));
    }

    @Test
    void aJsonScalarInsteadOfAnObjectIsRefused() {
        assertTrue(refused(b64("42")).getMessage().contains("must hold a JSON object"));
    }

    @Test
    void nestingUpToTheMaximumDepthIsAccepted() throws MalformedPaymentException {
        JsonNode tree = codec.decodeTree("X-PAYMENT", b64(nested(WireJson.MAX_NESTING_DEPTH)));
        assertTrue(tree.has("a"));
    }

    @Test
    void nestingDeeperThanTheMaximumDepthIsRefused() {
        assertTrue(refused(b64(nested(WireJson.MAX_NESTING_DEPTH + 1))).getMessage().contains("not valid JSON"));
    }

    /** {@code depth} objects, each inside the one before. */
    private static String nested(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }

    @Test
    void duplicateKeysAreRefusedSoNoTwoReadersCanDisagreeOnAValue() {
        MalformedPaymentException e = refused(b64("{\"x402Version\":1,\"network\":\"base\",\"network\":\"base-sepolia\"}"));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("network"), e.getMessage());
    }

    @Test
    void unknownFieldsAreToleratedBecauseTheProtocolGrows() throws MalformedPaymentException {
        String json = "{\"x402Version\":1,\"scheme\":\"exact\",\"network\":\"base-sepolia\",\"payload\":" + PAYLOAD
                + ",\"somethingNew\":{\"x\":[1,2,3]}}";
        PaymentPayloadV1 p = codec.decode("X-PAYMENT", b64(json), PaymentPayloadV1.class);
        assertEquals("base-sepolia", p.network());
        assertEquals("0x01", p.payload().path("signature").asText());
    }

    @Test
    void aProofWithoutX402VersionDoesNotBind() {
        String json = "{\"scheme\":\"exact\",\"network\":\"base-sepolia\",\"payload\":" + PAYLOAD + "}";
        MalformedPaymentException e = assertThrows(MalformedPaymentException.class,
                () -> codec.decode("X-PAYMENT", b64(json), PaymentPayloadV1.class));
        assertTrue(e.getMessage().contains("PaymentPayloadV1"), e.getMessage());
    }

    @Test
    void aProofWithANullX402VersionDoesNotBind() {
        String json = "{\"x402Version\":null,\"scheme\":\"exact\",\"network\":\"base-sepolia\",\"payload\":" + PAYLOAD + "}";
        assertThrows(MalformedPaymentException.class, () -> codec.decode("X-PAYMENT", b64(json), PaymentPayloadV1.class));
    }

    @Test
    void aRequirementWithoutMaxTimeoutSecondsDoesNotBind() {
        String json = "{\"scheme\":\"exact\",\"network\":\"eip155:84532\",\"amount\":\"1\",\"asset\":\"0x0\",\"payTo\":\"0x1\"}";
        assertThrows(MalformedPaymentException.class,
                () -> codec.decode("PAYMENT-SIGNATURE", b64(json), PaymentRequirements.class));
    }

    @Test
    void aStringWhereAnObjectBelongsDoesNotBind() {
        String json = "{\"x402Version\":2,\"accepted\":\"exact\",\"payload\":" + PAYLOAD + "}";
        assertThrows(MalformedPaymentException.class,
                () -> codec.decode("PAYMENT-SIGNATURE", b64(json), PaymentPayloadV2.class));
    }

    @Test
    void encodingLeavesOutAbsentOptionalFields() throws MalformedPaymentException {
        String header = codec.encode(SettleResponse.failure("insufficient_funds", "base-sepolia", null));
        JsonNode tree = codec.decodeTree("X-PAYMENT-RESPONSE", header);
        assertEquals(4, tree.size());
        assertTrue(tree.has("transaction"));
        assertTrue(!tree.has("payer"));
    }

    @Test
    void aLimitBelow256BytesIsRefusedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new HeaderCodec(255));
    }
}
