package dev.tollgate.core.gate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.testing.Proofs;
import dev.tollgate.core.wire.ExactEvmPayload;
import dev.tollgate.core.wire.PaymentPayloadV1;
import dev.tollgate.core.wire.PaymentPayloadV2;
import dev.tollgate.core.wire.WireJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ProofReaderTest {
    private static final String AUTH = FastBindTest.AUTH;
    private static final String ACCEPTED = "{\"scheme\":\"exact\",\"network\":\"eip155:84532\",\"amount\":\"10000\","
            + "\"asset\":\"0x036CbD53842c5426634e7929541eC2318f3dCF7e\",\"payTo\":\"0x209693Bc6afc0C5328bA36FaF03C514EF312287C\","
            + "\"maxTimeoutSeconds\":60,\"extra\":{\"name\":\"USDC\",\"version\":\"2\"}}";
    private static final String PAYLOAD = "{\"signature\":\"0xab\",\"authorization\":" + AUTH + "}";
    private static final String V2 = "{\"x402Version\":2,\"resource\":{\"url\":\"http://h/p\",\"description\":\"d\","
            + "\"mimeType\":\"application/json\"},\"accepted\":" + ACCEPTED + ",\"payload\":" + PAYLOAD + "}";
    private static final String V1 = "{\"x402Version\":1,\"scheme\":\"exact\",\"network\":\"base-sepolia\",\"payload\":"
            + PAYLOAD + "}";

    /** The option whose 402 entry is {@link #ACCEPTED}, byte for byte. */
    private static final PaymentOption OFFER = Proofs.option(10_000);
    private static final PaymentOption OTHER_OFFER = Proofs.option(20_000);

    private static ProofReader.Read read(String json) {
        return ProofReader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ProofReader.Read readOffered(String json) {
        return ProofReader.read(json.getBytes(StandardCharsets.UTF_8), List.of(OTHER_OFFER, OFFER));
    }

    /** What the tree path (Jackson's tree, then binding) makes of the same text. */
    private static void assertSameAsTreePath(String json) throws Exception {
        ProofReader.Read r = read(json);
        assertNotNull(r, json);
        JsonNode tree = WireJson.mapper().readTree(json);
        assertEquals(WireJson.mapper().treeToValue(tree.get("payload"), ExactEvmPayload.class), r.evm());
        if (r.version() == 2) {
            PaymentPayloadV2 p = WireJson.mapper().treeToValue(tree, PaymentPayloadV2.class);
            assertEquals(p.resource(), r.resource());
            assertEquals(p.accepted(), r.accepted());
        } else {
            PaymentPayloadV1 p = WireJson.mapper().treeToValue(tree, PaymentPayloadV1.class);
            assertEquals(p.scheme(), r.scheme());
            assertEquals(p.network(), r.network());
        }
    }

    @Test
    void readsTheUsualProofsAsTheTreePathDoes() throws Exception {
        assertSameAsTreePath(V2);
        assertSameAsTreePath(V1);
        assertSameAsTreePath(V2.replace(",\"resource\":{\"url\":\"http://h/p\",\"description\":\"d\","
                + "\"mimeType\":\"application/json\"}", ""));
        assertSameAsTreePath(" \n" + V2 + "\t ");
        assertSameAsTreePath(V2.replace("\"USDC\"", "\"US\\u0044C \\\"\\u00e9\\\"\""));
        for (String proof : List.of(Proofs.proof().v2(), Proofs.proof().v1(),
                Proofs.proof().resource("https://example.com/a?b=c").v2())) {
            assertSameAsTreePath(new String(Base64.getDecoder().decode(proof), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // duplicates at every level: a facilitator might read the other copy
        "{\"x402Version\":2,\"x402Version\":2,\"accepted\":$A$,\"payload\":$P$}",
        "{\"x402Version\":2,\"accepted\":$A$,\"accepted\":$A$,\"payload\":$P$}",
        "{\"x402Version\":2,\"accepted\":$A$,\"payload\":$P$,\"payload\":$P$}",
        "{\"x402Version\":2,\"accepted\":DUP_ACCEPTED,\"payload\":$P$}",
        "{\"x402Version\":2,\"accepted\":DUP_EXTRA,\"payload\":$P$}",
        "{\"x402Version\":2,\"accepted\":$A$,\"payload\":DUP_SIGNATURE}",
        "{\"x402Version\":2,\"accepted\":$A$,\"payload\":DUP_NONCE}",
        "{\"x402Version\":2,\"resource\":{\"url\":\"a\",\"url\":\"b\"},\"accepted\":$A$,\"payload\":$P$}",
        // anything but the plain shape
        "{\"x402Version\":2,\"accepted\":$A$,\"payload\":$P$,\"extensions\":{}}",
        "{\"x402Version\":2,\"accepted\":$A$,\"payload\":$P$,\"unknown\":1}",
        "{\"x402Version\":2,\"resource\":null,\"accepted\":$A$,\"payload\":$P$}",
        "{\"x402Version\":2,\"resource\":\"http://h/p\",\"accepted\":$A$,\"payload\":$P$}",
        "{\"x402Version\":\"2\",\"accepted\":$A$,\"payload\":$P$}",
        "{\"x402Version\":2.0,\"accepted\":$A$,\"payload\":$P$}",
        "{\"x402Version\":3,\"accepted\":$A$,\"payload\":$P$}",
        "{\"x402Version\":2,\"accepted\":NUMERIC_AMOUNT,\"payload\":$P$}",
        "{\"x402Version\":2,\"accepted\":NO_TIMEOUT,\"payload\":$P$}",
        "{\"x402Version\":2,\"accepted\":NESTED_EXTRA,\"payload\":$P$}",
        "{\"x402Version\":2,\"accepted\":$A$,\"payload\":{\"transaction\":\"0x01\"}}",
        "{\"x402Version\":2,\"accepted\":$A$,\"payload\":NUMERIC_VALUE}",
        "{\"x402Version\":2,\"accepted\":$A$}",
        "{\"x402Version\":2,\"payload\":$P$}",
        "{\"x402Version\":2,\"scheme\":\"exact\",\"accepted\":$A$,\"payload\":$P$}",
        "{\"x402Version\":1,\"scheme\":\"exact\",\"network\":\"base-sepolia\",\"accepted\":$A$,\"payload\":$P$}",
        "{\"x402Version\":1,\"scheme\":\"exact\",\"payload\":$P$}",
        // not one JSON object
        "{\"x402Version\":2,\"accepted\":$A$,\"payload\":$P$} {}",
        "{\"x402Version\":2,\"accepted\":$A$,\"payload\":$P$} x",
        "{\"x402Version\":2,\"accepted\":$A$,\"payload\":P",
        "[1]",
        "",
    })
    void leavesEverythingElseToTheTreePath(String template) {
        String json = template.replace("DUP_ACCEPTED", ACCEPTED.replace("\"payTo\"", "\"amount\":\"1\",\"payTo\""))
                .replace("DUP_EXTRA", ACCEPTED.replace("\"version\":\"2\"", "\"version\":\"2\",\"name\":\"X\""))
                .replace("DUP_SIGNATURE", PAYLOAD.replace("}}", "},\"signature\":\"0xcd\"}"))
                .replace("DUP_NONCE", PAYLOAD.replace("\"nonce\":\"0x01\"", "\"nonce\":\"0x01\",\"nonce\":\"0x02\""))
                .replace("NUMERIC_AMOUNT", ACCEPTED.replace("\"10000\"", "10000"))
                .replace("NO_TIMEOUT", ACCEPTED.replace(",\"maxTimeoutSeconds\":60", ""))
                .replace("NESTED_EXTRA", ACCEPTED.replace("\"version\":\"2\"", "\"version\":{\"v\":\"2\"}"))
                .replace("NUMERIC_VALUE", PAYLOAD.replace("\"10000\"", "10000"))
                .replace("$A$", ACCEPTED).replace("$P$", PAYLOAD);
        assertNull(read(json), json);
        assertNull(readOffered(json), json);
    }

    @Test
    void anAcceptedCopiedFromTheOfferIsThatOffer() throws Exception {
        assertEquals(ACCEPTED, new String(OFFER.requirementsV2Json(), StandardCharsets.UTF_8)); // guards the rest
        ProofReader.Read r = readOffered(V2);
        assertSame(OFFER.requirementsV2(), r.accepted());
        assertEquals(read(V2), r);
        assertSame(OFFER.requirementsV2(), readOffered(V2.replace("\"accepted\":", "\"accepted\" : ")).accepted());
    }

    /**
     * The matched offer's inside is stepped over in place (blanked for the parser, then put back): the array, which
     * the facilitator is sent as the client's bytes, is the client's again afterwards, however the read ends.
     */
    @Test
    void readingAnOfferedAcceptedLeavesTheClientsBytesAsTheyCame() {
        String[] proofs = {
            V2, // read, the offer stepped over
            V2.substring(0, V2.length() - 1) + ",\"extensions\":{}}", // the offer stepped over, then refused
            V2.replace("\"payload\":", "\"payload\":{\"x\":").replace("}}}", "}}}}"), // refused inside payload
        };
        for (String proof : proofs) {
            byte[] json = proof.getBytes(StandardCharsets.UTF_8);
            byte[] asSent = json.clone();
            ProofReader.Read r = ProofReader.read(json, List.of(OTHER_OFFER, OFFER));
            assertArrayEquals(asSent, json, proof);
            if (proof == V2) {
                assertSame(OFFER.requirementsV2(), r.accepted());
                assertEquals(read(V2), r);
                // read again from the same array: nothing of the step-over is left in it
                assertSame(OFFER.requirementsV2(), ProofReader.read(json, List.of(OFFER)).accepted());
            } else {
                assertNull(r, proof);
            }
        }
    }

    @Test
    void anAcceptedWrittenOtherwiseIsReadFieldByField() throws Exception {
        String reordered = V2.replace(ACCEPTED, ACCEPTED.replace("\"scheme\":\"exact\",\"network\":\"eip155:84532\"",
                "\"network\":\"eip155:84532\",\"scheme\":\"exact\""));
        ProofReader.Read r = readOffered(reordered);
        assertNotSame(OFFER.requirementsV2(), r.accepted());
        assertEquals(OFFER.requirementsV2(), r.accepted());
        assertEquals(read(reordered), r);
        // The offer's bytes with more after them are not the offer.
        String longer = V2.replace(ACCEPTED, ACCEPTED.substring(0, ACCEPTED.length() - 1) + ",\"x\":1}");
        assertNull(readOffered(longer));
        String shorter = V2.replace(ACCEPTED, ACCEPTED.replace("\"version\":\"2\"}}", "\"version\":\"2\"},\"y\":\"\"}"));
        assertNull(readOffered(shorter));
    }

    @Test
    void theUsualProofsAreReadAtAll() {
        // Guards the test above: the same templates with the plain fields are read.
        assertNotNull(read(V2));
        assertNotNull(read(V1));
    }
}
