// The reference x402 middleware (@x402/express, from interop/'s npm lockfile) protecting the same route as
// Tollgate's sample: GET /bench/paid at $0.01 on base-sepolia, the same payTo and timeout, the same small body,
// paying through the same facilitator (the benchmark's instant double). Loopback only.
// Usage: node benchmarks/reference/server.mjs <port> <facilitatorUrl>
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../interop/package.json'));
const load = async (name) => import(require.resolve(name));

const express = (await load('express')).default;
const { HTTPFacilitatorClient, x402ResourceServer } = await load('@x402/core/server');
const { paymentMiddleware } = await load('@x402/express');
const { registerExactEvmScheme } = await load('@x402/evm/exact/server');

const [port, facilitatorUrl] = [Number(process.argv[2] ?? 8093), process.argv[3] ?? 'http://127.0.0.1:8092'];
const payTo = '0x209693Bc6afc0C5328bA36FaF03C514EF312287C';
const body = { bench: 'ok' };

const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: facilitatorUrl }));
registerExactEvmScheme(resourceServer, {});
const app = express();
app.use(paymentMiddleware({
  'GET /bench/paid': {
    accepts: { scheme: 'exact', price: '$0.01', network: 'eip155:84532', payTo, maxTimeoutSeconds: 60 },
    description: 'Benchmark',
    mimeType: 'application/json',
  },
}, resourceServer));
app.get('/bench/free', (req, res) => res.json(body));
app.get('/bench/paid', (req, res) => res.json(body));
app.listen(port, '127.0.0.1', () => console.log(`@x402/express reference listening on http://127.0.0.1:${port}`));
