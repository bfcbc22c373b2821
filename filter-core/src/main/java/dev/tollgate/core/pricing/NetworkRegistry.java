package dev.tollgate.core.pricing;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maps x402 v1 network names and v2 CAIP-2 ids to the same {@link Network}. Users add or override
 * entries (a new chain, a different token) with {@link #with(Network)}.
 */
public final class NetworkRegistry {
    private final Map<String, Network> byName;

    private NetworkRegistry(Map<String, Network> byName) {
        this.byName = byName;
    }

    /** USDC (6 decimals, EIP-712 version "2") on the networks the x402 reference implementations name. */
    public static NetworkRegistry defaults() {
        return new NetworkRegistry(new LinkedHashMap<>())
                .with(new Network("base", "eip155:8453", 8453,
                        "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", 6, "USD Coin", "2"))
                .with(new Network("base-sepolia", "eip155:84532", 84532,
                        "0x036CbD53842c5426634e7929541eC2318f3dCF7e", 6, "USDC", "2"))
                .with(new Network("avalanche", "eip155:43114", 43114,
                        "0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E", 6, "USD Coin", "2"))
                .with(new Network("avalanche-fuji", "eip155:43113", 43113,
                        "0x5425890298aed601595a70AB815c96711a31Bc65", 6, "USD Coin", "2"))
                .with(new Network("polygon", "eip155:137", 137,
                        "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", 6, "USD Coin", "2"))
                .with(new Network("polygon-amoy", "eip155:80002", 80002,
                        "0x41E94Eb019C0762f9Bfcf9Fb1E58725BfB0e7582", 6, "USDC", "2"));
    }

    /** A copy with {@code network} added, replacing any entry with the same v1 name or CAIP-2 id. */
    public NetworkRegistry with(Network network) {
        Map<String, Network> copy = new LinkedHashMap<>(byName);
        copy.entrySet().removeIf(e -> e.getValue().v1Name().equals(network.v1Name())
                || e.getValue().caip2().equals(network.caip2()));
        copy.put(key(network.v1Name()), network);
        copy.put(key(network.caip2()), network);
        return new NetworkRegistry(copy);
    }

    /** Looks a network up by its v1 name or its CAIP-2 id. */
    public Optional<Network> find(String nameOrCaip2) {
        return nameOrCaip2 == null ? Optional.empty() : Optional.ofNullable(byName.get(key(nameOrCaip2)));
    }

    public Collection<Network> all() {
        return Collections.unmodifiableCollection(new java.util.LinkedHashSet<>(byName.values()));
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }
}
