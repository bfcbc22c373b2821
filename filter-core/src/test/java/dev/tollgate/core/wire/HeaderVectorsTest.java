package dev.tollgate.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The specifications' example headers (a copy of the shared vectors in src/test/resources): each decodes to
 * exactly the JSON beside it, and binding it into its record and encoding that again gives back the very
 * same header string.
 */
class HeaderVectorsTest {
    private static final Map<String, Class<?>> TYPES = Map.of(
            X402Headers.X_PAYMENT, PaymentPayloadV1.class,
            X402Headers.PAYMENT_SIGNATURE, PaymentPayloadV2.class,
            X402Headers.PAYMENT_REQUIRED, PaymentRequired.class,
            X402Headers.X_PAYMENT_RESPONSE, SettleResponse.class,
            X402Headers.PAYMENT_RESPONSE, SettleResponse.class);

    private final HeaderCodec codec = new HeaderCodec();

    record Vector(String protocol, String header, String value, JsonNode decoded) {
        @Override
        public String toString() {
            return protocol + " " + header + " " + value.substring(0, 12) + "…";
        }
    }

    static Stream<Arguments> vectors() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode h : load().path("headers")) {
            out.add(Arguments.of(new Vector(h.path("protocol").asText(), h.path("header").asText(),
                    h.path("value").asText(), h.path("decoded"))));
        }
        return out.stream();
    }

    private static JsonNode load() throws IOException {
        try (InputStream in = HeaderVectorsTest.class.getResourceAsStream("/vectors/x402.json")) {
            if (in == null) {
                throw new IOException("vectors/x402.json is missing from the test resources");
            }
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void theVectorFileCoversEveryHeaderOfBothGenerations() throws IOException {
        List<String> headers = new ArrayList<>();
        load().path("headers").forEach(h -> headers.add(h.path("header").asText()));
        assertEquals(7, headers.size());
        assertEquals(TYPES.keySet(), new java.util.HashSet<>(headers));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void eachHeaderDecodesToExactlyTheJsonTheSpecificationShows(Vector v) throws MalformedPaymentException {
        assertEquals(v.decoded(), codec.decodeTree(v.header(), v.value()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void eachHeaderBoundIntoItsRecordEncodesBackToTheSameString(Vector v) throws MalformedPaymentException {
        Object bound = codec.decode(v.header(), v.value(), TYPES.get(v.header()));
        assertEquals(v.value(), codec.encode(bound));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void eachBoundRecordSerializesToTheSameJsonTree(Vector v) throws MalformedPaymentException {
        Object bound = codec.decode(v.header(), v.value(), TYPES.get(v.header()));
        assertEquals(v.decoded(), WireJson.mapper().valueToTree(bound));
    }

    @Test
    void theV1ProofBindsItsFieldsByName() throws Exception {
        PaymentPayloadV1 p = codec.decode(X402Headers.X_PAYMENT, vector(X402Headers.X_PAYMENT, 0),
                PaymentPayloadV1.class);
        assertEquals(1, p.x402Version());
        assertEquals("exact", p.scheme());
        assertEquals("base-sepolia", p.network());
        assertEquals("0x857b06519E91e3A54538791bDbb0E22373e36b66",
                p.payload().path("authorization").path("from").asText());
    }

    @Test
    void theV2ProofBindsAcceptedAsARequirement() throws Exception {
        PaymentPayloadV2 p = codec.decode(X402Headers.PAYMENT_SIGNATURE, vector(X402Headers.PAYMENT_SIGNATURE, 0),
                PaymentPayloadV2.class);
        assertEquals(2, p.x402Version());
        assertEquals("https://api.example.com/premium-data", p.resource().url());
        assertEquals("eip155:84532", p.accepted().network());
        assertEquals("10000", p.accepted().amount());
        assertEquals(60, p.accepted().maxTimeoutSeconds());
        assertEquals("USDC", p.accepted().extra().path("name").asText());
    }

    @Test
    void theV2ChallengeBindsResourceAndAccepts() throws Exception {
        PaymentRequired r = codec.decode(X402Headers.PAYMENT_REQUIRED, vector(X402Headers.PAYMENT_REQUIRED, 0),
                PaymentRequired.class);
        assertEquals(2, r.x402Version());
        assertEquals("PAYMENT-SIGNATURE header is required", r.error());
        assertEquals("application/json", r.resource().mimeType());
        assertEquals(1, r.accepts().size());
        assertEquals("0x209693Bc6afc0C5328bA36FaF03C514EF312287C", r.accepts().get(0).payTo());
    }

    @Test
    void aFailedSettlementBindsItsReasonAndAnEmptyTransaction() throws Exception {
        SettleResponse r = codec.decode(X402Headers.PAYMENT_RESPONSE, vector(X402Headers.PAYMENT_RESPONSE, 1),
                SettleResponse.class);
        assertFalse(r.success());
        assertEquals("insufficient_funds", r.errorReason());
        assertEquals("", r.transaction());
        assertEquals("eip155:84532", r.network());
    }

    private static String vector(String header, int occurrence) throws IOException {
        int seen = 0;
        for (JsonNode h : load().path("headers")) {
            if (h.path("header").asText().equals(header) && seen++ == occurrence) {
                return h.path("value").asText();
            }
        }
        throw new IllegalArgumentException("no vector " + header + " #" + occurrence);
    }
}
