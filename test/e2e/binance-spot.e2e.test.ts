// Binance spot end to end (issue 14): real ccxt `binance` (spot) against the spot simulator, the
// real runtime, a SQLite context store. Spot has no position rows: the holding is derived (base
// balance free + locked, entry from the trade history's VWAP) and protected by ONE OCO order list
// (POST /api/v3/orderList/oco: the TP a LIMIT_MAKER above, the SL a STOP_LOSS below, each leg an
// exstate custom id with its own context); DCA steps are plain LIMIT buys.
import { Decimal } from 'decimal.js';
import { spotMarketBuy } from '../../src/ops/demo-script.js';
import type { SpotSimulator } from '../../src/sim/spot/server.js';
import { startSpotStack, waitFor, type SpotStack } from './stack.js';

let stack: SpotStack;
let listWatch: NodeJS.Timeout | undefined;
/** The most OCO lists ever open at once while a test ran (sampled every 5 ms). */
let maxOpenLists = 0;

afterEach(async () => {
  if (listWatch) clearInterval(listWatch);
  listWatch = undefined;
  await stack?.stop();
});

function watchLists(sim: SpotSimulator): void {
  maxOpenLists = 0;
  listWatch = setInterval(() => {
    maxOpenLists = Math.max(maxOpenLists, sim.engine.openLists('BTCUSDT').length);
  }, 5);
}

const holding = (sim: SpotSimulator) => {
  sim.engine.placeOrder(spotMarketBuy('0.01', 'manual')); // 0.01 BTC at 65000, 0.00001 BTC commission: 0.00999 held
};
const posts = (s: SpotStack, path: string) => s.sim.requests.since(0).filter((r) => r.method === 'POST' && r.path === path);
const apiOpen = (sim: SpotSimulator) => sim.engine.openOrders('BTCUSDT').filter((o) => o.owner === 'api');
const openLists = (sim: SpotSimulator) => sim.engine.openLists('BTCUSDT');

/** One open OCO list whose two legs are app orders with contexts in the SL and TP slots; a DCA buy beside it. */
async function protectedWith(s: SpotStack, qty: string, tp: string, sl: string): Promise<void> {
  await waitFor(`one OCO list ${qty} TP ${tp} SL ${sl}`, () => {
    const lists = openLists(s.sim);
    if (lists.length !== 1) return false;
    const legs = lists[0]!.orders;
    const stop = legs.find((o) => o.type === 'STOP_LOSS');
    const target = legs.find((o) => o.type === 'LIMIT_MAKER');
    return !!stop && !!target && stop.origQty.toFixed() === qty && stop.stopPrice.toFixed() === sl && target.price.toFixed() === tp &&
      s.runtime.core.contexts.get(stop.clientOrderId)?.slot === 'SL' && s.runtime.core.contexts.get(target.clientOrderId)?.slot === 'TP';
  }, 10_000);
}

test('startup with a holding: one OCO list placed and confirmed (both legs app-owned), the DCA buy only after it; a foreign order untouched', async () => {
  stack = await startSpotStack({
    seed: (sim) => {
      holding(sim);
      sim.engine.placeOrder({ ...spotMarketBuy('0.001', 'manual'), type: 'LIMIT', price: new Decimal('60000'), timeInForce: 'GTC', clientOrderId: 'foreign-1' });
    },
  });
  watchLists(stack.sim);
  await protectedWith(stack, '0.00999', '65650', '63700');
  await waitFor('the DCA buy at the venue', () => apiOpen(stack.sim).some((o) => o.type === 'LIMIT' && o.side === 'BUY'));
  const dca = apiOpen(stack.sim).find((o) => o.type === 'LIMIT' && o.side === 'BUY')!;
  expect([dca.price.toFixed(), dca.origQty.toFixed()]).toEqual(['64350', '0.00999']);
  expect(stack.runtime.core.contexts.get(dca.clientOrderId)?.slot).toBe('DCA1');
  // ONE list request, with the two legs' own custom ids; the DCA buy after both legs were confirmed.
  const oco = posts(stack, '/api/v3/orderList/oco');
  expect(oco).toHaveLength(1);
  expect(oco[0]!.params).toMatchObject({
    symbol: 'BTCUSDT', side: 'SELL', quantity: '0.00999', aboveType: 'LIMIT_MAKER', abovePrice: '65650', belowType: 'STOP_LOSS', belowStopPrice: '63700',
    aboveClientOrderId: expect.stringMatching(/^[A-Za-z0-9]{20}$/), belowClientOrderId: expect.stringMatching(/^[A-Za-z0-9]{20}$/), listClientOrderId: expect.stringMatching(/^L[A-Za-z0-9]{20}$/),
  });
  expect(posts(stack, '/api/v3/order').map((r) => r.params.type)).toEqual(['LIMIT']);
  const seqOf = (event: string, slot: string) => stack.records.find((r) => r.event === event && r.slot === slot)!.seq;
  expect(seqOf('request_planned', 'DCA1')).toBeGreaterThan(seqOf('confirmation_matched', 'SL'));
  expect(seqOf('request_planned', 'DCA1')).toBeGreaterThan(seqOf('confirmation_matched', 'TP'));
  // The derived holding: the base balance (0.01 bought less 0.00001 BTC commission), entry from the trade history.
  const position = stack.runtime.core.state.positions.get('binance:spot:BTCUSDT:LONG' as never)!;
  expect([position.size.toFixed(), position.entryPrice.toFixed()]).toEqual(['0.00999', '65000']);
  const foreign = stack.sim.engine.openOrders('BTCUSDT').find((o) => o.clientOrderId === 'foreign-1');
  expect(foreign).toMatchObject({ status: 'NEW' });
  expect(stack.sim.requests.since(0).some((r) => r.method === 'DELETE' && r.params.origClientOrderId === 'foreign-1')).toBe(false);
  expect(maxOpenLists).toBe(1);
}, 30_000);

test('a DCA fill re-derives the list for the new size and VWAP entry (old list cancelled, then a new one); the TP leg of the new list fills: flat, nothing of ours left open', async () => {
  stack = await startSpotStack({ seed: holding });
  watchLists(stack.sim);
  await protectedWith(stack, '0.00999', '65650', '63700');
  await waitFor('the DCA buy at the venue', () => apiOpen(stack.sim).some((o) => o.type === 'LIMIT' && o.side === 'BUY'));
  stack.sim.engine.setPrice('BTCUSDT', '64340'); // the DCA buy at 64350 fills (0.00999, 0.00000999 BTC commission)
  // 0.01997001 BTC held (0.01997 tradable); entry the VWAP of what was held and bought: (65000 + 64350) / 2 = 64675
  await protectedWith(stack, '0.01997', '65321.75', '63381.5');
  expect(posts(stack, '/api/v3/orderList/oco')).toHaveLength(2);
  expect(stack.sim.requests.since(0).filter((r) => r.method === 'DELETE' && r.path === '/api/v3/order')).toHaveLength(1);
  expect(maxOpenLists).toBe(1);
  expect(stack.events('request_planned').filter((r) => r.slot === 'DCA1' && r.action === 'place')).toHaveLength(1);
  stack.sim.engine.setPrice('BTCUSDT', '65400'); // the TP leg fills, the SL leg expires
  await waitFor('flat: no app order left, nothing of the list open', () => apiOpen(stack.sim).length === 0 && openLists(stack.sim).length === 0, 10_000);
  await waitFor('the scope flat', () => !(stack.runtime.core.state.positions.get('binance:spot:BTCUSDT:LONG' as never)?.size.gt(0) ?? false));
  expect(stack.events('workflow_pass').some((r) => r.actionFamily === 'cleanup')).toBe(true);
  expect(posts(stack, '/api/v3/orderList/oco')).toHaveLength(2);
  expect(maxOpenLists).toBe(1);
}, 40_000);

test('an unknown outcome on the OCO create (503 after the venue applied it): both legs unknown, settled by the scoped recovery, never sent twice', async () => {
  stack = await startSpotStack({
    seed: (sim) => {
      holding(sim);
      sim.faults.addRest({ kind: 'status', path: '/api/v3/orderList/oco', method: 'POST', status: 503, apply: true });
      // The legs' stream rows come late: the 503 decides first, so the outcome is unknown.
      sim.faults.stream.delayMs = 1_500;
    },
  });
  watchLists(stack.sim);
  await protectedWith(stack, '0.00999', '65650', '63700');
  await waitFor('the scope recovered', () => stack.events('recovery_completed').length >= 1, 10_000);
  const unknown = stack.events('submission_unknown');
  expect(unknown.map((r) => r.slot).sort()).toEqual(['SL', 'TP']);
  expect(unknown.every((r) => r.resolvedBy === undefined)).toBe(true);
  // The scoped recovery's snapshot shows both legs open: both places resolved, nothing re-sent.
  expect(stack.events('rest_hydration').some((r) => r.subject === 'recovery' && r.reason === 'unknown_outcome')).toBe(true);
  stack.sim.faults.stream.delayMs = 0;
  await waitFor('the DCA buy at the venue', () => apiOpen(stack.sim).some((o) => o.type === 'LIMIT' && o.side === 'BUY'));
  expect(posts(stack, '/api/v3/orderList/oco')).toHaveLength(1);
  expect(openLists(stack.sim)).toHaveLength(1);
  expect(maxOpenLists).toBe(1);
  await new Promise((r) => setTimeout(r, 1_600)); // the late stream copies are delivered before the simulator closes
}, 30_000);

test('lookup by custom id: each OCO leg by its own id (a leg\'s clientOrderId), absent only on a clean -2013, a 5xx throws', async () => {
  stack = await startSpotStack({ seed: holding });
  await protectedWith(stack, '0.00999', '65650', '63700');
  const venue = stack.runtime.core.venue;
  const scope = { exchange: 'binance', product: 'spot', symbol: 'BTCUSDT', managedSide: 'LONG' } as const;
  const [stop, target] = ['STOP_LOSS', 'LIMIT_MAKER'].map((t) => openLists(stack.sim)[0]!.orders.find((o) => o.type === t)!);
  await expect(venue.findByCustomId(scope, stop!.clientOrderId)).resolves.toMatchObject({ type: 'STOP_MARKET', status: 'NEW', customOrderId: stop!.clientOrderId, exchangeOrderId: String(stop!.orderId) });
  await expect(venue.findByCustomId(scope, target!.clientOrderId)).resolves.toMatchObject({ type: 'LIMIT', status: 'NEW', customOrderId: target!.clientOrderId });
  await expect(venue.findByCustomId(scope, 'neverPlacedAnywhere1')).resolves.toBe('absent');
  stack.sim.faults.addRest({ kind: 'status', path: '/api/v3/order', method: 'GET', status: 503 });
  await expect(venue.findByCustomId(scope, 'neverPlacedAnywhere1')).rejects.toThrow(/findByCustomId failed/);
  const fills = await venue.fillsSince(scope, Date.now() - 60_000);
  expect(fills.map((f) => [f.side, f.price.toFixed(), f.qty.toFixed(), f.fee?.toFixed(), f.feeAsset])).toEqual([['BUY', '65000', '0.01', '0.00001', 'BTC']]);
  await expect(venue.markPrice!('BTCUSDT')).resolves.toEqual(expect.objectContaining({}));
  expect((await venue.markPrice!('BTCUSDT')).toFixed()).toBe('65000');
}, 30_000);

test('a stream gap (dropped socket) re-hydrates: the DCA fill during the gap is found from the holdings and the list replaced once', async () => {
  stack = await startSpotStack({ seed: holding });
  watchLists(stack.sim);
  await protectedWith(stack, '0.00999', '65650', '63700');
  await waitFor('the DCA buy at the venue', () => apiOpen(stack.sim).some((o) => o.type === 'LIMIT' && o.side === 'BUY'));
  const hydrations = stack.events('rest_hydration').length;
  stack.sim.stream.disconnectAll('drop');
  stack.sim.engine.setPrice('BTCUSDT', '64340'); // the DCA buy fills while nobody listens
  await waitFor('re-hydrated after the gap', () => stack.events('rest_hydration').slice(hydrations).some((r) => r.subject === 'reconnect'), 10_000);
  await protectedWith(stack, '0.01997', '65321.75', '63381.5');
  expect(posts(stack, '/api/v3/orderList/oco')).toHaveLength(2);
  expect(stack.events('request_planned').filter((r) => r.slot === 'DCA1' && r.action === 'place')).toHaveLength(1);
  expect(maxOpenLists).toBe(1);
}, 30_000);

test('eventStreamTerminated is a gap: the stream re-subscribes and the account re-hydrates; protection stays as it is', async () => {
  stack = await startSpotStack({ seed: holding });
  await protectedWith(stack, '0.00999', '65650', '63700');
  const hydrations = stack.events('rest_hydration').length;
  stack.sim.stream.terminateAll();
  await waitFor('re-hydrated after the termination', () => stack.events('rest_hydration').slice(hydrations).some((r) => r.subject === 'reconnect'), 10_000);
  await waitFor('subscribed again', () => stack.sim.stream.subscriptionCount() === 1);
  await protectedWith(stack, '0.00999', '65650', '63700');
  expect(posts(stack, '/api/v3/orderList/oco')).toHaveLength(1);
}, 30_000);

test('a restart with the list open: both legs adopted from their contexts, nothing placed again', async () => {
  stack = await startSpotStack({ seed: holding });
  watchLists(stack.sim);
  await protectedWith(stack, '0.00999', '65650', '63700');
  await waitFor('the DCA buy at the venue', () => apiOpen(stack.sim).some((o) => o.type === 'LIMIT' && o.side === 'BUY'));
  await stack.restart();
  await waitFor('the new process is ready', () => stack.events('service_ready').length >= 2 || stack.runtime.core.state.serviceReady, 10_000);
  await new Promise((r) => setTimeout(r, 500));
  await protectedWith(stack, '0.00999', '65650', '63700');
  expect(posts(stack, '/api/v3/orderList/oco')).toHaveLength(1);
  expect(posts(stack, '/api/v3/order')).toHaveLength(1);
  expect(stack.sim.requests.since(0).filter((r) => r.method === 'DELETE')).toHaveLength(0);
  expect(maxOpenLists).toBe(1);
}, 30_000);

test('the TP leg fills with the DCA buy still open: flat, the SL leg expired by the venue, the DCA buy cancelled, a foreign order untouched', async () => {
  stack = await startSpotStack({
    seed: (sim) => {
      holding(sim);
      sim.engine.placeOrder({ ...spotMarketBuy('0.001', 'manual'), type: 'LIMIT', price: new Decimal('60000'), timeInForce: 'GTC', clientOrderId: 'foreign-2' });
    },
  });
  watchLists(stack.sim);
  await protectedWith(stack, '0.00999', '65650', '63700');
  await waitFor('the DCA buy at the venue', () => apiOpen(stack.sim).some((o) => o.type === 'LIMIT' && o.side === 'BUY'));
  stack.sim.engine.setPrice('BTCUSDT', '65700'); // the TP leg (LIMIT_MAKER 65650) fills, the SL leg expires
  await waitFor('flat: the DCA buy cancelled, no app order open', () => apiOpen(stack.sim).length === 0, 10_000);
  const cancels = stack.sim.requests.since(0).filter((r) => r.method === 'DELETE');
  expect(cancels.map((r) => r.params.origClientOrderId)).toHaveLength(1); // the DCA buy only: the list ended at the venue
  expect(stack.runtime.core.contexts.get(cancels[0]!.params.origClientOrderId!)?.slot).toBe('DCA1');
  expect(stack.sim.engine.openOrders('BTCUSDT').find((o) => o.clientOrderId === 'foreign-2')).toMatchObject({ status: 'NEW' });
  expect(stack.sim.engine.balances.get('BTC').free.plus(stack.sim.engine.balances.get('BTC').locked).toFixed()).toBe('0'); // the holding was sold whole
  expect(posts(stack, '/api/v3/orderList/oco')).toHaveLength(1);
}, 30_000);
