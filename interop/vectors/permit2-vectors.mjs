// Writes filter-core/src/test/resources/vectors/permit2.json: Permit2 PermitWitnessTransferFrom signatures of
// x402's exact scheme on EVM (asset transfer method permit2), made by viem, which Tollgate's code did not write.
// Run from interop/ with its node_modules installed:  node vectors/permit2-vectors.mjs
// The output is deterministic (fixed keys, fixed nonces, RFC 6979 signatures), so rerunning it changes nothing.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hashDomain, hashStruct, hashTypedData } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

// Public test keys (anvil's accounts 1 and 2): worthless.
const payer = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const stranger = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');

// Facts from the x402 specification (specs/schemes/exact/scheme_exact_evm.md) and Uniswap's deployments.
const PERMIT2 = '0x000000000022D473030F116dDEE9F6B43aC78BA3';
const PROXY = '0x402085c248EeA27D92E8b30b2C58ed07f9E20001';
const types = {
  PermitWitnessTransferFrom: [
    { name: 'permitted', type: 'TokenPermissions' },
    { name: 'spender', type: 'address' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
    { name: 'witness', type: 'Witness' },
  ],
  TokenPermissions: [
    { name: 'token', type: 'address' },
    { name: 'amount', type: 'uint256' },
  ],
  Witness: [
    { name: 'to', type: 'address' },
    { name: 'validAfter', type: 'uint256' },
  ],
};

const now = 1765000000;
const requirement = {
  network: 'eip155:84532', chainId: 84532, asset: '0x036CbD53842c5426634e7929541eC2318f3dCF7e',
  payTo: '0x209693Bc6afc0C5328bA36FaF03C514EF312287C', amount: '10000',
};
const base = {
  permitted: { token: requirement.asset, amount: requirement.amount },
  from: payer.address,
  spender: PROXY,
  nonce: '33247007178036348590600198031289925668252061821958005840077069883511451257277',
  deadline: String(now + 60),
  witness: { to: requirement.payTo, validAfter: String(now - 600) },
};

const domainOf = (chainId) => ({ name: 'Permit2', chainId, verifyingContract: PERMIT2 });
const messageOf = (a) => ({
  permitted: { token: a.permitted.token, amount: BigInt(a.permitted.amount) },
  spender: a.spender, nonce: BigInt(a.nonce), deadline: BigInt(a.deadline),
  witness: { to: a.witness.to, validAfter: BigInt(a.witness.validAfter) },
});
const clone = (a) => JSON.parse(JSON.stringify(a));

async function signed(a, { chainId = requirement.chainId, signer = payer } = {}) {
  const signature = await signer.signTypedData({
    domain: domainOf(chainId), types, primaryType: 'PermitWitnessTransferFrom', message: messageOf(a),
  });
  return { signature, permit2Authorization: a };
}

const vectors = [];
const add = (name, expect, payload) => vectors.push({ name, expect, payload });

// The valid one, with the hashes on the way to its digest for the Java side to compare step by step.
const valid = await signed(clone(base));
const hashes = {
  domainSeparator: hashDomain({ domain: domainOf(requirement.chainId),
    types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' },
      { name: 'verifyingContract', type: 'address' }] } }),
  structHash: hashStruct({ data: messageOf(base), primaryType: 'PermitWitnessTransferFrom', types }),
  digest: hashTypedData({ domain: domainOf(requirement.chainId), types, primaryType: 'PermitWitnessTransferFrom',
    message: messageOf(base) }),
};
add('valid', 'valid', valid);
{
  const a = clone(base); a.nonce = '7'; a.deadline = String(now + 3600); a.witness.validAfter = String(now);
  add('valid with a small nonce, validAfter now', 'valid', await signed(a));
}

// Tampered after signing: every field still agrees with the requirement, only the signature no longer fits.
const tampered = (name, edit) => {
  const p = clone(valid); edit(p.permit2Authorization, p); add(name, 'invalid_permit2_signature', p);
};
tampered('nonce changed', (a) => { a.nonce = '1'; });
tampered('deadline moved later', (a) => { a.deadline = String(now + 120); });
tampered('validAfter moved earlier', (a) => { a.witness.validAfter = String(now - 601); });
tampered('from is another address', (a) => { a.from = stranger.address; });
tampered('signature s flipped', (a, p) => {
  const hex = p.signature.slice(2); const i = 100; // a nibble of s
  p.signature = '0x' + hex.slice(0, i) + ((parseInt(hex[i], 16) ^ 1).toString(16)) + hex.slice(i + 1);
});
add('signed for another chain (base mainnet)', 'invalid_permit2_signature',
  await signed(clone(base), { chainId: 8453 }));
add('signed by another key', 'invalid_permit2_signature', await signed(clone(base), { signer: stranger }));

// Genuinely signed, but for other terms than the requirement's.
const terms = async (name, expect, edit) => { const a = clone(base); edit(a); add(name, expect, await signed(a)); };
await terms('spender is not the x402 proxy', 'invalid_permit2_spender', (a) => { a.spender = PERMIT2; });
await terms('witness.to is not payTo', 'invalid_permit2_recipient_mismatch',
  (a) => { a.witness.to = stranger.address; });
await terms('amount is less', 'permit2_amount_mismatch', (a) => { a.permitted.amount = '9999'; });
await terms('amount is more', 'permit2_amount_mismatch', (a) => { a.permitted.amount = '10001'; });
await terms('another token', 'permit2_token_mismatch',
  (a) => { a.permitted.token = '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913'; });
await terms('deadline within 6 s', 'permit2_deadline_expired', (a) => { a.deadline = String(now + 5); });
await terms('deadline passed', 'permit2_deadline_expired', (a) => { a.deadline = String(now - 1); });
await terms('validAfter in the future', 'permit2_not_yet_valid', (a) => { a.witness.validAfter = String(now + 1); });

const out = {
  description: 'x402 exact on EVM, assetTransferMethod permit2: PermitWitnessTransferFrom signatures made by viem '
    + 'with interop/vectors/permit2-vectors.mjs. "now" is the verifier clock in Unix seconds; each payload pays the '
    + 'requirement; "expect" is valid or the x402 reference reason of the first failed check.',
  generator: 'viem 2.57.20',
  permit2: PERMIT2, proxy: PROXY, payer: payer.address, now, requirement,
  domain: domainOf(requirement.chainId), hashes, vectors,
};
const target = fileURLToPath(new URL('../../filter-core/src/test/resources/vectors/permit2.json', import.meta.url));
writeFileSync(target, JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${vectors.length} vectors to ${target}`);
