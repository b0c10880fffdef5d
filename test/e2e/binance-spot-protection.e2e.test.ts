// Binance spot: protection the market refuses now (issue 14, docs/VENUES.md "Binance spot").
// The SL and TP go out as ONE OCO list; when the price has already passed one level the venue
// refuses the whole list (-2010). The refused leg is unplaceable (PROTECTION_UNPLACEABLE, the price
// watched), the other leg goes out alone at once, and the list is placed whole as soon as the
// market allows. With PROTECTION_FALLBACK=close the holding is sold instead. Real ccxt against the
// spot simulator, the real runtime, a SQLite store.
import { Decimal } from 'decimal.js';
import { spotMarketBuy } from '../../src/ops/demo-script.js';
import type { SpotSimulator } from '../../src/sim/spot/server.js';
import { startSpotStack, waitFor, type SpotStack } from './stack.js';

let stack: SpotStack;
afterEach(async () => {
  await stack?.stop();
});

/** 0.01 BTC bought at 65000 (0.00999 held after the base-asset commission), then the price moves. */
const holdingThenPrice = (price: string) => (sim: SpotSimulator) => {
  sim.engine.placeOrder(spotMarketBuy('0.01', 'manual'));
  sim.engine.setPrice('BTCUSDT', price);
};
const apiOpen = (sim: SpotSimulator) => sim.engine.openOrders('BTCUSDT').filter((o) => o.owner === 'api');
const lists = (sim: SpotSimulator) => sim.engine.openLists('BTCUSDT');
const posts = (s: SpotStack, path: string) => s.sim.requests.since(0).filter((r) => r.method === 'POST' && r.path === path);
const held = (sim: SpotSimulator) => sim.engine.balances.get('BTC').free.plus(sim.engine.balances.get('BTC').locked).toFixed();

async function oneListWith(s: SpotStack, sl: string, tp: string): Promise<void> {
  await waitFor(`one OCO list SL ${sl} TP ${tp}`, () => {
    const open = lists(s.sim);
    if (open.length !== 1) return false;
    const stop = open[0]!.orders.find((o) => o.type === 'STOP_LOSS');
    const target = open[0]!.orders.find((o) => o.type === 'LIMIT_MAKER');
    return stop?.stopPrice.toFixed() === sl && target?.price.toFixed() === tp;
  }, 15_000);
}

test('the price is already below the SL level: the SL is unplaceable (watched), the TP rests alone at once, the whole list goes out when the price is back', async () => {
  stack = await startSpotStack({ seed: holdingThenPrice('63000'), markPollMs: 200 });
  await waitFor('PROTECTION_UNPLACEABLE for the SL', () => stack.events('protection_unplaceable').some((r) => r.slot === 'SL'), 15_000);
  await waitFor('the TP alone at the venue', () => apiOpen(stack.sim).some((o) => o.side === 'SELL' && o.type === 'LIMIT' && o.price.toFixed() === '65650'));
  expect(lists(stack.sim)).toHaveLength(0);
  expect(stack.runtime.core.modes.mode()).not.toBe('NORMAL');
  // Nothing bought while the holding has no stop.
  expect(apiOpen(stack.sim).some((o) => o.side === 'BUY')).toBe(false);
  stack.sim.engine.setPrice('BTCUSDT', '64500');
  await oneListWith(stack, '63700', '65650');
  await waitFor('PROTECTION_UNPLACEABLE cleared', () => stack.runtime.core.unplaceable.size === 0);
  // The lone TP was cancelled before the list took its base asset: no insufficient-balance refusal.
  expect(stack.events('submission_rejected').some((r) => r.code === '-2010:insufficient_balance')).toBe(false);
  expect(apiOpen(stack.sim).filter((o) => o.side === 'SELL' && o.orderListId === -1)).toEqual([]);
}, 40_000);

test('the price is already above the TP level: the SL rests alone at once (a plain STOP_LOSS), the TP is watched; the list when the price is back', async () => {
  stack = await startSpotStack({ seed: holdingThenPrice('66000'), markPollMs: 200 });
  await waitFor('PROTECTION_UNPLACEABLE for the TP', () => stack.events('protection_unplaceable').some((r) => r.slot === 'TP'), 15_000);
  await waitFor('the SL alone at the venue', () => apiOpen(stack.sim).some((o) => o.type === 'STOP_LOSS' && o.stopPrice.toFixed() === '63700' && o.origQty.toFixed() === '0.00999'));
  expect(lists(stack.sim)).toHaveLength(0);
  stack.sim.engine.setPrice('BTCUSDT', '65000');
  await oneListWith(stack, '63700', '65650');
  await waitFor('PROTECTION_UNPLACEABLE cleared', () => stack.runtime.core.unplaceable.size === 0);
  expect(stack.events('submission_rejected').some((r) => r.code === '-2010:insufficient_balance')).toBe(false);
}, 40_000);

test('PROTECTION_FALLBACK=close: the holding whose stop the market refuses is sold at market, nothing of ours left open', async () => {
  stack = await startSpotStack({ seed: holdingThenPrice('63000'), markPollMs: 200, protectionFallback: 'close' });
  await waitFor('the holding sold', () => held(stack.sim) === '0', 15_000);
  const market = posts(stack, '/api/v3/order').filter((r) => r.params.type === 'MARKET');
  expect(market).toHaveLength(1);
  expect(market[0]!.params).toMatchObject({ side: 'SELL', quantity: '0.00999' });
  expect(market[0]!.params.reduceOnly).toBeUndefined();
  await waitFor('nothing of ours open', () => apiOpen(stack.sim).length === 0 && lists(stack.sim).length === 0);
}, 40_000);

test('another user\'s sell locks part of the holding: the list covers only the rest (never refused for balance); when that sell is cancelled the list grows to the whole holding', async () => {
  stack = await startSpotStack({
    seed: (sim) => {
      sim.engine.placeOrder(spotMarketBuy('0.01', 'manual')); // 0.00999 BTC held
      sim.engine.placeOrder({ ...spotMarketBuy('0.004', 'manual'), side: 'SELL', type: 'LIMIT', price: new Decimal('70000'), timeInForce: 'GTC', clientOrderId: 'foreignSell1' });
    },
  });
  await waitFor('one list for the 0.00599 not locked by the foreign sell', () => lists(stack.sim).length === 1 && lists(stack.sim)[0]!.orders.every((o) => o.origQty.toFixed() === '0.00599'), 15_000);
  expect(stack.events('submission_rejected').some((r) => r.code === '-2010:insufficient_balance')).toBe(false);
  stack.sim.engine.cancelOrder('BTCUSDT', { clientOrderId: 'foreignSell1' });
  await waitFor('the list replaced for the whole 0.00999', () => lists(stack.sim).length === 1 && lists(stack.sim)[0]!.orders.every((o) => o.origQty.toFixed() === '0.00999'), 15_000);
  expect(stack.events('submission_rejected').some((r) => r.code === '-2010:insufficient_balance')).toBe(false);
}, 40_000);

test('a holding its trade history does not explain (a deposit): the entry is the price when its life started, and a reconnect at a lower price does not move the SL', async () => {
  stack = await startSpotStack({ balances: { BTC: '0.01', USDT: '10000' } });
  await oneListWith(stack, '63700', '65650'); // entry 65000, the price at the first snapshot
  stack.sim.engine.setPrice('BTCUSDT', '64500');
  const hydrations = stack.events('rest_hydration').length;
  stack.sim.stream.disconnectAll('drop');
  await waitFor('re-hydrated after the gap', () => stack.events('rest_hydration').slice(hydrations).some((r) => r.subject === 'reconnect'), 15_000);
  await new Promise((r) => setTimeout(r, 1_000)); // a pass after the re-hydration would have replaced the list by now
  await oneListWith(stack, '63700', '65650');
  expect(posts(stack, '/api/v3/orderList/oco')).toHaveLength(1);
  const position = stack.runtime.core.state.positions.get('binance:spot:BTCUSDT:LONG' as never)!;
  expect(position.entryPrice.toFixed()).toBe('65000');
}, 40_000);
