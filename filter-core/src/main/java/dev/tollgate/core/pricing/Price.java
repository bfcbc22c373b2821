package dev.tollgate.core.pricing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;

/**
 * What a route costs: either a dollar amount, paid in the network's stablecoin, or an explicit amount
 * of the asset's atomic units. Converting to atomic units is exact or fails: a price is never rounded.
 */
public sealed interface Price {

    /** The amount the client must authorize, in the asset's atomic units. */
    BigInteger atomicUnits(int decimals) throws InvalidPriceException;

    /** {@code "$0.01"} or {@code "0.01"}: US dollars. */
    static Price parse(String text) throws InvalidPriceException {
        if (text == null || text.isBlank()) {
            throw new InvalidPriceException("a price is required, such as \"$0.01\"");
        }
        String s = text.strip();
        if (s.startsWith("$")) {
            s = s.substring(1).strip();
        }
        if (s.length() > 40 || !s.matches("[0-9]*(\\.[0-9]*)?") || s.equals(".") || s.isEmpty()) {
            throw new InvalidPriceException("\"" + text + "\" is not a price; write it like \"$0.01\" or \"0.01\"");
        }
        BigDecimal dollars = new BigDecimal(s);
        // The limit holds for the price as it is printed too (".5" prints as "0.5"), so that every price
        // this accepts reads back from its own rendering.
        if (dollars.toPlainString().length() > 40) {
            throw new InvalidPriceException("\"" + text + "\" has more digits than a price can have (40)");
        }
        return usd(dollars);
    }

    static Price usd(BigDecimal dollars) throws InvalidPriceException {
        Objects.requireNonNull(dollars, "dollars");
        if (dollars.signum() <= 0) {
            throw new InvalidPriceException("a price must be greater than zero, was " + dollars.toPlainString());
        }
        return new Usd(dollars);
    }

    /** An explicit amount of the asset, in atomic units (for USDC: millionths of a dollar). */
    static Price atomic(String units) throws InvalidPriceException {
        if (units == null || !units.strip().matches("[0-9]{1,78}")) {
            throw new InvalidPriceException("\"" + units + "\" is not an amount of atomic units (digits only)");
        }
        BigInteger value = new BigInteger(units.strip());
        if (value.signum() <= 0) {
            throw new InvalidPriceException("an amount must be greater than zero, was " + units);
        }
        return new Atomic(value);
    }

    record Usd(BigDecimal dollars) implements Price {
        @Override
        public BigInteger atomicUnits(int decimals) throws InvalidPriceException {
            BigDecimal scaled = dollars.movePointRight(decimals);
            try {
                return scaled.toBigIntegerExact();
            } catch (ArithmeticException e) {
                throw new InvalidPriceException("$" + dollars.toPlainString() + " is finer than the asset's "
                        + decimals + " decimals");
            }
        }

        @Override
        public String toString() {
            return "$" + dollars.toPlainString();
        }
    }

    record Atomic(BigInteger units) implements Price {
        @Override
        public BigInteger atomicUnits(int decimals) {
            return units;
        }

        @Override
        public String toString() {
            return units + " atomic units";
        }
    }
}
