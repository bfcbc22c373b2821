package dev.tollgate.core.code;

import static dev.tollgate.core.code.CodeVectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class Base58Test {

    @Test
    void vectorKeysDecodeToTheirBytesAndEncodeBack() {
        int checked = 0;
        for (JsonNode key : CodeVectors.ROOT.path("keys")) {
            if (!key.has("base58") || !key.has("bytes")) {
                continue;
            }
            String base58 = key.get("base58").asText();
            byte[] bytes = hex(key, "bytes");
            assertArrayEquals(bytes, Base58.decode(base58), base58);
            assertEquals(base58, Base58.encode(bytes));
            checked++;
        }
        assertEquals(2, checked);
    }

    @Test
    void allZeroKeyIsThirtyTwoOnes() {
        assertEquals("11111111111111111111111111111111", Base58.encode(new byte[32]));
        assertArrayEquals(new byte[32], Base58.decode("11111111111111111111111111111111"));
    }

    @Test
    void leadingZeroBytesArePreserved() {
        byte[] bytes = {0, 0, 1, 2, 3};
        String encoded = Base58.encode(bytes);
        assertTrue(encoded.startsWith("11"), encoded);
        assertArrayEquals(bytes, Base58.decode(encoded));
    }

    @Test
    void emptyInputRoundTripsToEmpty() {
        assertEquals("", Base58.encode(new byte[0]));
        assertArrayEquals(new byte[0], Base58.decode(""));
    }

    @Test
    void knownBitcoinStyleValueEncodes() {
        assertEquals("StV1DL6CwTryKyV", Base58.encode("hello world".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Test
    void charactersOutsideTheAlphabetAreRejectedWithTheirPosition() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> Base58.decode("abc0"));
        assertTrue(zero.getMessage().contains("'0' at position 3"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Base58.decode("O"));
        assertThrows(IllegalArgumentException.class, () -> Base58.decode("I"));
        assertThrows(IllegalArgumentException.class, () -> Base58.decode("l"));
        assertThrows(IllegalArgumentException.class, () -> Base58.decode("é"));
        assertThrows(IllegalArgumentException.class, () -> Base58.decode(" 2"));
    }

    @Test
    void decodingWithAnExpectedLengthRejectsOtherSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Base58.decode("2", 32, "destination"));
        assertEquals("destination must decode to 32 bytes, got 1", e.getMessage());
    }
}
