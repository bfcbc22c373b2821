// A reference x402 resource server (@x402/express, v2) that sends its payments to the rig's facilitator.
import express from 'express';
import { HTTPFacilitatorClient, x402ResourceServer } from '@x402/core/server';
import { paymentMiddleware } from '@x402/express';
import { registerExactEvmScheme } from '@x402/evm/exact/server';

export const EXPRESS_PRICE_ATOMIC = 1000n; // "$0.001" in 6-decimal USDC

export async function startExpressServer({ facilitatorUrl, payTo }) {
  const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: facilitatorUrl }));
  registerExactEvmScheme(resourceServer, {});
  const app = express();
  app.use(paymentMiddleware({
    'GET /reference/weather': {
      accepts: { scheme: 'exact', price: '$0.001', network: 'eip155:84532', payTo },
      description: 'Weather from the reference x402 server',
      mimeType: 'application/json',
    },
  }, resourceServer));
  app.get('/reference/weather', (req, res) => res.json({ weather: 'sunny', from: '@x402/express' }));
  const server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
