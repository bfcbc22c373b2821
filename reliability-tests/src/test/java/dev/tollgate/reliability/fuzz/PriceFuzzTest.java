package dev.tollgate.reliability.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.core.pricing.InvalidPriceException;
import dev.tollgate.core.pricing.Price;
import java.math.BigInteger;

/**
 * Prices as configuration and annotations write them. Property: a price parses to a positive amount whose
 * conversion to atomic units is exact or refused (never rounded), prints back to itself, and nothing but
 * {@link InvalidPriceException} is ever thrown.
 */
class PriceFuzzTest {

    @FuzzTest
    void pricesParseExactlyOrAreRefused(FuzzedDataProvider data) {
        int decimals = data.consumeInt(0, 30);
        boolean atomic = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        Price price;
        try {
            price = atomic ? Price.atomic(text) : Price.parse(text);
        } catch (InvalidPriceException refused) {
            return;
        }
        try {
            BigInteger units = price.atomicUnits(decimals);
            assertTrue(units.signum() > 0, "a parsed price converted to " + units + ": " + text);
        } catch (InvalidPriceException tooFine) {
            // finer than the asset's decimals: refused, not rounded
        }
        if (!atomic) {
            try {
                assertEquals(price, Price.parse(price.toString()), "does not print back to itself: " + text);
            } catch (InvalidPriceException e) {
                throw new AssertionError("its own rendering " + price + " does not parse", e);
            }
        }
    }
}
