// Tollgate against software it did not write: the reference x402 clients (v1 `x402-fetch`, v2 `@x402/fetch`),
// the reference facilitator (@x402/core + @x402/evm) settling on a local chain, and a reference resource
// server (@x402/express). Run by ../run.sh; every step talks to 127.0.0.1 only.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, appendFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeFunctionData } from 'viem';
import { accounts, setUpChain, startAnvil, USDC_ADDRESS } from '../lib/chain.mjs';
import { EXPRESS_PRICE_ATOMIC, startExpressServer } from '../lib/express-server.mjs';
import { startFacilitator } from '../lib/facilitator.mjs';
import { freePort, runJar, runJarAsync, SAMPLE_JAR, startSample } from '../lib/sample.mjs';
import { PaymentRequiredV1Schema, PaymentRequiredV2Schema } from '@x402/core/schemas';
import { decodePaymentResponseHeader } from '@x402/fetch';
import { PaymentRequirementsSchema as PaymentRequirementsV1ReferenceSchema, SettleResponseSchema as SettleResponseV1Schema } from 'x402/types';
import { checkSettlementOnChain, decodeB64Json, smartWalletClient, v1Client, v2Client } from '../lib/x402.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(here, '..', '.out');
// The Code button page needs a destination beside a real facilitator; no Code payment is made in the rig.
const CODE_DESTINATION = 'E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR';
mkdirSync(outDir, { recursive: true });
const logFile = path.join(outDir, 'rig.log');
const log = (line) => appendFileSync(logFile, `${new Date().toISOString()} ${String(line).trimEnd()}\n`);

const REPORT_PRICE = 10_000n; // $0.01, web.xml's /premium/* price
const WEATHER_PRICE = 1_000n; // $0.001, @PaymentRequired on /api/weather
const acct = accounts();
const rig = {};
const stopOnExit = [];

before(async () => {
  log('--- rig start');
  const anvilPort = await freePort();
  const anvil = await startAnvil({ port: anvilPort, log });
  stopOnExit.push(async () => anvil.proc.kill('SIGKILL'));
  rig.rpcUrl = anvil.rpcUrl;
  Object.assign(rig, await setUpChain(anvil.rpcUrl));
  log(`chain ${rig.rpcUrl}: RigUSDC (solc ${rig.solcVersion}) deployed at ${rig.deployedUsdc}, runtime placed at ${USDC_ADDRESS}`);
  rig.facilitator = await startFacilitator({ rpcUrl: rig.rpcUrl, chain: rig.chain, account: acct.facilitator,
    eip6492AllowedFactories: [rig.walletFactory], log });
  stopOnExit.push(() => rig.facilitator.close());
  log(`facilitator ${rig.facilitator.url}`);
  rig.sample = await startSample({
    name: 'sample',
    log,
    env: { TOLLGATE_FACILITATOR_URL: rig.facilitator.url, TOLLGATE_PAY_TO: acct.payTo.address, TOLLGATE_CODE_DESTINATION: CODE_DESTINATION },
  });
  stopOnExit.push(() => rig.sample.stop());
  log(`sample ${rig.sample.url}`);
});

after(async () => {
  for (const stop of stopOnExit.reverse()) {
    try { await stop(); } catch (e) { log(`stop: ${e.message}`); }
  }
  log('--- rig stop');
});

async function balances() {
  return {
    buyer: await rig.token.balanceOf(acct.buyer.address),
    payTo: await rig.token.balanceOf(acct.payTo.address),
  };
}

/** The resource answers 402 without payment, or 404 while its binding has not landed yet. */
async function routeExists(url) {
  const r = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return r.status !== 404;
}

function paymentHeaderOf(sent, name) {
  const withHeader = sent.filter((s) => s.headers[name]);
  assert.equal(withHeader.length, 1, `the client sent ${name} exactly once`);
  return withHeader[0].headers[name];
}

/**
 * Pays `path` on the sample with one reference client; checks the answer, the settlement header, the
 * transaction on the chain and both balances. Returns the payment header the client sent, for replays.
 */
async function payAndCheck({ generation, path: p, price, base = rig.sample.url }) {
  const sent = [];
  const pay = generation === 1
    ? v1Client({ account: acct.buyer, chain: rig.chain, rpcUrl: rig.rpcUrl, sent })
    : v2Client({ account: acct.buyer, pub: rig.pub, sent });
  const before = await balances();
  const res = await pay(`${base}${p}`);
  const body = await res.text();
  log(`v${generation} GET ${p} -> ${res.status} ${body}`);
  assert.equal(res.status, 200, `paid request answered ${res.status}: ${body}`);

  const headerName = generation === 1 ? 'x-payment-response' : 'payment-response';
  const header = res.headers.get(headerName);
  assert.ok(header, `${headerName} is present`);
  // Decoded and checked the way the reference libraries do it.
  const settle = generation === 1 ? SettleResponseV1Schema.parse(decodeB64Json(header)) : decodePaymentResponseHeader(header);
  log(`${headerName}: ${JSON.stringify(settle)}`);
  assert.equal(settle.success, true);
  assert.match(settle.transaction, /^0x[0-9a-fA-F]{64}$/);
  assert.equal(settle.payer?.toLowerCase(), acct.buyer.address.toLowerCase());
  assert.equal(settle.network, generation === 1 ? 'base-sepolia' : 'eip155:84532');

  const { receipt, transfers } = await checkSettlementOnChain({ pub: rig.pub, usdcAbi: rig.usdcAbi, txHash: settle.transaction });
  assert.equal(receipt.status, 'success', 'the settlement transaction succeeded on chain');
  assert.equal(receipt.to.toLowerCase(), USDC_ADDRESS.toLowerCase(), 'it called the token at the USDC address');
  assert.deepEqual(transfers.map((t) => [t.args.from, t.args.to, t.args.value]),
    [[acct.buyer.address, acct.payTo.address, price]], 'one Transfer of the price, buyer to payTo');

  const afterPay = await balances();
  assert.equal(before.buyer - afterPay.buyer, price, 'the buyer paid exactly the price');
  assert.equal(afterPay.payTo - before.payTo, price, 'payTo received exactly the price');
  return { paymentHeader: paymentHeaderOf(sent, generation === 1 ? 'x-payment' : 'payment-signature'), settle };
}

/** Sends a captured payment header again, by hand: it must get 402 and move nothing. */
async function replayAndCheck({ base, path: p, headerName, headerValue }) {
  const before = await balances();
  const settlesBefore = rig.facilitator.calls.filter((c) => c.path === '/settle' && c.response?.success).length;
  const res = await fetch(`${base}${p}`, { headers: { [headerName]: headerValue }, signal: AbortSignal.timeout(30_000) });
  const body = await res.text();
  log(`replay ${headerName} GET ${p} at ${base} -> ${res.status} ${body}`);
  assert.equal(res.status, 402, `a replayed payment answered ${res.status}: ${body}`);
  // The challenge repeats the route's description ("Premium market report"); the content itself never appears.
  assert.ok(!body.includes('"report":') && !body.includes('USDC demand up'), 'no paid content in the 402');
  assert.deepEqual(await balances(), before, 'no balance moved');
  const settlesAfter = rig.facilitator.calls.filter((c) => c.path === '/settle' && c.response?.success).length;
  assert.equal(settlesAfter, settlesBefore, 'no successful settlement happened');
  return { status: res.status, body };
}

const captured = {};

describe("Tollgate's wire format, judged by the reference libraries", () => {
  test("the 402 challenge parses with the reference v1 and v2 schemas", async () => {
    const res = await fetch(`${rig.sample.url}/premium/report`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 402);
    const body = await res.json();
    // x402-fetch (1.x) reads `accepts` and parses each entry with its PaymentRequirementsSchema; its
    // x402ResponseSchema would also confine `error` to an enum that its own servers' messages fall outside.
    body.accepts.forEach((a) => PaymentRequirementsV1ReferenceSchema.parse(a));
    PaymentRequiredV1Schema.parse(body); // @x402/core's view of v1
    const header = res.headers.get('payment-required');
    assert.ok(header, 'PAYMENT-REQUIRED is present');
    const v2 = PaymentRequiredV2Schema.parse(decodeB64Json(header));
    assert.equal(v2.accepts[0].network, 'eip155:84532');
    assert.equal(v2.accepts[0].amount, String(REPORT_PRICE));
    assert.equal(v2.accepts[0].asset, USDC_ADDRESS);
    assert.deepEqual(v2.accepts[0].extra, { name: 'USDC', version: '2' });
    assert.equal(body.accepts[0].maxAmountRequired, String(REPORT_PRICE));
    assert.equal(body.accepts[0].network, 'base-sepolia');
    // Browsers may read the x402 headers only if they are exposed.
    const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase();
    for (const h of ['payment-required', 'payment-response', 'x-payment-response']) assert.ok(exposed.includes(h), `${h} is exposed`);
  });

  test('Tollgate asks the facilitator in the same shape as the reference @x402/express server', async () => {
    const express = await startExpressServer({ facilitatorUrl: rig.facilitator.url, payTo: acct.expressPayTo.address });
    const shape = (v) => (v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape(v[k])])) : typeof v);
    const bodiesOf = async (url) => {
      const mark = rig.facilitator.calls.length;
      const res = await v2Client({ account: acct.buyer, pub: rig.pub, sent: [] })(url);
      assert.equal(res.status, 200, `${url} answered ${res.status}`);
      const calls = rig.facilitator.calls.slice(mark).filter((c) => c.method === 'POST');
      return Object.fromEntries(calls.map((c) => [c.path, c.body]));
    };
    try {
      const reference = await bodiesOf(`${express.url}/reference/weather`);
      const tollgate = await bodiesOf(`${rig.sample.url}/premium/report`);
      assert.deepEqual(Object.keys(tollgate).sort(), ['/settle', '/verify']);
      assert.deepEqual(Object.keys(reference).sort(), ['/settle', '/verify']);
      for (const p of ['/verify', '/settle']) {
        assert.deepEqual(shape(tollgate[p]), shape(reference[p]), `${p} request bodies have the same fields and types`);
        assert.deepEqual(tollgate[p].paymentRequirements, tollgate[p].paymentPayload.accepted,
          `${p}: the requirements sent are exactly the ones the client accepted`);
      }
    } finally {
      await express.close();
    }
  });

  test("an unfunded buyer's payment is refused with the facilitator's reason, and nothing moves", async () => {
    const before = await balances();
    for (const generation of [1, 2]) {
      const pay = generation === 1
        ? v1Client({ account: acct.unfunded, chain: rig.chain, rpcUrl: rig.rpcUrl, sent: [] })
        : v2Client({ account: acct.unfunded, pub: rig.pub, sent: [] });
      const res = await pay(`${rig.sample.url}/premium/report`);
      const body = await res.text();
      log(`unfunded v${generation} -> ${res.status} ${body}`);
      assert.equal(res.status, 402, `unfunded v${generation} answered ${res.status}`);
      const v1 = PaymentRequiredV1Schema.parse(JSON.parse(body));
      const v2 = PaymentRequiredV2Schema.parse(decodeB64Json(res.headers.get('payment-required')));
      for (const error of [v1.error, v2.error]) assert.match(error ?? '', /insufficient/, `the facilitator's reason reaches the client: ${error}`);
      assert.ok(!body.includes('USDC demand up'));
    }
    assert.deepEqual(await balances(), before);
  });
});

describe('reference clients pay Tollgate through the reference facilitator on chain', () => {
  test('v1 client (x402-fetch) pays /premium/report (servlet filter)', async () => {
    captured.v1Report = (await payAndCheck({ generation: 1, path: '/premium/report', price: REPORT_PRICE })).paymentHeader;
  });

  test('v2 client (@x402/fetch) pays /premium/report (servlet filter)', async () => {
    captured.v2Report = (await payAndCheck({ generation: 2, path: '/premium/report', price: REPORT_PRICE })).paymentHeader;
  });

  test('v1 client (x402-fetch) pays /api/weather (JAX-RS)', async (t) => {
    if (!(await routeExists(`${rig.sample.url}/api/weather`))) {
      return t.skip('SKIPPED: /api/weather answers 404: the JAX-RS route (issue 3) is not in this build of the sample yet');
    }
    captured.v1Weather = (await payAndCheck({ generation: 1, path: '/api/weather', price: WEATHER_PRICE })).paymentHeader;
  });

  test('v2 client (@x402/fetch) pays /api/weather (JAX-RS)', async (t) => {
    if (!(await routeExists(`${rig.sample.url}/api/weather`))) {
      return t.skip('SKIPPED: /api/weather answers 404: the JAX-RS route (issue 3) is not in this build of the sample yet');
    }
    captured.v2Weather = (await payAndCheck({ generation: 2, path: '/api/weather', price: WEATHER_PRICE })).paymentHeader;
  });
});

describe('a replayed payment moves nothing and gets 402', () => {
  test('replayed v1 X-PAYMENT on the same instance', async () => {
    assert.ok(captured.v1Report, 'the v1 payment scenario ran');
    await replayAndCheck({ base: rig.sample.url, path: '/premium/report', headerName: 'X-PAYMENT', headerValue: captured.v1Report });
  });

  test('replayed v2 PAYMENT-SIGNATURE on the same instance', async () => {
    assert.ok(captured.v2Report, 'the v2 payment scenario ran');
    await replayAndCheck({ base: rig.sample.url, path: '/premium/report', headerName: 'PAYMENT-SIGNATURE', headerValue: captured.v2Report });
  });

  test('replayed v1 and v2 payments on /api/weather', async (t) => {
    if (!captured.v1Weather || !captured.v2Weather) {
      return t.skip('SKIPPED: no /api/weather payment to replay (the JAX-RS route is not in this build)');
    }
    await replayAndCheck({ base: rig.sample.url, path: '/api/weather', headerName: 'X-PAYMENT', headerValue: captured.v1Weather });
    await replayAndCheck({ base: rig.sample.url, path: '/api/weather', headerName: 'PAYMENT-SIGNATURE', headerValue: captured.v2Weather });
  });

  test('replays to a second Tollgate instance (empty ledger) are refused by the chain state', async () => {
    assert.ok(captured.v1Report && captured.v2Report, 'the payment scenarios ran');
    const second = await startSample({
      name: 'sample-2', log,
      env: { TOLLGATE_FACILITATOR_URL: rig.facilitator.url, TOLLGATE_PAY_TO: acct.payTo.address, TOLLGATE_CODE_DESTINATION: CODE_DESTINATION },
    });
    try {
      await replayAndCheck({ base: second.url, path: '/premium/report', headerName: 'X-PAYMENT', headerValue: captured.v1Report });
      await replayAndCheck({ base: second.url, path: '/premium/report', headerName: 'PAYMENT-SIGNATURE', headerValue: captured.v2Report });
    } finally {
      await second.stop();
    }
  });
});

/** Whether this build of the sample jar mentions a string anywhere (web.xml or classes). */
function jarMentions(needle) {
  const r = spawnSync('unzip', ['-p', SAMPLE_JAR], { maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`unzip ${SAMPLE_JAR} failed: ${r.stderr}`);
  return r.stdout.includes(Buffer.from(needle));
}

describe('a settlement that fails on chain', () => {
  test('the buyer spends the funds between verify and settle: 402 with PAYMENT-RESPONSE success:false, no content', async () => {
    const stash = acct.deployer.address;
    // anvil's development accounts are unlocked, so the node signs these plain ERC-20 transfers itself.
    const transferAll = async (from, to, amount) => {
      const hash = await rig.test.request({ method: 'eth_sendTransaction', params: [{ from, to: USDC_ADDRESS,
        data: encodeFunctionData({ abi: rig.usdcAbi, functionName: 'transfer', args: [to, amount] }) }] });
      assert.equal((await rig.pub.waitForTransactionReceipt({ hash })).status, 'success');
    };
    const payToBefore = await rig.token.balanceOf(acct.payTo.address);
    let moved = 0n;
    rig.facilitator.afterNextValidVerify(async () => {
      const all = await rig.token.balanceOf(acct.buyer.address);
      await transferAll(acct.buyer.address, stash, all);
      moved = all;
    });
    try {
      const sent = [];
      const res = await v2Client({ account: acct.buyer, pub: rig.pub, sent })(`${rig.sample.url}/premium/report`);
      const body = await res.text();
      log(`settlement failure -> ${res.status} ${body}`);
      assert.ok(moved > 0n, 'the funds were moved after verification');
      assert.equal(res.status, 402, `a failed settlement answered ${res.status}: ${body}`);
      assert.ok(!body.includes('USDC demand up'), 'the buffered content was withheld');
      const header = res.headers.get('payment-response');
      assert.ok(header, 'PAYMENT-RESPONSE tells the client what happened');
      const settle = decodePaymentResponseHeader(header);
      log(`settlement failure PAYMENT-RESPONSE: ${JSON.stringify(settle)}`);
      assert.equal(settle.success, false);
      assert.ok(settle.errorReason, 'with a reason');
      assert.equal(await rig.token.balanceOf(acct.payTo.address), payToBefore, 'payTo received nothing');
    } finally {
      if (moved > 0n) await transferAll(stash, acct.buyer.address, moved);
    }
  });
});

describe('a settlement whose receipt comes late (settlement_pending)', () => {
  const settleCalls = () => rig.facilitator.calls.filter((c) => c.path === '/settle');

  test('the first receipt wait runs out: Tollgate settles again, the facilitator confirms the same transaction, 200, paid once', async () => {
    const earlier = settleCalls().length;
    rig.facilitator.failReceiptWaits(1);
    try {
      // payAndCheck also checks: one Transfer of the price on chain, the buyer debited exactly once.
      const { settle } = await payAndCheck({ generation: 2, path: '/premium/report', price: REPORT_PRICE });
      const settles = settleCalls().slice(earlier);
      assert.deepEqual(settles.map((c) => [c.response?.success, c.response?.errorReason ?? null]),
        [[false, 'settlement_pending'], [true, null]], 'pending first, then confirmed');
      assert.deepEqual(settles[1].body, settles[0].body, 'the same payment asked again, not a new one');
      assert.equal(settles[0].response.transaction, settle.transaction, 'the transaction broadcast the first time');
    } finally {
      rig.facilitator.failReceiptWaits(0);
    }
  });

  test('the receipt wait runs out twice: 402 naming the broadcast transaction; the same payment sent again gets the content', async () => {
    const earlier = settleCalls().length;
    const before = await balances();
    const sent = [];
    rig.facilitator.failReceiptWaits(2);
    try {
      const res = await v2Client({ account: acct.buyer, pub: rig.pub, sent })(`${rig.sample.url}/premium/report`);
      const body = await res.text();
      log(`settlement left pending -> ${res.status} ${body}`);
      assert.equal(res.status, 402, `a settlement still pending answered ${res.status}: ${body}`);
      assert.ok(!body.includes('USDC demand up'), 'no content without a confirmed settlement');
      assert.equal(settleCalls().length - earlier, 2, 'asked again once, never a third time');
      const settle = decodePaymentResponseHeader(res.headers.get('payment-response'));
      log(`settlement left pending PAYMENT-RESPONSE: ${JSON.stringify(settle)}`);
      assert.equal(settle.success, false);
      assert.equal(settle.errorReason, 'settlement_pending');
      assert.equal(settle.transaction, settleCalls()[earlier].response.transaction, 'the transaction broadcast the first time');
      // The wait ran out, not the chain: the transfer is there, and the header is the payer's evidence of it.
      const { receipt, transfers } = await checkSettlementOnChain({ pub: rig.pub, usdcAbi: rig.usdcAbi, txHash: settle.transaction });
      assert.equal(receipt.status, 'success');
      assert.deepEqual(transfers.map((t) => [t.args.from, t.args.to, t.args.value]),
        [[acct.buyer.address, acct.payTo.address, REPORT_PRICE]]);
      assert.equal(before.buyer - (await balances()).buyer, REPORT_PRICE, 'one transfer, never two');

      // The buyer sends the same payment again. A fresh /verify would find the nonce used; Tollgate's cached
      // verification lets it ask /settle, and the facilitator confirms the transaction from its pending store.
      rig.facilitator.failReceiptWaits(0);
      const verifies = rig.facilitator.calls.filter((c) => c.path === '/verify').length;
      const again = await fetch(`${rig.sample.url}/premium/report`, { signal: AbortSignal.timeout(30_000),
        headers: { 'payment-signature': paymentHeaderOf(sent, 'payment-signature') } });
      const againBody = await again.text();
      log(`same payment again -> ${again.status} ${againBody}`);
      assert.equal(again.status, 200, `the same payment sent again answered ${again.status}: ${againBody}`);
      assert.ok(againBody.includes('USDC demand up'), 'the content, this time');
      const confirmed = decodePaymentResponseHeader(again.headers.get('payment-response'));
      assert.equal(confirmed.success, true);
      assert.equal(confirmed.transaction, settle.transaction, 'the same transaction, confirmed');
      assert.equal(rig.facilitator.calls.filter((c) => c.path === '/verify').length, verifies, 'no fresh /verify');
      assert.equal(before.buyer - (await balances()).buyer, REPORT_PRICE, 'still one transfer');
    } finally {
      rig.facilitator.failReceiptWaits(0);
    }
  });
});

describe('hybrid mode: Tollgate verifies locally, the reference facilitator settles', () => {
  test('v1 and v2 clients pay /premium/report with TOLLGATE_VERIFY=local', async (t) => {
    const knowsHybrid = jarMentions('TOLLGATE_VERIFY');
    if (!knowsHybrid) {
      return t.skip('SKIPPED: this build of the sample does not read TOLLGATE_VERIFY: hybrid mode (issue 4) is not on main yet');
    }
    const hybrid = await startSample({
      name: 'sample-hybrid', log,
      env: { TOLLGATE_FACILITATOR_URL: rig.facilitator.url, TOLLGATE_PAY_TO: acct.payTo.address, TOLLGATE_CODE_DESTINATION: CODE_DESTINATION, TOLLGATE_VERIFY: 'local' },
    });
    try {
      const mark = rig.facilitator.calls.length;
      const v1 = await payAndCheck({ generation: 1, path: '/premium/report', price: REPORT_PRICE, base: hybrid.url });
      const v2 = await payAndCheck({ generation: 2, path: '/premium/report', price: REPORT_PRICE, base: hybrid.url });
      const paths = rig.facilitator.calls.slice(mark).map((c) => `${c.method} ${c.path}`);
      log(`hybrid instance's facilitator calls: ${paths.join(', ')}`);
      assert.ok(!paths.includes('POST /verify'), `hybrid mode verified locally, yet called the facilitator: ${paths}`);
      assert.equal(paths.filter((p) => p === 'POST /settle').length, 2, 'both payments were settled by the facilitator');
      // A replay is refused even though the local verifier cannot see the chain's nonce state.
      await replayAndCheck({ base: hybrid.url, path: '/premium/report', headerName: 'X-PAYMENT', headerValue: v1.paymentHeader });
      await replayAndCheck({ base: hybrid.url, path: '/premium/report', headerName: 'PAYMENT-SIGNATURE', headerValue: v2.paymentHeader });
    } finally {
      await hybrid.stop();
    }
  });
});

describe('a smart wallet (ERC-1271, and ERC-6492 before it is deployed) pays Tollgate through the reference facilitator on chain', () => {
  /** A RigSmartWallet owned by the buyer's key, holding 1 USDC. */
  async function fundedWallet() {
    const wallet = await rig.deploySmartWallet(acct.buyer.address);
    await rig.token.mint(wallet, 1_000_000n);
    log(`smart wallet ${wallet}, owned by ${acct.buyer.address}`);
    return wallet;
  }

  /** A RigSmartWallet owned by the buyer's key that the factory has not deployed yet, holding 1 USDC. */
  async function fundedUndeployedWallet(salt) {
    const wallet = await rig.counterfactualWallet(acct.buyer.address, salt);
    await rig.token.mint(wallet.address, 1_000_000n);
    assert.equal(await rig.pub.getCode({ address: wallet.address }), undefined, 'no code there yet');
    log(`undeployed smart wallet ${wallet.address} (factory ${wallet.factory}, salt ${salt})`);
    return wallet;
  }

  /**
   * Pays /premium/report from `wallet` with the reference v2 client (for a wallet not yet deployed, with its
   * `deployment`); checks the answer and the chain.
   */
  async function payFromWallet(base, wallet, deployment) {
    const sent = [];
    const before = { wallet: await rig.token.balanceOf(wallet), payTo: await rig.token.balanceOf(acct.payTo.address) };
    const res = await smartWalletClient({ wallet, owner: acct.buyer, pub: rig.pub, sent, deployment })(`${base}/premium/report`);
    const body = await res.text();
    log(`smart wallet GET /premium/report at ${base} -> ${res.status} ${body}`);
    assert.equal(res.status, 200, `the smart wallet's payment answered ${res.status}: ${body}`);
    assert.ok(body.includes('USDC demand up'), 'with the content');
    const signature = decodeB64Json(paymentHeaderOf(sent, 'payment-signature')).payload.signature;
    if (deployment) {
      assert.ok(signature.endsWith('6492'.repeat(16)), 'an ERC-6492 signature, carrying the deployment');
      assert.notEqual(await rig.pub.getCode({ address: wallet }), undefined, 'the facilitator deployed the wallet');
    } else {
      assert.equal((signature.length - 2) / 2, 66, "the wallet's signature, not an account's 65 bytes");
    }
    const settle = decodePaymentResponseHeader(res.headers.get('payment-response'));
    log(`smart wallet PAYMENT-RESPONSE: ${JSON.stringify(settle)}`);
    assert.equal(settle.success, true);
    assert.equal(settle.payer?.toLowerCase(), wallet.toLowerCase(), 'the wallet paid');
    const { receipt, transfers } = await checkSettlementOnChain({ pub: rig.pub, usdcAbi: rig.usdcAbi, txHash: settle.transaction });
    assert.equal(receipt.status, 'success', 'the token accepted the wallet\'s ERC-1271 answer on chain');
    assert.deepEqual(transfers.map((t) => [t.args.from.toLowerCase(), t.args.to, t.args.value]),
      [[wallet.toLowerCase(), acct.payTo.address, REPORT_PRICE]], 'one Transfer of the price, wallet to payTo');
    assert.equal(before.wallet - (await rig.token.balanceOf(wallet)), REPORT_PRICE, 'the wallet paid exactly the price');
    assert.equal((await rig.token.balanceOf(acct.payTo.address)) - before.payTo, REPORT_PRICE);
  }

  test('where the facilitator verifies (the default), the 66-byte signature reaches it and the wallet pays', async () => {
    await payFromWallet(rig.sample.url, await fundedWallet());
  });

  test('a wallet not yet deployed (ERC-6492) pays: the facilitator deploys it through the factory, then settles', async () => {
    const wallet = await fundedUndeployedWallet(1n);
    await payFromWallet(rig.sample.url, wallet.address, wallet);
  });

  test('in hybrid mode, Tollgate checks the rest itself and asks the facilitator about the signature alone', async () => {
    const wallet = await fundedWallet();
    const undeployed = await fundedUndeployedWallet(2n);
    const hybrid = await startSample({
      name: 'sample-hybrid-wallet', log,
      env: { TOLLGATE_FACILITATOR_URL: rig.facilitator.url, TOLLGATE_PAY_TO: acct.payTo.address, TOLLGATE_CODE_DESTINATION: CODE_DESTINATION, TOLLGATE_VERIFY: 'local' },
    });
    try {
      for (const [address, deployment] of [[wallet, undefined], [undeployed.address, undeployed]]) {
        const mark = rig.facilitator.calls.length;
        await payFromWallet(hybrid.url, address, deployment);
        const posts = rig.facilitator.calls.slice(mark).filter((c) => c.method === 'POST').map((c) => c.path);
        log(`hybrid instance's facilitator calls for smart wallet ${address}: ${posts.join(', ')}`);
        assert.deepEqual(posts, ['/verify', '/settle'], 'one /verify for the signature only the chain can judge');
      }
    } finally {
      await hybrid.stop();
    }
  });
});

/** Whether the jar has the demo payer: without it, `pay` is ignored and the jar tries to serve. */
function demoPayerAvailable() {
  const env = { ...process.env };
  delete env.TOLLGATE_FACILITATOR_URL;
  const r = runJar(['pay'], { env: { ...env, PORT: '1' }, timeoutMs: 30_000 });
  const text = `${r.stdout}\n${r.stderr}`;
  log(`demo payer probe: status ${r.status}: ${text.trim()}`);
  return { available: !/TOLLGATE_FACILITATOR_URL is not set|listening on|failed to start/i.test(text), text };
}

/**
 * Learns which address the demo payer signs for, by letting it pay a loopback server that only answers
 * 402 (with the reference server's own challenge) and records the authorization's `from`.
 */
async function learnDemoPayer(challengeFrom) {
  const first = await fetch(challengeFrom, { signal: AbortSignal.timeout(10_000) });
  const challengeHeaders = {};
  for (const [k, v] of first.headers) if (k.toLowerCase() === 'payment-required') challengeHeaders[k] = v;
  const challengeBody = await first.text();
  const seen = [];
  const server = http.createServer((req, res) => {
    for (const h of ['payment-signature', 'x-payment']) {
      if (req.headers[h]) seen.push(decodeB64Json(req.headers[h]));
    }
    res.writeHead(402, { 'content-type': 'application/json', ...challengeHeaders });
    res.end(challengeBody);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${server.address().port}${new URL(challengeFrom).pathname}`;
    const r = await runJarAsync(['pay', url, '--v2'], { timeoutMs: 60_000 });
    log(`demo payer against the capture server: ${r.status} ${r.stdout} ${r.stderr}`);
  } finally {
    server.closeAllConnections?.();
    await new Promise((r) => server.close(r));
  }
  const from = seen.map((p) => p.payload?.authorization?.from).find(Boolean);
  assert.ok(from, 'the demo payer sent a payment with an EIP-3009 authorization');
  return from;
}

describe("Tollgate's demo payer pays the reference @x402/express server through the rig", () => {
  test('demo payer --v2 gets 200 from @x402/express, settled on chain', async (t) => {
    const probe = demoPayerAvailable();
    if (!probe.available) {
      return t.skip('SKIPPED: this build of the sample jar has no `pay` subcommand: the demo payer (issue 4) is not on main yet');
    }
    const express = await startExpressServer({ facilitatorUrl: rig.facilitator.url, payTo: acct.expressPayTo.address });
    try {
      const url = `${express.url}/reference/weather`;
      const payer = await learnDemoPayer(url);
      log(`demo payer address: ${payer}`);
      await rig.token.mint(payer, 1_000_000n);
      const before = { payer: await rig.token.balanceOf(payer), payTo: await rig.token.balanceOf(acct.expressPayTo.address) };
      const mark = rig.facilitator.calls.length;
      const r = await runJarAsync(['pay', url, '--v2'], { timeoutMs: 60_000 });
      const out = `${r.stdout}\n${r.stderr}`;
      log(`demo payer: exit ${r.status}\n${out}`);
      assert.equal(r.status, 0, `the demo payer exited ${r.status}:\n${out}`);
      assert.match(out, /\b200\b/, 'the demo payer reports status 200');
      assert.match(out, /sunny/, 'and prints the reference server body');
      const settles = rig.facilitator.calls.slice(mark).filter((c) => c.path === '/settle' && c.response?.success);
      assert.equal(settles.length, 1, 'the reference facilitator settled once');
      const { receipt, transfers } = await checkSettlementOnChain({ pub: rig.pub, usdcAbi: rig.usdcAbi, txHash: settles[0].response.transaction });
      assert.equal(receipt.status, 'success');
      assert.deepEqual(transfers.map((x) => [x.args.from.toLowerCase(), x.args.to, x.args.value]),
        [[payer.toLowerCase(), acct.expressPayTo.address, EXPRESS_PRICE_ATOMIC]]);
      const afterPay = { payer: await rig.token.balanceOf(payer), payTo: await rig.token.balanceOf(acct.expressPayTo.address) };
      assert.equal(before.payer - afterPay.payer, EXPRESS_PRICE_ATOMIC);
      assert.equal(afterPay.payTo - before.payTo, EXPRESS_PRICE_ATOMIC);
    } finally {
      await express.close();
    }
  });
});
