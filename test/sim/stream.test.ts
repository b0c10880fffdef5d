// Every user-data message, parsed by ccxt's watchOrders, watchMyTrades, watchPositions and
// watchBalance to the values expected.
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { binanceClient } from './ccxt-client.js';
import { control, sleep, within } from './control-client.js';

const S = 'BTC/USDT:USDT';
let sim: Simulator;
let ex: any;

beforeEach(async () => {
  sim = await startSimulator({ seed: 5 });
  ex = await binanceClient(sim);
  await ex.loadMarkets();
});
afterEach(async () => {
  await ex.close();
  await sim.close();
});

async function opened() {
  // The first watch opens the socket; wait until the simulator sees it.
  for (let i = 0; i < 50 && sim.stream.connectionCount() === 0; i++) await sleep(20);
  expect(sim.stream.connectionCount()).toBe(1);
}

test('ORDER_TRADE_UPDATE: a new order, a partial fill and the final fill', async () => {
  const orders = ex.watchOrders(S);
  await opened();
  const placed = await ex.createOrder(S, 'limit', 'buy', 0.01, 64000, { positionSide: 'LONG', clientOrderId: 'w-1' });
  const [o] = await orders;
  expect(o).toMatchObject({ id: placed.id, clientOrderId: 'w-1', status: 'open', type: 'limit', side: 'buy', amount: 0.01, filled: 0, price: 64000 });

  await control(sim, 'POST', '/partial-fills', { ratio: '0.4' });
  const trades = ex.watchMyTrades(S);
  const updates = ex.watchOrders(S);
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '63950' });
  const [t] = await trades;
  expect(t).toMatchObject({ order: placed.id, side: 'buy', price: 64000, amount: 0.004, takerOrMaker: 'maker' });
  expect(t.fee).toMatchObject({ currency: 'USDT' });
  expect(t.fee.cost).toBeCloseTo(0.0512, 10);
  const partial = (await updates).find((x: any) => x.id === placed.id);
  expect(partial).toMatchObject({ status: 'open', filled: 0.004, remaining: 0.006, average: 64000 });

  const final = ex.watchOrders(S);
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '63900' });
  const done = (await final).find((x: any) => x.id === placed.id);
  expect(done).toMatchObject({ status: 'closed', filled: 0.01, remaining: 0 });
});

test('ACCOUNT_UPDATE: positions and balance after a fill; margin-only frames carry no balance', async () => {
  const positions = ex.watchPositions([S]);
  const balance = ex.watchBalance();
  await opened();
  await ex.createOrder(S, 'market', 'buy', 0.02, undefined, { positionSide: 'LONG' });
  const [p] = await positions;
  expect(p).toMatchObject({ symbol: S, side: 'long', contracts: 0.02, entryPrice: 65000, hedged: true });
  const b = await balance;
  expect(b.USDT.total).toBeCloseTo(10000 - 0.52, 8); // taker fee 0.04% of 1300
  const next = ex.watchBalance();
  await control(sim, 'POST', '/stream/margin-frame');
  const after = await next; // a frame with no balance rows (B: []) leaves the balance as it was
  expect(after.info.a.B).toEqual([]);
  expect(after.USDT.total).toBeCloseTo(10000 - 0.52, 8);
});

test('ALGO_UPDATE: a conditional order, then its trigger with the id of the order it creates', async () => {
  await control(sim, 'POST', '/position', { symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.01', entryPrice: '65000' });
  const first = ex.watchOrders(S);
  await opened();
  const sl = await ex.createOrder(S, 'market', 'sell', undefined, undefined, { stopLossPrice: 64000, closePosition: true, positionSide: 'LONG', clientOrderId: 'sl-w' });
  const [o] = await first;
  expect(o).toMatchObject({ id: sl.id, clientOrderId: 'sl-w', status: 'open', triggerPrice: 64000 });
  const raw: any[] = [];
  const collect = async () => {
    for (let i = 0; i < 4; i++) raw.push(...(await ex.watchOrders(S)));
  };
  const collecting = collect();
  await control(sim, 'POST', '/price', { symbol: 'BTCUSDT', price: '63990' });
  await within(collecting, 2000);
  const triggered = raw.find((x) => x.id === sl.id && x.status === 'closed');
  expect(['TRIGGERED', 'FINISHED']).toContain(triggered?.info.X);
  expect(triggered.info.ai).not.toBe('');
  const created = raw.find((x) => x.id === triggered.info.ai);
  expect(created).toMatchObject({ type: 'market', side: 'sell', reduceOnly: true });
  const state = await control(sim, 'GET', '/state');
  expect(state.positions).toEqual([]);
});

test('listenKeyExpired: ccxt ignores it and the stream goes quiet', async () => {
  const orders = ex.watchOrders(S);
  await opened();
  await control(sim, 'POST', '/stream/expire-listen-key');
  await ex.createOrder(S, 'limit', 'buy', 0.01, 60000, { positionSide: 'LONG' });
  expect(await within(orders, 500)).toBe('pending');
});
