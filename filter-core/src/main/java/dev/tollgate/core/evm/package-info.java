/**
 * The x402 {@code exact} scheme on EVM chains (EIP-3009 TransferWithAuthorization), framework-free.
 *
 * <p>Entry points: {@link dev.tollgate.core.evm.ExactEvmAuthorization#parse} turns the payload's JSON
 * strings into a typed authorization (malformed input throws {@link java.lang.IllegalArgumentException},
 * an HTTP 400 matter); {@link dev.tollgate.core.evm.LocalExactEvmVerifier#verify} runs the reference
 * facilitator's local checks and answers an {@link dev.tollgate.core.evm.ExactEvmVerification};
 * {@link dev.tollgate.core.evm.Eip3009Signer} is the payer side.
 *
 * <p>Deliberately out of scope: on-chain state (balance, {@code authorizationState} nonce, simulation),
 * settlement, and judging smart-wallet signatures (ERC-1271 / ERC-6492), which only the wallet's contract can
 * do. Only 65-byte signatures of externally owned accounts verify here; any other length is marked for a
 * facilitator ({@link dev.tollgate.core.evm.ExactEvmVerification#contractSignature()}).
 */
package dev.tollgate.core.evm;
