package dev.tollgate.core.dev;

import dev.tollgate.core.evm.EvmAddress;
import dev.tollgate.core.evm.EvmPrivateKey;
import java.math.BigInteger;

/**
 * The published demo payer. Its private key is in this source file and in the README: it is worthless and
 * must never hold anything of value on any chain. The dev facilitator funds it in its simulated ledger so
 * that the demo payer can pay the sample without a wallet, a faucet or a network.
 *
 * <p>The key is keccak256 of the ASCII text {@value #KEY_DERIVATION}, so anyone can check that it was not
 * picked to collide with a real account.
 */
public final class DemoAccounts {

    /** The text whose keccak256 is the demo key. */
    public static final String KEY_DERIVATION = "tollgate demo payer: public, worthless, never fund on chain";

    /** The demo payer's private key, in the clear on purpose. */
    public static final String DEMO_PAYER_PRIVATE_KEY =
            "0x1fc8e0e1020934b76cc4b6d2d44e0370d211c5723d1b3d0084e2f3d9f9f68637";

    public static final EvmPrivateKey DEMO_PAYER_KEY = EvmPrivateKey.fromHex(DEMO_PAYER_PRIVATE_KEY);

    /** 0xF6aea08DB148C0CAA8233cEa71EA8C78d5f24753. */
    public static final EvmAddress DEMO_PAYER = DEMO_PAYER_KEY.address();

    /** What the dev facilitator credits the demo payer with on every simulated token: 1,000 units of a 6-decimal token. */
    public static final BigInteger DEMO_FUNDS = BigInteger.valueOf(1_000_000_000L);

    private DemoAccounts() {
    }
}
