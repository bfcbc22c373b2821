/**
 * Development stand-ins for the chain, for running and testing without a network: a {@link
 * dev.tollgate.core.dev.SimulatedLedger} (balances, used EIP-3009 nonces, synthetic transaction ids), a
 * {@link dev.tollgate.core.dev.DevFacilitator} that answers the standard facilitator API over it, and the
 * published, worthless {@link dev.tollgate.core.dev.DemoAccounts demo payer}. Nothing here settles real
 * payments; never use it in production.
 */
package dev.tollgate.core.dev;
