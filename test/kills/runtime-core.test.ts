// RuntimeCore (src/runtime/runtime-core.ts), held to docs/OPERATIONS.md and SPEC: when the mode
// improves every scope plans again (`mode_improved`); rows affecting one scope within one turn reach
// its owner once per reason, the last one deciding whether the pass runs at once; a scope flagged
// for recovery keeps its first reason until it recovers; an unknown submit outcome alone means the
// scope must recover; only one-way mode wakes the opposite side, and only when it holds a
// position; a failed context write is journaled with the store's reason, never thrown. Runs a real
// RuntimeCore with the harness's in-memory durable store and a sink that records what each scope
// owner is told.
import { Decimal } from '../../src/domain/decimal.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import { OrderContextStore } from '../../src/runtime/order-context-store.js';
import { RuntimeCore } from '../../src/runtime/runtime-core.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';
import { drainTurns } from '../support/stepping.js';

const LONG = 'binance:linear:BTCUSDT:LONG';
const SHORT = 'binance:linear:BTCUSDT:SHORT';
const d = (s: string) => new Decimal(s);

function core(over: Partial<RuntimeConfig> = {}) {
  const config: RuntimeConfig = {
    exchange: 'binance', product: 'linear', positionMode: 'hedge', mode: 'demo', strategy: parseStrategy({ stopLossPct: '2', dca: [] }),
    eventBurstMs: 50, maxBurstDelayMs: 500, confirmationTimeoutMs: 1000, heartbeatTimeoutMs: 0, gates: { conformancePassed: true, liveConfirmed: false }, ...over,
  };
  const clock = { t: 1_000, now() { return this.t; }, setTimeout: () => 0, clearTimeout: () => undefined };
  const journal = new Journal(clock);
  const records: JournalRecord[] = [];
  journal.subscribe((r) => records.push(r));
  const contexts = new OrderContextStore(createFailingStore().keyv);
  const c = new RuntimeCore(config, {} as never, contexts, journal, clock);
  const told: Array<{ key: string; event: { type: string; [k: string]: unknown } }> = [];
  const ensured: string[] = [];
  c.attach({ ensure: (key) => ensured.push(key), send: (key, event) => told.push({ key, event }) });
  const affected = (key: string) => told.filter((t) => t.key === key && t.event.type === 'scope.affected').map((t) => t.event);
  const of = (name: string) => records.filter((r) => r.event === name) as Array<JournalRecord & Record<string, unknown>>;
  return { core: c, told, ensured, affected, of };
}

test('when the mode improves, every known scope is affected with reason mode_improved', async () => {
  const t = core();
  t.core.know(LONG);
  t.core.know(SHORT);
  t.core.modes.raise('RATE_LIMITED', 'HTTP 429');
  await drainTurns();
  t.told.length = 0;
  t.core.modes.clear('RATE_LIMITED');
  await drainTurns();
  expect(t.affected(LONG)).toEqual([expect.objectContaining({ reason: 'mode_improved' })]);
  expect(t.affected(SHORT)).toEqual([expect.objectContaining({ reason: 'mode_improved' })]);
});

test('a scope is made known (its owner spawned) once', () => {
  const t = core();
  t.core.know(LONG);
  t.core.know(LONG);
  t.core.affect(LONG, 'row');
  expect(t.ensured).toEqual([LONG]);
});

test('one turn of rows: one event per distinct reason, and only the last says whether to run at once', async () => {
  const t = core();
  t.core.affect(LONG, 'order');
  t.core.affect(LONG, 'order');
  t.core.affect(LONG, 'position', true);
  t.core.affect(LONG, 'order');
  await drainTurns();
  expect(t.affected(LONG)).toEqual([
    { type: 'scope.affected', reason: 'order', immediate: false },
    { type: 'scope.affected', reason: 'position', immediate: true },
  ]);
  // Every row is journaled all the same.
  expect(t.of('scope_affected')).toHaveLength(4);
});

test('a scope flagged for recovery keeps its first reason (and is journaled once) until it recovers', () => {
  const t = core();
  t.core.requireRecovery(LONG, 'confirmation_timeout');
  t.core.requireRecovery(LONG, 'stream_disconnected');
  expect(t.core.recoveryReasons.get(LONG)).toBe('confirmation_timeout');
  expect(t.of('recovery_required')).toEqual([expect.objectContaining({ reason: 'confirmation_timeout' })]);
  t.core.recovered(LONG);
  t.core.requireRecovery(LONG, 'stream_disconnected');
  expect(t.core.recoveryReasons.get(LONG)).toBe('stream_disconnected');
});

test('an unknown submit outcome alone means the scope must recover; an accepted one does not', () => {
  const t = core();
  t.core.tracker.register({ scopeKey: LONG, action: 'place', slot: 'SL', customOrderId: 'a', sinceMs: 0, state: 'accepted' });
  expect(t.core.needsRecovery(LONG)).toBe(false);
  t.core.tracker.register({ scopeKey: SHORT, action: 'place', slot: 'SL', customOrderId: 'b', sinceMs: 0, state: 'unknown' });
  expect(t.core.needsRecovery(SHORT)).toBe(true);
});

test('the opposite side is woken only in one-way mode, and only when it holds a position', async () => {
  const hedge = core();
  for (const [key, side] of [[LONG, 'LONG'], [SHORT, 'SHORT']] as const) {
    hedge.core.state.applyPosition({ kind: 'position', symbol: 'BTCUSDT', managedSide: side, size: d('0.01'), entryPrice: d('65000') }, key);
  }
  hedge.core.nudgeOppositeSide(LONG);
  await drainTurns();
  expect(hedge.affected(SHORT)).toEqual([]);

  const oneWay = core({ positionMode: 'one_way' });
  oneWay.core.nudgeOppositeSide(LONG); // the short side holds nothing
  await drainTurns();
  expect(oneWay.affected(SHORT)).toEqual([]);
  oneWay.core.state.applyPosition({ kind: 'position', symbol: 'BTCUSDT', managedSide: 'SHORT', size: d('0.01'), entryPrice: d('65000') }, SHORT);
  oneWay.core.nudgeOppositeSide(LONG);
  await drainTurns();
  expect(oneWay.affected(SHORT)).toEqual([expect.objectContaining({ reason: 'opposite_side_cleanup' })]);
});

test('a failed context write is journaled with the store\'s reason (even a bare undefined), never thrown', async () => {
  for (const [thrown, reason] of [[new Error('disk full'), 'disk full'], [undefined, 'undefined']] as const) {
    const t = core();
    await t.core.contexts.put({ customOrderId: 'c1', scopeKey: LONG, slot: 'SL', generation: 1, status: 'pending', lifecycle: 'accepted', updatedAtMs: 0 });
    t.core.contexts.advance = async () => {
      throw thrown;
    };
    await expect(t.core.advanceOrder('c1', { kind: 'status', status: 'NEW' }, { exchangeOrderId: '9' })).resolves.toBeUndefined();
    expect(t.of('context_write_failed')).toEqual([expect.objectContaining({ customOrderId: 'c1', slot: 'SL', reason })]);
  }
});

test('PROTECTION_UNPLACEABLE clears only when no scope is left with unplaceable protection', () => {
  const t = core();
  for (const key of [LONG, SHORT]) t.core.unplaceable.set(key, { slot: 'SL', code: '-2021', sinceMs: 1_000 });
  t.core.modes.raise('PROTECTION_UNPLACEABLE', 'SL of two scopes refused');
  t.core.protectionPlaceable(LONG);
  // The SHORT side is still without its SL: the account must keep saying so.
  expect(t.core.modes.reasons().map((r) => r.reason)).toEqual(['PROTECTION_UNPLACEABLE']);
  expect(t.of('protection_placeable').map((r) => r.scope)).toHaveLength(1);
  t.core.protectionPlaceable(SHORT);
  expect(t.core.modes.reasons()).toEqual([]);
});
