// One end-to-end test per simulator fault. Each ends with the invariants: no duplicate order at
// the venue, no unowned order changed, every open position protected within a bounded time
// after the stream is healthy again.
import type { Simulator } from '../../src/sim/server.js';
import { appOrders, assertInvariants, book, isProtected, startStack, waitFor, type Stack } from './stack.js';

let stack: Stack;
afterEach(async () => {
  await stack?.stop();
});

const withPosition = (sim: Simulator) => sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
const protectedAndDcaPlaced = (s: Stack) => waitFor('protected with DCA placed', () => isProtected(s.sim) && appOrders(s.sim).regular.length === 2);

test('stream dropped: the gap is detected, the service reconnects and re-hydrates, and a fill during the gap is not missed', async () => {
  stack = await startStack({ seed: withPosition });
  await protectedAndDcaPlaced(stack);
  stack.sim.faults.stream.silent = true; // rows of the coming fill are lost...
  stack.sim.engine.setMark('BTCUSDT', '64340');
  stack.sim.stream.disconnectAll('drop'); // ...and then the socket drops
  stack.sim.faults.stream.silent = false;
  await waitFor('reconnected', () => stack.events('stream_reconnected').length > 0);
  expect(stack.events('rest_hydration').some((r) => r.subject === 'reconnect')).toBe(true);
  await waitFor('protection re-derived for 0.02', () => appOrders(stack.sim).regular.some((o) => o.origQty === '0.02'));
  await assertInvariants(stack);
});

test('stream silent without closing: the heartbeat watchdog treats silence as a gap', async () => {
  stack = await startStack({ seed: withPosition, heartbeatTimeoutMs: 800 });
  await protectedAndDcaPlaced(stack);
  stack.sim.faults.stream.silent = true;
  stack.sim.engine.setMark('BTCUSDT', '64340'); // the DCA fills; nobody is told
  await new Promise((r) => setTimeout(r, 300));
  stack.sim.faults.stream.silent = false;
  await waitFor('watchdog gap and reconnect', () => stack.events('stream_reconnected').length > 0, 10_000);
  expect(stack.events('stream_restart_requested').length).toBeGreaterThan(0);
  await waitFor('protection re-derived for 0.02', () => appOrders(stack.sim).regular.some((o) => o.origQty === '0.02'));
  await assertInvariants(stack);
});

test('listen key expired: the stream goes quiet, the watchdog reconnects with a fresh key', async () => {
  stack = await startStack({ seed: withPosition, heartbeatTimeoutMs: 800 });
  await protectedAndDcaPlaced(stack);
  stack.sim.stream.expireAll();
  stack.sim.engine.setMark('BTCUSDT', '64340');
  await waitFor('reconnected', () => stack.events('stream_reconnected').length > 0, 10_000);
  await waitFor('protection re-derived for 0.02', () => appOrders(stack.sim).regular.some((o) => o.origQty === '0.02'));
  expect(stack.sim.stream.describe().listenKeys.some((k) => !k.expired)).toBe(true);
  await assertInvariants(stack);
});

test('SL request applied then timed out: the unknown outcome is settled (private row or lookup by custom id), never re-sent', async () => {
  stack = await startStack({
    seed: (sim) => {
      withPosition(sim);
      sim.faults.addRest({ kind: 'timeout_after_apply', path: '/fapi/v1/algoOrder', method: 'POST' });
    },
  });
  // The private stream shows the order before the REST timeout: the unknown outcome is settled by it;
  // otherwise a scoped recovery looks it up by custom id. Either way it is never sent twice.
  await waitFor('the unknown outcome recorded', () => stack.events('submission_unknown').some((r) => r.slot === 'SL'));
  await assertInvariants(stack);
  expect(stack.events('submission_sent').filter((r) => r.slot === 'SL')).toHaveLength(1);
  expect(book(stack.sim).algoOrders).toHaveLength(1);
});

test('TP request applied then connection reset: adopted by lookup, no duplicate', async () => {
  stack = await startStack({
    seed: (sim) => {
      withPosition(sim);
      sim.faults.addRest({ kind: 'reset_after_apply', path: '/fapi/v1/order', method: 'POST' });
    },
  });
  await waitFor('the unknown outcome recorded', () => stack.events('submission_unknown').some((r) => r.slot === 'TP'));
  await assertInvariants(stack);
  expect(stack.events('submission_sent').filter((r) => r.slot === 'TP')).toHaveLength(1);
});

test('HTTP 503 (not applied): unknown outcome, lookup says absent, the slot is placed once more', async () => {
  stack = await startStack({
    seed: (sim) => {
      withPosition(sim);
      sim.faults.addRest({ kind: 'status', path: '/fapi/v1/algoOrder', method: 'POST', status: 503 });
    },
  });
  await waitFor('SL looked up as absent', () => stack.events('order_lookup').some((r) => r.slot === 'SL' && r.found === 'absent'));
  await assertInvariants(stack);
  expect(stack.events('submission_sent').filter((r) => r.slot === 'SL')).toHaveLength(2);
});

test('a forced venue reject (-2019 margin) blocks the DCA step without touching protection', async () => {
  stack = await startStack({
    seed: (sim) => {
      withPosition(sim);
      // The first regular order is the TP (accepted); the second is the DCA step.
      sim.faults.addRest({ kind: 'delay', path: '/fapi/v1/order', method: 'POST', ms: 1 });
    },
  });
  stack.sim.faults.addRest({ kind: 'reject', path: '/fapi/v1/order', method: 'POST', code: -2019, msg: 'Margin is insufficient.', status: 400 });
  await waitFor('a block with the venue code', () => stack.events('block').some((r) => r.code === -2019));
  await assertInvariants(stack);
});

test('duplicated and reordered rows change nothing: no duplicate order, protected', async () => {
  stack = await startStack({
    seed: (sim) => {
      withPosition(sim);
      sim.faults.stream.duplicate = true;
      sim.faults.stream.reorder = true;
    },
  });
  await protectedAndDcaPlaced(stack);
  stack.sim.engine.setMark('BTCUSDT', '64340');
  await waitFor('protection re-derived for 0.02', () => appOrders(stack.sim).regular.some((o) => o.origQty === '0.02'));
  await assertInvariants(stack);
});

test('clock skew (-1021): retried after a backoff, then placed', async () => {
  stack = await startStack({
    seed: (sim) => {
      withPosition(sim);
      sim.faults.clockSkewMs = -20_000;
      setTimeout(() => (sim.faults.clockSkewMs = 0), 1500);
    },
  });
  await waitFor('protected after the skew is gone', () => isProtected(stack.sim), 15_000);
  await assertInvariants(stack);
});

test('restart between submit and confirmation: the new process looks the order up and adopts it', async () => {
  stack = await startStack({
    venueTimeoutMs: 4000,
    seed: (sim) => {
      withPosition(sim);
      sim.faults.addRest({ kind: 'timeout_after_apply', path: '/fapi/v1/algoOrder', method: 'POST' });
    },
  });
  await waitFor('the SL request reached the venue', () => book(stack.sim).algoOrders.length === 1);
  await stack.restart(); // the old process dies with the SL request unanswered
  await waitFor('adopted at startup', () => stack.events('context_adopted').some((r) => r.slot === 'SL') || stack.events('order_lookup').some((r) => r.slot === 'SL'), 10_000);
  await assertInvariants(stack);
  expect(book(stack.sim).algoOrders.filter((a) => a.algoStatus === 'NEW')).toHaveLength(1);
});

test('delayed rows: protection still follows the fill, only later', async () => {
  stack = await startStack({ seed: withPosition });
  await protectedAndDcaPlaced(stack);
  stack.sim.faults.stream.delayMs = 400;
  stack.sim.engine.setMark('BTCUSDT', '64340');
  await waitFor('protection re-derived for 0.02', () => appOrders(stack.sim).regular.some((o) => o.origQty === '0.02'));
  stack.sim.faults.stream.delayMs = 0;
  await assertInvariants(stack);
});

test('HTTP 418 (IP ban) with Retry-After: the scope waits it out, then places', async () => {
  stack = await startStack({
    seed: (sim) => {
      withPosition(sim);
      sim.faults.addRest({ kind: 'rate_limit', path: '/fapi/v1/algoOrder', method: 'POST', status: 418, retryAfterSec: 1 });
    },
  });
  await waitFor('rate limited', () => stack.events('submission_rate_limited').length > 0);
  await assertInvariants(stack);
  expect(stack.events('submission_sent').filter((r) => r.slot === 'SL').length).toBeGreaterThanOrEqual(2);
});

test('a REST delay on order placement: nothing is sent twice while the first request is in flight', async () => {
  stack = await startStack({
    seed: (sim) => {
      withPosition(sim);
      sim.faults.addRest({ kind: 'delay', path: '/fapi/v1/algoOrder', method: 'POST', ms: 1200 });
    },
  });
  stack.sim.engine.setMark('BTCUSDT', '65010'); // rows while the SL request hangs
  stack.sim.engine.setMark('BTCUSDT', '65020');
  await assertInvariants(stack);
  expect(stack.events('submission_sent').filter((r) => r.slot === 'SL')).toHaveLength(1);
});
