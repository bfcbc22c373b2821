package dev.tollgate.core.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Every price {@link Price#parse} accepts reads back from its own rendering. Found by the reliability
 * campaign's fuzzer: ".7777777777777777777777777777777777777778" (40 characters) was accepted, but prints as
 * "$0.777…778", one character over the limit, which parse then refused.
 */
class PriceRoundTripTest {

    @Test
    void aPriceWhoseRenderingWouldPassTheLengthLimitIsRefused() {
        assertThrows(InvalidPriceException.class, () -> Price.parse(".7777777777777777777777777777777777777778"));
    }

    @Test
    void theLongestAcceptedPricesReadBackFromTheirRendering() throws InvalidPriceException {
        for (String text : new String[] {"0.77777777777777777777777777777777777778", ".5",
            "1234567890123456789012345678901234567890", "$.000001"}) {
            Price price = Price.parse(text);
            assertEquals(price, Price.parse(price.toString()), text);
        }
    }
}
