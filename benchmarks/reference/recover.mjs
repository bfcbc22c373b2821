// viem's recoverTypedDataAddress on the same EIP-3009 vectors Tollgate's VerificationBenchmark reads, on one
// thread (Node's main thread): warm-up, then timed rounds through every vector; each recovery is checked
// against the vector's payer. Usage: node benchmarks/reference/recover.mjs vectors.json [seconds]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../interop/package.json'));
const { recoverTypedDataAddress } = await import(require.resolve('viem'));

const file = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const seconds = Number(process.argv[3] ?? 10);
const domain = { ...file.domain, chainId: BigInt(file.domain.chainId) };
const types = {
  TransferWithAuthorization: [
    { name: 'from', type: 'address' }, { name: 'to', type: 'address' }, { name: 'value', type: 'uint256' },
    { name: 'validAfter', type: 'uint256' }, { name: 'validBefore', type: 'uint256' }, { name: 'nonce', type: 'bytes32' },
  ],
};
const inputs = file.vectors.map((v) => ({
  from: v.from,
  args: {
    domain, types, primaryType: 'TransferWithAuthorization', signature: v.signature,
    message: { from: v.from, to: v.to, value: BigInt(v.value), validAfter: BigInt(v.validAfter),
      validBefore: BigInt(v.validBefore), nonce: v.nonce },
  },
}));

async function run(ms) {
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (const { from, args } of inputs) {
      const signer = await recoverTypedDataAddress(args);
      if (signer.toLowerCase() !== from.toLowerCase()) throw new Error(`vector recovers to ${signer}, not ${from}`);
      n++;
    }
  }
  return n;
}

await run(3000); // warm-up (JIT)
const rounds = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const n = await run((seconds * 1000) / 5);
  rounds.push(n / ((performance.now() - t0) / 1000));
}
const mean = rounds.reduce((a, b) => a + b, 0) / rounds.length;
console.log(`RESULT ops_per_s=${mean.toFixed(1)} rounds=${rounds.map((r) => r.toFixed(0)).join(',')} viem=${require('viem/package.json').version} node=${process.version}`);
