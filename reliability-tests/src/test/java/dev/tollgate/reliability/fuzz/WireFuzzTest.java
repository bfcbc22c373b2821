package dev.tollgate.reliability.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.wire.ExactEvmPayload;
import dev.tollgate.core.wire.HeaderCodec;
import dev.tollgate.core.wire.MalformedPaymentException;
import dev.tollgate.core.wire.PaymentPayloadV1;
import dev.tollgate.core.wire.PaymentPayloadV2;
import dev.tollgate.core.wire.PaymentRequired;
import dev.tollgate.core.wire.PaymentRequiredV1;
import dev.tollgate.core.wire.SettleResponse;
import dev.tollgate.core.wire.SupportedResponse;
import dev.tollgate.core.wire.VerifyResponse;
import dev.tollgate.core.wire.WireJson;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * Hostile bytes against the x402 header codec and the JSON wire types. The only acceptable failures are the
 * codec's {@link MalformedPaymentException} (a 402 with a reason) and Jackson's {@link IOException} (a 502 for
 * facilitator answers); anything else would surface as a 500. Whatever is accepted respects the limits.
 */
class WireFuzzTest {
    private static final HeaderCodec CODEC = new HeaderCodec();
    private static final List<Class<?>> HEADER_TYPES = List.of(PaymentPayloadV1.class, PaymentPayloadV2.class,
            PaymentRequired.class, SettleResponse.class, ExactEvmPayload.class);
    private static final List<Class<?>> WIRE_TYPES = List.of(PaymentPayloadV1.class, PaymentPayloadV2.class,
            PaymentRequired.class, PaymentRequiredV1.class, SettleResponse.class, VerifyResponse.class,
            SupportedResponse.class, ExactEvmPayload.class);

    /** The header as a client sends it: either raw text, or base64 over fuzzed JSON bytes. */
    @FuzzTest
    void headerCodecDecodesOrRefuses(FuzzedDataProvider data) {
        boolean encode = data.consumeBoolean();
        Class<?> type = data.pickValue(HEADER_TYPES);
        String header = encode
                ? Base64.getEncoder().encodeToString(data.consumeRemainingAsBytes())
                : data.consumeRemainingAsString();
        try {
            JsonNode tree = CODEC.decodeTree("X-PAYMENT", header);
            assertWithinLimits(tree, 1);
            CODEC.bind("X-PAYMENT", tree, type);
        } catch (MalformedPaymentException refused) {
            // a 402 naming the problem
        }
    }

    /** A facilitator's (or anyone's) JSON body read into every wire type. */
    @FuzzTest
    void wireJsonReadsOrRefuses(FuzzedDataProvider data) {
        Class<?> type = data.pickValue(WIRE_TYPES);
        byte[] json = data.consumeRemainingAsBytes();
        try {
            JsonNode tree = WireJson.mapper().readTree(json);
            if (tree != null) {
                assertWithinLimits(tree, 1);
            }
            WireJson.mapper().readValue(json, type);
        } catch (IOException | IllegalArgumentException refused) {
            // JsonProcessingException (an IOException) or a mapping refusal: a 502, never a 500
        }
    }

    private static void assertWithinLimits(JsonNode node, int depth) {
        assertTrue(depth <= WireJson.MAX_NESTING_DEPTH + 1, "nesting " + depth + " passed the limit");
        if (node.isTextual()) {
            assertTrue(node.textValue().length() <= WireJson.MAX_STRING_LENGTH, "string passed the limit");
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            assertWithinLimits(it.next(), depth + 1);
        }
    }
}
