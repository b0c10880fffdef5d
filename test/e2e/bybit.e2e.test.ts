// Bybit V5 linear end to end: real ccxt `bybit` against the simulator's Bybit overlay, the real
// runtime, a SQLite context store. Bybit's own shapes and faults: the SL is a conditional
// reduce-only stop for the whole position (Bybit has no close-position stop), every write names the
// order by orderLinkId, positionIdx follows the position mode. The scenarios every venue shares
// (unknown outcome, duplicate id, stream gap, rate limit, ...) are in venues.e2e.test.ts.
import { appOrders, assertInvariants, book, isProtected, startStack, waitFor, type Stack } from './stack.js';

let stack: Stack;
afterEach(async () => {
  await stack?.stop();
});

const LONG = { symbol: 'BTCUSDT', positionSide: 'LONG' as const };
const creates = (s: Stack) => s.sim.requests.since(0).filter((r) => r.method === 'POST' && r.path === '/v5/order/create').map((r) => JSON.parse(r.body || '{}') as Record<string, unknown>);

test('startup with a position and other users\' orders: SL and TP placed and confirmed, DCA only after them, every create with orderLinkId and positionIdx 1, nothing else touched', async () => {
  stack = await startStack({
    venue: 'bybit',
    seed: (sim) => {
      sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
      sim.engine.placeOrder({ ...LONG, side: 'BUY', type: 'LIMIT', price: '60000', quantity: '0.02', clientOrderId: 'manual-1', owner: 'manual' });
      sim.engine.placeAlgo({ ...LONG, side: 'SELL', type: 'STOP_MARKET', triggerPrice: '60000', quantity: '0.01', clientOrderId: 'manual-sl', owner: 'manual' });
    },
  });
  const manual = book(stack.sim).orders.filter((o) => o.owner === 'manual');
  await waitFor('SL, TP and DCA1 at the venue', () => appOrders(stack.sim).regular.length === 2 && appOrders(stack.sim).algo.length === 1);
  const { regular, algo } = appOrders(stack.sim);
  expect(algo[0]).toMatchObject({ orderType: 'STOP_MARKET', triggerPrice: '63700', quantity: '0.01', side: 'SELL' });
  expect(algo[0]!.closePosition).not.toBe(true);
  expect(regular.map((o) => `${o.side} ${o.price} ${o.origQty}`).sort()).toEqual(['BUY 64350 0.01', 'SELL 65650 0.01']);
  const seqOf = (event: string, slot: string) => stack.records.find((r) => r.event === event && r.slot === slot)!.seq;
  expect(seqOf('request_planned', 'DCA1')).toBeGreaterThan(seqOf('confirmation_matched', 'SL'));
  expect(seqOf('request_planned', 'DCA1')).toBeGreaterThan(seqOf('confirmation_matched', 'TP'));
  const sent = creates(stack);
  expect(sent).toHaveLength(3);
  for (const body of sent) expect(body).toMatchObject({ category: 'linear', symbol: 'BTCUSDT', positionIdx: 1, orderLinkId: expect.stringMatching(/^[A-Za-z0-9]{20}$/) });
  expect(sent.find((b) => b.triggerPrice !== undefined)).toMatchObject({ orderType: 'Market', triggerDirection: 2, reduceOnly: true, closeOnTrigger: true, qty: '0.01' });
  await assertInvariants(stack, manual);
});

test('a DCA fill re-derives TP and SL (the SL amended in place to the new size: one conditional order throughout); the take-profit fill closes and cleans up', async () => {
  stack = await startStack({ venue: 'bybit', seed: (sim) => sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000') });
  await waitFor('protection and DCA placed', () => appOrders(stack.sim).regular.length === 2 && appOrders(stack.sim).algo.length === 1);
  stack.sim.engine.setMark('BTCUSDT', '64340'); // the DCA limit at 64350 fills
  const sl = stack.events('submission_sent').find((r) => r.slot === 'SL' && r.action === 'place')!;
  await waitFor('TP amended to the new size and entry, SL amended to 0.02', () => {
    const { regular, algo } = appOrders(stack.sim);
    return regular.length === 1 && regular[0]!.origQty === '0.02' && regular[0]!.price === '65321.8' && algo.length === 1 && algo[0]!.triggerPrice === '63381.5' && algo[0]!.quantity === '0.02';
  });
  expect(book(stack.sim).positions[0]).toMatchObject({ positionAmt: '0.02', entryPrice: '64675' });
  expect(stack.events('request_planned').filter((r) => r.slot === 'DCA1' && r.action === 'place')).toHaveLength(1);
  expect(stack.events('submission_sent').filter((r) => r.slot === 'SL').map((r) => `${r.action} ${r.customOrderId}`)).toEqual([`place ${sl.customOrderId}`, `amend ${sl.customOrderId}`]);
  expect(appOrders(stack.sim).algo[0]!.clientAlgoId).toBe(sl.customOrderId);
  await assertInvariants(stack);
  stack.sim.engine.setMark('BTCUSDT', '65330'); // the take-profit fills: flat
  await waitFor('flat and no app order left at the venue', () => book(stack.sim).positions.length === 0 && appOrders(stack.sim).algo.length === 0 && appOrders(stack.sim).regular.length === 0);
  expect(stack.events('workflow_pass').some((r) => r.actionFamily === 'cleanup')).toBe(true);
});

test('one-way mode: positionIdx 0 on every create; a foreign order is never touched when the position goes flat', async () => {
  stack = await startStack({
    venue: 'bybit', positionMode: 'one_way',
    seed: (sim) => {
      sim.engine.seedPosition('BTCUSDT', 'BOTH', '0.01', '65000');
      sim.engine.placeOrder({ symbol: 'BTCUSDT', positionSide: 'BOTH', side: 'BUY', type: 'LIMIT', price: '60000', quantity: '0.05', clientOrderId: 'manual-7', owner: 'manual' });
    },
  });
  const manual = book(stack.sim).orders.filter((o) => o.owner === 'manual');
  await waitFor('protected', () => isProtected(stack.sim));
  for (const body of creates(stack)) expect(body.positionIdx).toBe(0);
  stack.sim.engine.placeOrder({ symbol: 'BTCUSDT', positionSide: 'BOTH', side: 'SELL', type: 'MARKET', quantity: '0.01', owner: 'manual' }); // another user closes it
  await waitFor('app orders cleaned', () => appOrders(stack.sim).regular.length === 0 && appOrders(stack.sim).algo.length === 0);
  await assertInvariants(stack, manual);
});

test('a stream gap (the socket dropped): the stream reconnects, the account re-hydrates, protection stays single', async () => {
  stack = await startStack({ venue: 'bybit', seed: (sim) => sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000') });
  await waitFor('protected', () => isProtected(stack.sim));
  const hydrations = stack.events('rest_hydration').length;
  stack.sim.stream.disconnectAll('drop');
  await waitFor('re-hydrated after the gap', () => stack.events('rest_hydration').length > hydrations, 15_000);
  await waitFor('the stream open again', () => stack.events('stream_reconnected').length > 0, 15_000);
  const fillsBefore = stack.events('fill').length;
  stack.sim.engine.setMark('BTCUSDT', '64340'); // a fill after the reconnect still re-derives protection
  await waitFor('protection for 0.02', () => appOrders(stack.sim).algo.some((a) => a.quantity === '0.02'), 15_000);
  // Every topic is subscribed again: the fill (execution) and the DCA order's end (order) arrived.
  await waitFor('the fill line after the reconnect', () => stack.events('fill').length > fillsBefore);
  await assertInvariants(stack);
});

test('rate limited (10006): the write waits for the reset, then protection is placed', async () => {
  stack = await startStack({
    venue: 'bybit',
    seed: (sim) => {
      sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
      sim.faults.addRest({ kind: 'rate_limit', path: '/v5/order/create', method: 'POST' });
    },
  });
  await waitFor('rate limited', () => stack.events('submission_rate_limited').some((r) => r.code === 10006));
  // The wait is Bybit's own: until X-Bapi-Limit-Reset-Timestamp (the simulator's 10 s window).
  const wait = stack.events('submission_rate_limited').find((r) => r.code === 10006)!.retryAfterMs as number;
  expect(wait).toBeGreaterThan(0);
  expect(wait).toBeLessThanOrEqual(10_000);
  await waitFor('protected after the reset', () => isProtected(stack.sim), 15_000);
  await assertInvariants(stack);
  // A rate limit is not refused credentials: the account degrades (no new exposure), it is never paused.
  expect(stack.events('alert_raised').map((r) => r.reason)).not.toContain('AUTH_FAILED');
});

test('the SL fires (Untriggered -> Triggered -> Filled under one orderLinkId): the position closes, nothing is placed again, the rest is cleaned up', async () => {
  stack = await startStack({ venue: 'bybit', seed: (sim) => sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000') });
  await waitFor('protected with DCA', () => appOrders(stack.sim).regular.length === 2 && appOrders(stack.sim).algo.length === 1);
  stack.sim.engine.setMark('BTCUSDT', '64340'); // the DCA fills first: the SL is replaced for 0.02 at 63381.5
  await waitFor('the SL for 0.02', () => appOrders(stack.sim).algo.length === 1 && appOrders(stack.sim).algo[0]!.quantity === '0.02');
  const sl = stack.events('submission_sent').filter((r) => r.slot === 'SL' && r.action === 'place').at(-1)!;
  stack.sim.engine.setMark('BTCUSDT', '63000'); // through the SL trigger
  await waitFor('flat and no app order left', () => book(stack.sim).positions.length === 0 && appOrders(stack.sim).algo.length === 0 && appOrders(stack.sim).regular.length === 0, 15_000);
  await new Promise((r) => setTimeout(r, 500)); // late rows after the fill change nothing
  // The fired SL is the last SL placed: Triggered is never read as the SL gone.
  expect(stack.events('submission_sent').filter((r) => r.slot === 'SL' && r.action === 'place').at(-1)!.customOrderId).toBe(sl.customOrderId);
  expect(stack.events('fill').some((r) => r.customOrderId === sl.customOrderId)).toBe(true);
  expect(stack.events('alert_raised').map((r) => r.reason)).not.toContain('PROTECTION_UNPLACEABLE');
});

test('hedge mode, both sides: a short gets its own SL (a buy that fires when the mark rises, positionIdx 2) beside the long\'s', async () => {
  stack = await startStack({
    venue: 'bybit',
    seed: (sim) => {
      sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
      sim.engine.seedPosition('BTCUSDT', 'SHORT', '-0.02', '65000');
    },
  });
  await waitFor('both sides protected', () => isProtected(stack.sim) && appOrders(stack.sim).algo.length === 2);
  const stops = creates(stack).filter((b) => b.triggerPrice !== undefined);
  expect(stops.find((b) => b.positionIdx === 2)).toMatchObject({ side: 'Buy', triggerDirection: 1, qty: '0.02', triggerPrice: '66300', reduceOnly: true });
  expect(stops.find((b) => b.positionIdx === 1)).toMatchObject({ side: 'Sell', triggerDirection: 2, qty: '0.01', triggerPrice: '63700' });
  await assertInvariants(stack);
});

test('HTTP 403 (Bybit\'s IP rate limit) degrades the account and waits; it is never read as refused credentials', async () => {
  stack = await startStack({
    venue: 'bybit',
    seed: (sim) => {
      sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
      sim.faults.addRest({ kind: 'status', path: '/v5/order/create', method: 'POST', status: 403 });
    },
  });
  await waitFor('protected after the refusal', () => isProtected(stack.sim), 15_000);
  await assertInvariants(stack);
  const reasons = stack.events('alert_raised').map((r) => r.reason);
  expect(reasons).toContain('RATE_LIMITED');
  expect(reasons).not.toContain('AUTH_FAILED');
});

test('POSITION_MODE does not match the account: the snapshot fails with the reason, nothing is sent', async () => {
  stack = await startStack({
    venue: 'bybit', positionMode: 'hedge', simPositionMode: 'one_way',
    seed: (sim) => sim.engine.seedPosition('BTCUSDT', 'BOTH', '0.01', '65000'),
  });
  await waitFor('hydration failed with the mismatch', () => stack.events('hydration_failed').some((r) => /position mode mismatch/.test(String(r.reason))));
  expect(stack.events('submission_sent')).toEqual([]);
});
