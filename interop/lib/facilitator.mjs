// The reference x402 facilitator, as published in @x402/core + @x402/evm, served over HTTP on loopback.
// It verifies with its own checks and settles for real: transferWithAuthorization from a funded wallet
// on the rig's chain. Every call is recorded so scenarios can see what a resource server asked for.
import http from 'node:http';
import { x402Facilitator } from '@x402/core/facilitator';
import { toFacilitatorEvmSigner } from '@x402/evm';
import { registerExactEvmScheme } from '@x402/evm/exact/facilitator';
import { createWalletClient, http as viemHttp, publicActions } from 'viem';

const MAX_BODY = 64 * 1024;

export async function startFacilitator({ rpcUrl, chain, account, eip6492AllowedFactories = [], log = () => {} }) {
  const client = createWalletClient({ account, chain, transport: viemHttp(rpcUrl) }).extend(publicActions);
  // Scenarios may make the next receipt waits fail after the transfer was broadcast, as a wait that runs out
  // on a slow chain does; the reference mechanism then answers settlement_pending with the transaction.
  let failingReceiptWaits = 0;
  const waitForReceipt = (a) => {
    if (failingReceiptWaits > 0) {
      failingReceiptWaits -= 1;
      log(`facilitator: receipt wait for ${a.hash} made to fail (rig)`);
      return Promise.reject(new Error('Timed out while waiting for transaction receipt (rig)'));
    }
    return client.waitForTransactionReceipt(a);
  };
  const signer = toFacilitatorEvmSigner({
    address: account.address,
    getCode: (a) => client.getCode(a),
    readContract: (a) => client.readContract({ ...a, args: a.args ?? [] }),
    verifyTypedData: (a) => client.verifyTypedData(a),
    writeContract: (a) => client.writeContract({ ...a, args: a.args ?? [] }),
    sendTransaction: (a) => client.sendTransaction(a),
    waitForTransactionReceipt: waitForReceipt,
  });
  const facilitator = new x402Facilitator();
  // v2 on eip155:84532; the helper also registers the v1 scheme for the named v1 networks (base-sepolia).
  // Wallets not yet deployed pay through these factories only: the facilitator deploys them, at its gas cost.
  registerExactEvmScheme(facilitator, { signer, networks: 'eip155:84532', eip6492AllowedFactories });

  const calls = [];
  // Scenarios may act on the chain between a successful /verify and its reply (the buyer spending the
  // funds elsewhere, say), so that the settlement that follows genuinely fails on chain.
  const afterNextValidVerify = [];
  const server = http.createServer(async (req, res) => {
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url, 'http://127.0.0.1');
    let raw = '';
    try {
      for await (const chunk of req) {
        raw += chunk;
        if (raw.length > MAX_BODY) return reply(413, { error: 'body too large' });
      }
      const record = { method: req.method, path: url.pathname, headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
      calls.push(record);
      let status = 200;
      let out;
      if (req.method === 'GET' && url.pathname === '/supported') {
        out = facilitator.getSupported();
      } else if (req.method === 'POST' && (url.pathname === '/verify' || url.pathname === '/settle')) {
        const { paymentPayload, paymentRequirements } = record.body ?? {};
        if (!paymentPayload || !paymentRequirements) {
          status = 400;
          out = { error: 'paymentPayload and paymentRequirements are required' };
        } else if (url.pathname === '/verify') {
          out = await facilitator.verify(paymentPayload, paymentRequirements);
          if (out?.isValid && afterNextValidVerify.length) await afterNextValidVerify.shift()(out);
        } else {
          out = await facilitator.settle(paymentPayload, paymentRequirements);
        }
      } else {
        status = 404;
        out = { error: `no route ${req.method} ${url.pathname}` };
      }
      record.status = status;
      record.response = out;
      log(`facilitator: ${req.method} ${url.pathname} -> ${status} ${JSON.stringify(out)}`);
      reply(status, out);
    } catch (e) {
      const message = e?.message ?? String(e);
      log(`facilitator: ${req.method} ${url.pathname} -> 500 ${message}`);
      calls.push({ method: req.method, path: url.pathname, status: 500, error: message });
      reply(500, { error: message });
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    calls,
    afterNextValidVerify: (fn) => afterNextValidVerify.push(fn),
    failReceiptWaits: (n) => { failingReceiptWaits = n; },
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
