// Kills for the surviving mutants of src/runtime/logic/scope-logic.ts and
// src/runtime/logic/stream-logic.ts (the runtime implementations of machines/scope.machine.ts and
// machines/stream.machine.ts), written from what the service must do: a scope whose recovery keeps
// failing raises RECOVERY_FAILING after exactly 3 consecutive failures (cleared once no scope is
// failing that often); a scope retries with a backoff of 1 s doubling, capped at 30 s, unless the
// venue said Retry-After; a failed step is journaled as `scope_step_failed`; a submission that
// throws becomes a failed step, not a stuck scope; the private stream's readiness is mirrored in
// the account state, and only a silent stream (heartbeat_timeout) makes the venue re-open its
// socket. Each test drives a real AccountRuntime over the conformance ScriptedVenue, a durable
// store in memory and a hand-stepped clock.
import { Decimal } from '../../src/domain/decimal.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { ScriptedVenue } from '../../src/conformance/scripted-venue.js';
import { SteppingClock } from '../../src/conformance/stepping-clock.js';
import { advanceClockTo, bootWithOpenStream, drainTurns } from '../support/stepping.js';
import { AccountRuntime } from '../../src/runtime/account-runtime.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';
import type { PositionRow, RestSnapshot } from '../../src/domain/rows.js';
import type { HydrationRequest, SubmitOutcome, VenueMutation } from '../../src/venues/port.js';

const d = (s: string) => new Decimal(s);
const FILTERS = { tickSize: d('0.1'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('5') };
const LONG = 'binance:linear:BTCUSDT:LONG';
const SHORT = 'binance:linear:BTCUSDT:SHORT';
const ETH = 'binance:linear:ETHUSDT:LONG';
const drain = () => drainTurns(8);

type Behaviour = 'fail' | 'hang' | 'ok' | 'throw_undefined';

async function account(over: Partial<RuntimeConfig> = {}, opts: { short?: boolean; eth?: boolean } = {}) {
  const clock = new SteppingClock();
  const positions: PositionRow[] = [{ kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d('0.01'), entryPrice: d('65000') }];
  if (opts.short) positions.push({ kind: 'position', symbol: 'BTCUSDT', managedSide: 'SHORT', size: d('0.01'), entryPrice: d('65000') });
  if (opts.eth) positions.push({ kind: 'position', symbol: 'ETHUSDT', managedSide: 'LONG', size: d('1'), entryPrice: d('3000') });
  const submittedAt: Array<{ at: number; m: VenueMutation }> = [];
  const venue = new ScriptedVenue('binance', 'linear', { positions, openOrders: [], filters: { BTCUSDT: FILTERS, ETHUSDT: FILTERS }, balances: [], fills: [] }, undefined, {
    onSubmit: (s) => submittedAt.push({ at: clock.now(), m: s.mutation }),
  });
  // Scoped recoveries of each scope answer as the test scripts them (then normally).
  const recoveryScript = new Map<string, Behaviour[]>();
  const hydrations: Array<{ at: number; request: HydrationRequest }> = [];
  const hydrate = venue.hydrate.bind(venue);
  venue.hydrate = async (request: HydrationRequest): Promise<RestSnapshot> => {
    hydrations.push({ at: clock.now(), request });
    if (request.subject === 'recovery') {
      const s = request.scopes?.[0];
      const key = s ? `binance:linear:${s.symbol}:${s.managedSide}` : '';
      const next = recoveryScript.get(key)?.shift() ?? 'ok';
      if (next === 'fail') throw new Error(`venue HTTP 503 for ${s?.managedSide}`);
      if (next === 'throw_undefined') throw undefined;
      if (next === 'hang') return new Promise<RestSnapshot>(() => undefined);
    }
    return hydrate(request);
  };
  const restarts: string[] = [];
  (venue as { restartStream?: (reason: string) => Promise<void> }).restartStream = async (reason: string) => {
    restarts.push(reason);
  };
  const records: JournalRecord[] = [];
  const journal = new Journal(clock);
  journal.subscribe((r) => records.push(r));
  const config: RuntimeConfig = {
    exchange: 'binance', product: 'linear', positionMode: 'hedge', mode: 'demo', configuredSymbols: ['BTCUSDT', 'ETHUSDT'],
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [] }),
    eventBurstMs: 50, maxBurstDelayMs: 500, confirmationTimeoutMs: 600_000, heartbeatTimeoutMs: 0, drainTimeoutMs: 1,
    gates: { conformancePassed: true, liveConfirmed: false }, ...over,
  };
  const runtime = new AccountRuntime({ config, venue, store: createFailingStore().keyv, clock, journal });
  const advanceTo = (at: number) => advanceClockTo(clock, at, drain);
  const advance = (ms: number) => advanceTo(clock.now() + ms);
  const start = () => bootWithOpenStream(runtime, venue, clock, drain);
  const of = (name: string) => records.filter((r) => r.event === name) as Array<JournalRecord & Record<string, unknown>>;
  const answerAll = (outcome: SubmitOutcome, match: (m: VenueMutation) => boolean = () => true) => {
    let n = 0;
    while (venue.answer(match, outcome)) n++;
    return n;
  };
  return { runtime, core: runtime.core, venue, clock, advance, advanceTo, start, records, of, recoveryScript, hydrations, restarts, submittedAt, answerAll };
}

const RATE_LIMITED: SubmitOutcome = { kind: 'rejected', code: -1003, httpStatus: 429 };
const UNKNOWN: SubmitOutcome = { kind: 'unknown', reason: 'timeout' };
const ofScope = (key: string) => (m: VenueMutation) => `binance:linear:${m.scope.symbol}:${m.scope.managedSide}` === key;
const raised = (a: Awaited<ReturnType<typeof account>>) => a.of('alert_raised').filter((r) => r.reason === 'RECOVERY_FAILING');
const cleared = (a: Awaited<ReturnType<typeof account>>) => a.of('alert_cleared').filter((r) => r.reason === 'RECOVERY_FAILING');

describe('retry backoff (RETRY_BACKOFF)', () => {
  test('a rate-limited scope retries after 1 s, 2 s, 4 s, 8 s, 16 s, then every 30 s at most', async () => {
    const a = await account();
    await a.start();
    const rounds: number[] = [];
    for (let round = 0; round < 8; round++) {
      const before = a.submittedAt.length;
      rounds.push(a.submittedAt[before - 1]!.at);
      expect(a.answerAll(RATE_LIMITED)).toBe(2);
      await a.advance(0);
      for (let i = 0; i < 80 && a.submittedAt.length === before; i++) await a.advance(500);
      expect(a.submittedAt.length).toBeGreaterThan(before);
    }
    const gaps = rounds.slice(1).map((t, i) => t - rounds[i]!);
    expect(gaps).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    await a.runtime.stop();
  });

  test("the venue's Retry-After decides the next attempt, then the doubling goes on", async () => {
    const a = await account();
    await a.start();
    const first = a.submittedAt.length;
    a.answerAll({ ...RATE_LIMITED, retryAfterMs: 7_000 } as SubmitOutcome);
    await a.advance(0);
    const base = a.clock.now();
    await a.advance(6_999);
    expect(a.submittedAt.length).toBe(first); // not after 1 s: the venue asked for 7 s
    await a.advance(1);
    expect(a.submittedAt.length).toBe(first + 2);
    expect(a.submittedAt.at(-1)!.at).toBe(base + 7_000);
    a.answerAll(RATE_LIMITED);
    await a.advance(0);
    await a.advance(1_999);
    expect(a.submittedAt.length).toBe(first + 2);
    await a.advance(1);
    expect(a.submittedAt.length).toBe(first + 4); // the second retry: 2 s
    await a.runtime.stop();
  });
});

describe('a submission that throws is a failed step, planned again after the backoff', () => {
  test('an adapter error is journaled as scope_step_failed (step submit) and the scope plans again after 1 s', async () => {
    const a = await account();
    const submit = a.venue.submit.bind(a.venue);
    let throwing = true;
    a.venue.submit = (m: VenueMutation) => {
      if (throwing) {
        throw new Error('adapter bug');
      }
      return submit(m);
    };
    await a.start();
    throwing = false;
    expect(a.of('scope_step_failed')).toEqual([expect.objectContaining({ step: 'submit', reason: 'adapter bug', scope: expect.objectContaining({ symbol: 'BTCUSDT', managedSide: 'LONG' }) })]);
    const passes = () => a.of('workflow_pass').length;
    const before = passes();
    await a.advance(999);
    expect(passes()).toBe(before);
    await a.advance(1);
    expect(passes()).toBe(before + 1); // the backoff ends: the scope plans again
    expect(a.of('workflow_pass').at(-1)!.atMs).toBe(1_000);
    await a.runtime.stop();
  });

  test('a thrown value that is not an Error still fails the step (reason says what was thrown)', async () => {
    const a = await account();
    const submit = a.venue.submit.bind(a.venue);
    let throwing = true;
    a.venue.submit = (m: VenueMutation) => {
      if (throwing) {
        throw undefined;
      }
      return submit(m);
    };
    await a.start();
    throwing = false;
    expect(a.of('scope_step_failed')).toEqual([expect.objectContaining({ step: 'submit', reason: 'undefined' })]);
    const before = a.of('workflow_pass').length;
    await a.advance(1_000);
    expect(a.of('workflow_pass').length).toBe(before + 1);
    await a.runtime.stop();
  });
});

describe('scoped recovery: reason, failures and RECOVERY_FAILING', () => {
  test('an unknown submit outcome recovers with reason unknown_outcome, even when the scope was flagged for another reason first', async () => {
    const a = await account();
    await a.start();
    a.core.requireRecovery(LONG, 'confirmation_timeout');
    a.venue.answer((m) => m.slot === 'SL', UNKNOWN);
    a.venue.answer((m) => m.slot === 'TP', { kind: 'accepted', exchangeOrderId: '77' });
    await a.advance(0);
    const recoveries = a.of('rest_hydration').filter((r) => r.subject === 'recovery');
    expect(recoveries.length).toBeGreaterThan(0);
    expect(recoveries[0]!.reason).toBe('unknown_outcome');
    await a.runtime.stop();
  });

  test('RECOVERY_FAILING is raised at the 3rd consecutive failure (not before), names the scope and count, and clears on success', async () => {
    const a = await account();
    a.recoveryScript.set(LONG, ['fail', 'fail', 'fail', 'fail']);
    await a.start();
    a.answerAll(UNKNOWN);
    await a.advance(0);
    const failures = () => a.of('scope_step_failed').filter((r) => r.step === 'recovery');
    expect(failures()).toHaveLength(1);
    expect(failures()[0]).toMatchObject({ reason: 'venue HTTP 503 for LONG', scope: expect.objectContaining({ managedSide: 'LONG' }) });
    expect(raised(a)).toHaveLength(0);
    await a.advance(1_000); // backoff 1 s
    expect(failures()).toHaveLength(2);
    expect(raised(a)).toHaveLength(0);
    expect(a.core.modes.has('RECOVERY_FAILING')).toBe(false);
    await a.advance(1_999); // backoff 2 s
    expect(failures()).toHaveLength(2);
    await a.advance(1);
    expect(failures()).toHaveLength(3);
    expect(raised(a)).toEqual([expect.objectContaining({ detail: `scoped recovery of ${LONG} failed 3 times in a row` })]);
    expect(a.core.modes.has('RECOVERY_FAILING')).toBe(true);
    await a.advance(4_000); // backoff 4 s: the 4th failure
    expect(failures()).toHaveLength(4);
    expect(cleared(a)).toHaveLength(0);
    await a.advance(8_000); // backoff 8 s: success
    expect(a.of('recovery_completed')).toHaveLength(1);
    expect(cleared(a)).toHaveLength(1);
    expect(a.core.modes.has('RECOVERY_FAILING')).toBe(false);
    await a.runtime.stop();
  });

  test('a recovery that rejects with no message is journaled with reason unknown', async () => {
    const a = await account();
    a.recoveryScript.set(LONG, ['throw_undefined']);
    await a.start();
    a.answerAll(UNKNOWN);
    await a.advance(0);
    expect(a.of('scope_step_failed')).toEqual([expect.objectContaining({ step: 'recovery', reason: 'unknown' })]);
    await a.runtime.stop();
  });

  test('another scope recovering does not clear the alert while one scope is still failing 3+ times (a third failing once or not)', async () => {
    const a = await account({}, { short: true, eth: true });
    a.recoveryScript.set(LONG, ['fail', 'fail', 'fail', 'hang']);
    a.recoveryScript.set(ETH, ['fail', 'hang']);
    await a.start();
    a.answerAll(UNKNOWN, ofScope(LONG));
    await a.advance(0);
    await a.advance(3_000);
    expect(raised(a)).toHaveLength(1);
    await a.advance(7_000); // LONG's 4th attempt hangs: still 3 failures in a row
    a.answerAll(UNKNOWN, ofScope(ETH));
    await a.advance(0);
    await a.advance(1_000); // ETH failed once, then hangs
    expect(a.of('scope_step_failed').filter((r) => (r.scope as { symbol: string }).symbol === 'ETHUSDT')).toHaveLength(1);
    a.answerAll(UNKNOWN, ofScope(SHORT));
    await a.advance(0);
    expect(a.of('recovery_completed').filter((r) => (r.scope as { managedSide: string }).managedSide === 'SHORT')).toHaveLength(1);
    expect(cleared(a)).toHaveLength(0);
    expect(a.core.modes.has('RECOVERY_FAILING')).toBe(true);
    await a.runtime.stop();
  });

  test('an order whose request may still land is waited for: those recoveries are not failures', async () => {
    const a = await account();
    (a.venue as { requestValidityMs?: number }).requestValidityMs = 60_000;
    await a.start();
    a.answerAll(UNKNOWN); // the venue never got them: lookups say absent, but they may still land
    await a.advance(0);
    await a.advance(20_000);
    const recoveries = a.of('rest_hydration').filter((r) => r.subject === 'recovery');
    expect(recoveries.length).toBeGreaterThanOrEqual(4);
    expect(raised(a)).toHaveLength(0);
    expect(a.core.modes.has('RECOVERY_FAILING')).toBe(false);
    await a.runtime.stop();
  });

  test('the alert clears when the failing scope recovers, even though another scope has failed once', async () => {
    const a = await account({}, { short: true });
    a.recoveryScript.set(SHORT, ['fail', 'fail', 'fail']);
    a.recoveryScript.set(LONG, ['fail', 'hang']);
    await a.start();
    a.answerAll(UNKNOWN, ofScope(SHORT));
    await a.advance(0);
    await a.advance(3_000); // SHORT fails at 0, 1 s, 3 s
    expect(raised(a)).toHaveLength(1);
    await a.advance(1_000);
    a.answerAll(UNKNOWN, ofScope(LONG)); // LONG fails at 4 s, hangs from 5 s
    await a.advance(0);
    expect(a.of('scope_step_failed').filter((r) => (r.scope as { managedSide: string }).managedSide === 'LONG')).toHaveLength(1);
    await a.advance(3_000); // SHORT succeeds at 7 s
    expect(a.of('recovery_completed').filter((r) => (r.scope as { managedSide: string }).managedSide === 'SHORT')).toHaveLength(1);
    expect(cleared(a)).toHaveLength(1);
    expect(a.core.modes.has('RECOVERY_FAILING')).toBe(false);
    await a.runtime.stop();
  });
});

describe('an unplaceable protection watches the mark', () => {
  test('a venue that gives no mark price fails the mark step with that reason, journaled', async () => {
    const a = await account();
    (a.venue as { markPrice?: unknown }).markPrice = undefined;
    await a.start();
    a.venue.answer((m) => m.slot === 'SL', { kind: 'rejected', code: -2021, httpStatus: 400, message: 'Order would immediately trigger.' });
    a.venue.answer((m) => m.slot === 'TP', { kind: 'accepted', exchangeOrderId: '77' });
    await a.advance(0);
    await a.advance(2_000);
    expect(a.of('scope_step_failed')).toEqual([expect.objectContaining({ step: 'mark', reason: 'the venue gives no mark price' })]);
    await a.runtime.stop();
  });
});

describe('private stream: readiness and the watchdog', () => {
  test('open sets privateStreamReady; a silent stream is lost as heartbeat_timeout and the venue re-opens its socket', async () => {
    const a = await account({ heartbeatTimeoutMs: 60_000 });
    await a.start();
    expect(a.core.state.privateStreamReady).toBe(true);
    expect(a.restarts).toEqual([]);
    await a.advance(60_000);
    expect(a.runtime.stream.getSnapshot().matches('open')).toBe(false);
    expect(a.core.state.privateStreamReady).toBe(false);
    expect(a.restarts).toEqual(['heartbeat_timeout']);
    await a.runtime.stop();
  });

  test('a closed socket clears privateStreamReady without a restart request (the adapter re-dials itself)', async () => {
    const a = await account({ heartbeatTimeoutMs: 60_000 });
    await a.start();
    a.venue.push({ kind: 'stream', status: 'closed', reason: 'socket closed' });
    await a.advance(10);
    expect(a.core.state.privateStreamReady).toBe(false);
    expect(a.restarts).toEqual([]);
    a.venue.push({ kind: 'stream', status: 'open' });
    await a.advance(10);
    expect(a.core.state.privateStreamReady).toBe(true);
    await a.runtime.stop();
  });

  test('a heartbeat timeout of 0 turns the watchdog off: silence is not a loss', async () => {
    const a = await account({ heartbeatTimeoutMs: 0 });
    await a.start();
    await a.advance(600_000);
    expect(a.runtime.stream.getSnapshot().matches('open')).toBe(true);
    expect(a.core.state.privateStreamReady).toBe(true);
    expect(a.restarts).toEqual([]);
    await a.runtime.stop();
  });

  test('the watchdog waits the configured heartbeat timeout, not a default', async () => {
    const a = await account({ heartbeatTimeoutMs: 10_000 });
    await a.start();
    await a.advance(9_999);
    expect(a.runtime.stream.getSnapshot().matches('open')).toBe(true);
    await a.advance(1);
    expect(a.runtime.stream.getSnapshot().matches('open')).toBe(false);
    expect(a.restarts).toEqual(['heartbeat_timeout']);
    await a.runtime.stop();
  });
});

/** Accepts every planned place and shows its order on the stream: the scope settles, protected. */
async function protectedAtVenue(a: Awaited<ReturnType<typeof account>>) {
  let id = 100;
  for (const { m } of a.submittedAt) {
    if (m.action !== 'place') continue;
    const exchangeOrderId = String(++id);
    a.venue.answer((x) => x === m, { kind: 'accepted', exchangeOrderId });
    a.venue.push({ kind: 'order', status: 'NEW', symbol: m.scope.symbol, managedSide: m.scope.managedSide, customOrderId: m.customOrderId, exchangeOrderId, ...m.intent });
  }
  await a.advance(100);
  expect(a.runtime.scopeStateValue(LONG)).toBe('idle');
}

describe('a pass that throws (a defect) is a failed step, not a dead scope', () => {
  // No real input makes the planner throw; the defect is injected into the one runtime call the
  // pass reads first (the scope's recovery need), once, to prove the scope survives it.
  async function throwingPass(thrown: unknown) {
    const a = await account();
    await a.start();
    await protectedAtVenue(a);
    const needsRecovery = a.core.needsRecovery.bind(a.core);
    let defects = 1;
    a.core.needsRecovery = (key) => {
      if (defects-- > 0) throw thrown;
      return needsRecovery(key);
    };
    const failuresBefore = a.of('scope_step_failed').length;
    a.core.affect(LONG, 'test_defect', true);
    await a.advance(0);
    return { a, failures: a.of('scope_step_failed').slice(failuresBefore) };
  }

  test('the pass failure is journaled with the error message, and the scope plans again after the backoff', async () => {
    const { a, failures } = await throwingPass(new Error('planner defect'));
    expect(failures).toEqual([expect.objectContaining({ step: 'pass', reason: 'planner defect', scope: expect.objectContaining({ managedSide: 'LONG' }) })]);
    const passes = a.of('workflow_pass').length;
    await a.advance(1_000);
    expect(a.of('workflow_pass').length).toBe(passes + 1);
    expect(a.runtime.scopeStateValue(LONG)).toBeDefined();
    await a.runtime.stop();
  });

  test('a thrown null is journaled as "null" (the catch itself must not throw)', async () => {
    const { a, failures } = await throwingPass(null);
    expect(failures).toEqual([expect.objectContaining({ step: 'pass', reason: 'null' })]);
    await a.runtime.stop();
  });
});

test('a scope that needs recovery with no recorded reason and no unknown outcome recovers with reason recovery_required', async () => {
  const a = await account();
  await a.start();
  await protectedAtVenue(a);
  // A context whose fate is not settled, with no flag and no pending submit behind it.
  const sl = [...a.core.contexts.all()].find((c) => c.scopeKey === LONG && c.slot === 'SL')!;
  await a.core.contexts.update(sl.customOrderId, { lifecycle: 'unknown' });
  expect(a.core.needsRecovery(LONG)).toBe(true);
  a.core.affect(LONG, 'test', true);
  await a.advance(0);
  const recoveries = a.of('rest_hydration').filter((r) => r.subject === 'recovery');
  expect(recoveries.map((r) => r.reason)).toContain('recovery_required');
  await a.runtime.stop();
});
