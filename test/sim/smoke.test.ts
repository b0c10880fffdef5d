import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { binanceClient } from './ccxt-client.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 7 });
});
afterAll(async () => {
  await sim.close();
});

test('smoke', async () => {
  const ex = await binanceClient(sim);
  const markets = await ex.loadMarkets();
  expect(Object.keys(markets)).toContain('BTC/USDT:USDT');
  const bal = await ex.fetchBalance();
  expect(bal.USDT?.total).toBe(10000);
  const o = await ex.createOrder('BTC/USDT:USDT', 'limit', 'buy', 0.01, 60000, { positionSide: 'LONG', clientOrderId: 'c-1' });
  expect(o.status).toBe('open');
  const open = await ex.fetchOpenOrders('BTC/USDT:USDT');
  expect(open.map((x) => x.clientOrderId)).toEqual(['c-1']);
  await ex.close();
});
