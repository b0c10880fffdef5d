// Bybit's write budget (docs/VENUES.md, "Bybit V5 linear"): every order answer reports what is
// left of the 10-second order limit (X-Bapi-Limit-Status). Near the end of it, the adapter keeps a
// fifth for protective orders: the DCA step waits for the window to reset, protection never does.
// Real ccxt `bybit` against the simulator's Bybit front, whose order limit is set to 2 per 10 s.
import { appOrders, isProtected, startStack, waitFor, type Stack } from './stack.js';

let stack: Stack;
afterEach(async () => {
  await stack?.stop();
});

test('near the end of the order budget, SL and TP still go out and the DCA step waits for the window to reset', async () => {
  stack = await startStack({
    venue: 'bybit', simRateLimits: { ordersPer10s: 2 },
    seed: (sim) => sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000'),
  });
  await waitFor('protected', () => isProtected(stack.sim), 15_000);
  await waitFor('the DCA step held back for protection\'s share of the budget', () => stack.events('submission_rate_limited').some((r) => r.slot === 'DCA1'), 15_000);
  const held = stack.events('submission_rate_limited').find((r) => r.slot === 'DCA1')!;
  expect(held.retryAfterMs).toBeGreaterThan(0);
  expect(held.retryAfterMs).toBeLessThanOrEqual(10_000);
  // Held back by exstate, not refused by the venue: no 10006 answered for the DCA step.
  expect(stack.sim.requests.since(0).filter((r) => r.path === '/v5/order/create' && r.code === 10006)).toEqual([]);
  expect(appOrders(stack.sim).regular.filter((o) => o.side === 'BUY')).toEqual([]);
  await waitFor('the DCA step placed after the reset', () => appOrders(stack.sim).regular.some((o) => o.side === 'BUY'), 15_000);
  expect(stack.events('alert_raised').map((r) => r.reason)).not.toContain('AUTH_FAILED');
}, 40_000);
