package dev.tollgate.core.config;

import dev.tollgate.core.pricing.InvalidPriceException;
import dev.tollgate.core.pricing.Network;
import dev.tollgate.core.pricing.Price;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code price} (dollars) or {@code amount} (atomic units of the asset) for one option. The most
 * specific level that sets either wins; setting both at one level is a contradiction.
 */
final class PriceSetting {
    private static final int UINT256_BITS = 256;

    private PriceSetting() {
    }

    /**
     * @param asset the option's token: a price in dollars is only taken for the network's own stablecoin, whose
     *              decimals turn dollars into atomic units; any other token's price must be given as {@code amount}
     */
    static BigInteger atomicAmount(Settings s, java.util.List<String> prefixes, Network network,
                                   Map.Entry<String, String> asset) {
        for (String prefix : prefixes) {
            Optional<String> price = s.get(prefix + "price");
            Optional<String> amount = s.get(prefix + "amount");
            if (price.isPresent() && amount.isPresent()) {
                throw new ConfigurationException(prefix + "amount", "give either " + prefix + "price or "
                        + prefix + "amount, not both");
            }
            if (price.isEmpty() && amount.isEmpty()) {
                continue;
            }
            String key = prefix + (price.isPresent() ? "price" : "amount");
            // Dollars are converted with the network's USDC decimals: for a token of 18 decimals, $1 would ask a
            // trillionth of a token. So another token's price is never read from dollars.
            if (price.isPresent() && !asset.getValue().equalsIgnoreCase(network.usdcAddress())) {
                throw new ConfigurationException(key, "is in dollars, which only the network's USDC is paid in; with "
                        + asset.getKey() + "=" + asset.getValue() + " give " + prefixes.get(0) + "amount in that token's "
                        + "atomic units instead");
            }
            BigInteger units;
            try {
                units = price.isPresent() ? Price.parse(price.get()).atomicUnits(network.decimals())
                        : Price.atomic(amount.get()).atomicUnits(network.decimals());
            } catch (InvalidPriceException e) {
                throw new ConfigurationException(key, e.getMessage());
            }
            // An EIP-3009 value is a uint256: a larger price could never be paid, and the in-process verifier
            // would fail on every proof for it, so it is refused here, naming the setting.
            if (units.bitLength() > UINT256_BITS) {
                throw new ConfigurationException(key, "is more than a uint256 can hold (at most 2^256 - 1 atomic"
                        + " units)");
            }
            return units;
        }
        throw new ConfigurationException(prefixes.get(0) + "price",
                "is required: a price such as \"$0.01\" (or an amount in the asset's atomic units)");
    }
}
