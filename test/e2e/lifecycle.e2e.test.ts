// The service's lifecycle end to end: real ccxt against the simulator, SQLite context store.
import { appOrders, assertInvariants, book, isProtected, startStack, waitFor, type Stack } from './stack.js';

let stack: Stack;
afterEach(async () => {
  await stack?.stop();
});

const LONG = { symbol: 'BTCUSDT', positionSide: 'LONG' as const };

test('startup with a position and other users\' regular and algo orders: protection is placed and confirmed, DCA only after it, nothing else touched', async () => {
  stack = await startStack({
    seed: (sim) => {
      sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
      sim.engine.placeOrder({ ...LONG, side: 'BUY', type: 'LIMIT', price: '60000', quantity: '0.02', clientOrderId: 'manual-1', owner: 'manual' });
      sim.engine.placeAlgo({ ...LONG, side: 'SELL', type: 'STOP_MARKET', triggerPrice: '60000', quantity: '0.01', clientOrderId: 'manual-sl', owner: 'manual' });
    },
  });
  const manual = book(stack.sim).orders.filter((o) => o.owner === 'manual');
  await waitFor('SL, TP and DCA1 at the venue', () => appOrders(stack.sim).regular.length === 2 && appOrders(stack.sim).algo.length === 1);
  const { regular, algo } = appOrders(stack.sim);
  expect(algo[0]).toMatchObject({ orderType: 'STOP_MARKET', triggerPrice: '63700', closePosition: true });
  expect(regular.map((o) => `${o.side} ${o.price} ${o.origQty}`).sort()).toEqual(['BUY 64350 0.01', 'SELL 65650 0.01']);
  // DCA only after both protective orders were confirmed by the private stream.
  const seqOf = (event: string, slot: string) => stack.records.find((r) => r.event === event && r.slot === slot)!.seq;
  expect(seqOf('request_planned', 'DCA1')).toBeGreaterThan(seqOf('confirmation_matched', 'SL'));
  expect(seqOf('request_planned', 'DCA1')).toBeGreaterThan(seqOf('confirmation_matched', 'TP'));
  expect(stack.events('unowned_order_ignored').length).toBe(0); // unowned orders came by REST, not by the stream
  expect(stack.events('submission_sent').every((r) => !String(r.customOrderId).startsWith('manual'))).toBe(true);
  await assertInvariants(stack, manual);
});

test('a DCA fill re-derives TP and SL from the new entry; the take-profit fill closes and cleans up', async () => {
  stack = await startStack({ seed: (sim) => sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000') });
  await waitFor('protection and DCA placed', () => appOrders(stack.sim).regular.length === 2);
  stack.sim.engine.setMark('BTCUSDT', '64340'); // the DCA limit at 64350 fills
  await waitFor('TP amended to the new size and entry, SL replaced', () => {
    const { regular, algo } = appOrders(stack.sim);
    return regular.length === 1 && regular[0]!.origQty === '0.02' && regular[0]!.price === '65321.8' && algo.length === 1 && algo[0]!.triggerPrice === '63381.5';
  });
  expect(book(stack.sim).positions[0]).toMatchObject({ positionAmt: '0.02', entryPrice: '64675' });
  expect(stack.events('request_planned').filter((r) => r.slot === 'DCA1' && r.action === 'place')).toHaveLength(1);
  await assertInvariants(stack);
  stack.sim.engine.setMark('BTCUSDT', '65330'); // the take-profit fills: flat
  await waitFor('flat and no app order left at the venue', () => book(stack.sim).positions.length === 0 && appOrders(stack.sim).algo.length === 0 && appOrders(stack.sim).regular.length === 0);
  expect(stack.events('workflow_pass').some((r) => r.actionFamily === 'cleanup')).toBe(true);
});

test('a manual order on the same symbol is never touched, even when the position goes flat', async () => {
  stack = await startStack({
    seed: (sim) => {
      sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
      sim.engine.placeOrder({ ...LONG, side: 'BUY', type: 'LIMIT', price: '60000', quantity: '0.05', clientOrderId: 'manual-7', owner: 'manual' });
    },
  });
  const manual = book(stack.sim).orders.filter((o) => o.owner === 'manual');
  await waitFor('protected', () => isProtected(stack.sim));
  stack.sim.engine.placeOrder({ ...LONG, side: 'SELL', type: 'MARKET', quantity: '0.01', owner: 'manual' }); // another user closes it
  await waitFor('app orders cleaned', () => appOrders(stack.sim).regular.length === 0 && appOrders(stack.sim).algo.length === 0);
  await assertInvariants(stack, manual);
  expect(stack.events('unowned_order_ignored').length).toBeGreaterThan(0);
});

test('near the weight limit, protective orders still go out and the DCA step waits', async () => {
  // A tiny budget: the hydration alone uses more than 80% of it, so only protective calls pass.
  stack = await startStack({ weightLimit: 10, seed: (sim) => sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000') });
  await waitFor('protected', () => isProtected(stack.sim));
  await waitFor('the DCA step held back for protective headroom', () => stack.events('submission_rate_limited').some((r) => r.slot === 'DCA1'));
  expect(appOrders(stack.sim).regular.filter((o) => o.side === 'BUY')).toEqual([]);
  await assertInvariants(stack);
});
