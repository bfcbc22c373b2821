// Helpers shared by the scenarios: reference clients that record what they send, header decoding,
// and on-chain checks of a settlement.
import { x402Client } from '@x402/core/client';
import { toClientEvmSigner } from '@x402/evm';
import { registerExactEvmScheme } from '@x402/evm/exact/client';
import { wrapFetchWithPayment as wrapV2 } from '@x402/fetch';
import { concat, createWalletClient, hashTypedData, http, parseEventLogs, serializeErc6492Signature } from 'viem';
import { wrapFetchWithPayment as wrapV1 } from 'x402-fetch';
import { USDC_ADDRESS } from './chain.mjs';

/** A fetch that records every request's headers before sending it. */
export function recordingFetch(sent) {
  return async (input, init) => {
    const req = new Request(input, init);
    sent.push({ url: req.url, method: req.method, headers: Object.fromEntries(req.headers) });
    return fetch(req, { signal: AbortSignal.timeout(30_000) });
  };
}

/** The reference v1 client (x402-fetch) paying from `account` on the rig's chain. */
export function v1Client({ account, chain, rpcUrl, sent }) {
  const wallet = createWalletClient({ account, chain, transport: http(rpcUrl) });
  return wrapV1(recordingFetch(sent), wallet);
}

/** The reference v2 client (@x402/fetch + @x402/evm exact) paying from `account`. */
export function v2Client({ account, pub, sent }) {
  const client = new x402Client();
  registerExactEvmScheme(client, { signer: toClientEvmSigner(account, pub) });
  return wrapV2(recordingFetch(sent), client);
}

/**
 * The reference v2 client paying from a RigSmartWallet at `wallet`: the authorization's `from` is the wallet,
 * and its signature is what the wallet's ERC-1271 check accepts, the owner's signature of the typed data's
 * hash behind a zero type byte (66 bytes). A wallet not yet deployed (`deployment`: its factory and the
 * factory's call data) wraps that signature with them (ERC-6492).
 */
export function smartWalletClient({ wallet, owner, pub, sent, deployment }) {
  const signer = {
    address: wallet,
    signTypedData: async (typedData) => {
      const signature = concat(['0x00', await owner.sign({ hash: hashTypedData(typedData) })]);
      return deployment
        ? serializeErc6492Signature({ address: deployment.factory, data: deployment.factoryCalldata, signature })
        : signature;
    },
  };
  const client = new x402Client();
  registerExactEvmScheme(client, { signer: toClientEvmSigner(signer, pub) });
  return wrapV2(recordingFetch(sent), client);
}

export function decodeB64Json(value) {
  return JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
}

/** The settlement transaction's receipt (it throws if the chain has no such transaction) and its USDC Transfer events. */
export async function checkSettlementOnChain({ pub, usdcAbi, txHash }) {
  const receipt = await pub.getTransactionReceipt({ hash: txHash });
  const transfers = parseEventLogs({ abi: usdcAbi, logs: receipt.logs, eventName: 'Transfer' })
    .filter((l) => l.address.toLowerCase() === USDC_ADDRESS.toLowerCase());
  return { receipt, transfers };
}
