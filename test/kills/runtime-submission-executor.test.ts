// Kills for the surviving mutants of src/runtime/submission-executor.ts (issue 9,
// docs/MUTATION_SURVIVORS_RUNTIME.md), written from SPEC sections 5 and 7 (lessons 1, 12, 13, 18),
// docs/CONFIRMATION_LIFECYCLE.md, docs/DURABLE_CONTEXT_LIFECYCLE.md ("Moments": a definite
// rejection or a rate limit ends a place's context `rejected`; a timeout, 5xx, unlisted code or
// duplicate id leaves it `unknown`) and the mode section of docs/WORKFLOW_STATE_MACHINE.md
// (refused credentials and clock skew pause, a rate limit degrades). The executor runs on a real
// RuntimeCore with the scripted venue (answers given by hand), the harness's in-memory store and a
// hand-stepped clock.
import { Decimal } from '../../src/domain/decimal.js';
import type { OrderRow } from '../../src/domain/rows.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { ScriptedVenue } from '../../src/conformance/scripted-venue.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import { OrderContextStore } from '../../src/runtime/order-context-store.js';
import type { PlannedRequest } from '../../src/runtime/pass-runner.js';
import { PrivateEventRouter } from '../../src/runtime/private-event-router.js';
import { RuntimeCore } from '../../src/runtime/runtime-core.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';
import { SubmissionExecutor, type SubmitResult } from '../../src/runtime/submission-executor.js';
import type { SubmitOutcome, VenueMutation } from '../../src/venues/port.js';

const KEY = 'binance:linear:BTCUSDT:LONG';
const d = (s: string) => new Decimal(s);

function setup(over: Partial<RuntimeConfig> = {}) {
  const config: RuntimeConfig = {
    exchange: 'binance', product: 'linear', positionMode: 'hedge', mode: 'demo',
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [{ offsetPct: '1', sizePct: '100' }] }),
    eventBurstMs: 1, maxBurstDelayMs: 5, confirmationTimeoutMs: 1000, heartbeatTimeoutMs: 0, gates: { conformancePassed: true, liveConfirmed: false }, ...over,
  };
  const clock = { t: 1_000, now() { return this.t; }, setTimeout: () => 0, clearTimeout: () => undefined };
  const records: JournalRecord[] = [];
  const journal = new Journal(clock);
  journal.subscribe((r) => records.push(r));
  const venue = new ScriptedVenue('binance', 'linear', { positions: [], openOrders: [], filters: {}, balances: [], fills: [] }, undefined);
  const core = new RuntimeCore(config, venue, new OrderContextStore(createFailingStore().keyv), journal, clock);
  core.state.serviceReady = true;
  return { core, venue, records, clock, executor: new SubmissionExecutor(core), router: new PrivateEventRouter(core) };
}
type Env = ReturnType<typeof setup>;

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setImmediate(r));
  if (!cond()) throw new Error('condition never held');
}

/** Sends the requests, waits until the venue holds them all, answers each in turn, returns the pass's result. */
async function submit(env: Env, requests: PlannedRequest[], answers: SubmitOutcome[], between?: () => void): Promise<SubmitResult> {
  const before = env.venue.submissions.length;
  const result = env.executor.submitPlanned(KEY, requests);
  await until(() => env.venue.submissions.length === before + requests.length);
  between?.();
  for (const outcome of answers) expect(env.venue.answer(() => true, outcome)).toBeDefined();
  return result;
}

const place = (slot: 'SL' | 'TP' | 'DCA1', id: string): PlannedRequest => ({
  scopeKey: KEY, customOrderId: id,
  mutation: slot === 'SL'
    ? { action: 'place', slot, intent: { slot, side: 'SELL', type: 'STOP_MARKET', triggerPrice: d('63000'), closePosition: true } }
    : slot === 'TP'
      ? { action: 'place', slot, intent: { slot, side: 'SELL', type: 'LIMIT', price: d('66000'), qty: d('0.01'), reduceOnly: true } }
      : { action: 'place', slot, intent: { slot, side: 'BUY', type: 'LIMIT', price: d('64000'), qty: d('0.01') } },
});

/** An open TP order of ours (context and account view), the target of amend and cancel. */
async function openTp(env: Env, id = 'tp0', exchangeOrderId = '77') {
  await env.core.contexts.put({ customOrderId: id, scopeKey: KEY, slot: 'TP', generation: 1, status: 'active', lifecycle: 'open', exchangeOrderId, reachedVenue: true, updatedAtMs: 0 });
  env.router.apply(tpRow(id, exchangeOrderId, 'NEW'));
}
const tpRow = (id: string, exchangeOrderId: string, status: OrderRow['status']): OrderRow => ({
  kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: id, exchangeOrderId, side: 'SELL', type: 'LIMIT', status,
  price: d('66000'), qty: d('0.01'), filledQty: status === 'FILLED' ? d('0.01') : d('0'), reduceOnly: true,
});
const cancelTp = (id = 'tp0', exchangeOrderId = '77'): PlannedRequest => ({
  scopeKey: KEY, customOrderId: id, exchangeOrderId,
  mutation: { action: 'cancel', slot: 'TP', target: id, intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', price: d('66000'), qty: d('0.01'), reduceOnly: true } },
});
const amendTp = (id = 'tp0', exchangeOrderId = '77'): PlannedRequest => ({
  scopeKey: KEY, customOrderId: id, exchangeOrderId,
  mutation: { action: 'amend', slot: 'TP', target: id, intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', price: d('66500'), qty: d('0.01'), reduceOnly: true } },
});

const events = (records: JournalRecord[], name: string) => records.filter((r) => r.event === name);
const lifecycleOf = (env: Env, id: string) => env.core.contexts.get(id)?.lifecycle;

describe('Retry-After is honoured (section 5): the longest the venue asked for', () => {
  test('two rate-limited requests of one pass: the pass retries after the longer Retry-After', async () => {
    const env = setup();
    const result = await submit(env, [place('SL', 's1'), place('TP', 't1')], [
      { kind: 'rejected', httpStatus: 429, retryAfterMs: 2_000 },
      { kind: 'rejected', httpStatus: 429, retryAfterMs: 5_000 },
    ]);
    expect(result).toEqual({ next: 'retry', retryAfterMs: 5_000 });
  });

  test('one rate-limited request: its Retry-After travels with the result', async () => {
    const env = setup();
    expect(await submit(env, [place('SL', 's1')], [{ kind: 'rejected', httpStatus: 418, retryAfterMs: 7_000 }])).toEqual({ next: 'retry', retryAfterMs: 7_000 });
  });
});

describe('what a refusal does to the placed order\'s context (DURABLE_CONTEXT_LIFECYCLE "Moments")', () => {
  test('a rate-limited place was refused before processing: its context is `rejected`, nothing left unsettled', async () => {
    const env = setup();
    expect((await submit(env, [place('SL', 's1')], [{ kind: 'rejected', httpStatus: 429 }])).next).toBe('retry');
    expect(lifecycleOf(env, 's1')).toBe('rejected');
    expect(env.core.contexts.get('s1')?.status).toBe('terminal');
    expect(env.core.needsRecovery(KEY)).toBe(false);
  });

  test('a definite rejection of a place (margin): its context is `rejected`, the slot blocked with the code', async () => {
    const env = setup();
    expect((await submit(env, [place('DCA1', 'd1')], [{ kind: 'rejected', code: -2019, httpStatus: 400, message: 'Margin is insufficient.' }])).next).toBe('done');
    expect(lifecycleOf(env, 'd1')).toBe('rejected');
    expect(events(env.records, 'block')).toEqual([expect.objectContaining({ slot: 'DCA1', reason: 'venue_rejected', code: -2019 })]);
  });

  test('a timeout: the place\'s context says `unknown` durably, the scope recovers (lesson 1)', async () => {
    const env = setup();
    expect(await submit(env, [place('SL', 's1')], [{ kind: 'unknown', reason: 'timeout' }])).toEqual({ next: 'recover' });
    expect(lifecycleOf(env, 's1')).toBe('unknown');
    expect(env.core.contexts.unresolvedOfScope(KEY).map((c) => c.customOrderId)).toEqual(['s1']);
    expect(events(env.records, 'recovery_required')).toEqual([expect.objectContaining({ reason: 'unknown_outcome' })]);
  });
});

describe('an unknown outcome says why (section 5: a duplicate id means "look it up")', () => {
  test('a duplicate client id: unknown, reason `duplicate_client_id:<code>`', async () => {
    const env = setup();
    expect(await submit(env, [place('SL', 's1')], [{ kind: 'rejected', code: -4116, httpStatus: 400 }])).toEqual({ next: 'recover' });
    expect(events(env.records, 'submission_unknown')).toEqual([expect.objectContaining({ customOrderId: 's1', reason: 'duplicate_client_id:-4116' })]);
  });

  test('a 5xx without a code: unknown, reason `venue_error:<status>`', async () => {
    const env = setup();
    expect(await submit(env, [place('SL', 's1')], [{ kind: 'rejected', httpStatus: 503 }])).toEqual({ next: 'recover' });
    expect(events(env.records, 'submission_unknown')).toEqual([expect.objectContaining({ reason: 'venue_error:503' })]);
  });

  test('a 5xx with a code: unknown, reason `venue_error:<code>`', async () => {
    const env = setup();
    expect(await submit(env, [place('SL', 's1')], [{ kind: 'rejected', code: -1000, httpStatus: 502 }])).toEqual({ next: 'recover' });
    expect(events(env.records, 'submission_unknown')).toEqual([expect.objectContaining({ reason: 'venue_error:-1000' })]);
  });
});

describe('a submit that throws is an unknown outcome, whatever it throws (lesson 1)', () => {
  const throwing = (env: Env, thrown: unknown) => {
    env.venue.submit = (m: VenueMutation) => {
      env.venue.submissions.push({ seq: 0, mutation: m, answered: true, resolve: () => undefined });
      return Promise.reject(thrown);
    };
  };

  test('an Error: unknown, its message is the reason', async () => {
    const env = setup();
    throwing(env, new Error('socket hang up'));
    expect(await env.executor.submitPlanned(KEY, [place('SL', 's1')])).toEqual({ next: 'recover' });
    expect(events(env.records, 'submission_unknown')).toEqual([expect.objectContaining({ reason: 'socket hang up' })]);
  });

  test('a bare string: unknown, the string is the reason', async () => {
    const env = setup();
    throwing(env, 'ECONNRESET');
    expect(await env.executor.submitPlanned(KEY, [place('SL', 's1')])).toEqual({ next: 'recover' });
    expect(events(env.records, 'submission_unknown')).toEqual([expect.objectContaining({ reason: 'ECONNRESET' })]);
  });

  test('nothing at all (a rejection without a value): still unknown, the scope recovers', async () => {
    const env = setup();
    throwing(env, undefined);
    expect(await env.executor.submitPlanned(KEY, [place('SL', 's1')])).toEqual({ next: 'recover' });
    expect(lifecycleOf(env, 's1')).toBe('unknown');
  });
});

describe('an amend or cancel needs its target\'s context (DURABLE_CONTEXT_LIFECYCLE "Moments")', () => {
  test('a cancel of an order without a context is not sent; the failure says there is no context', async () => {
    const env = setup();
    expect(await env.executor.submitPlanned(KEY, [cancelTp('ghost', '5')])).toEqual({ next: 'retry' });
    expect(env.venue.submissions).toHaveLength(0);
    const failed = events(env.records, 'context_write_failed');
    expect(failed).toHaveLength(1);
    expect(String(failed[0]!.reason)).toContain('no context for the target order');
    expect(events(env.records, 'block')).toEqual([expect.objectContaining({ reason: 'context_write_failed' })]);
  });
});

describe('a cancel refused as "no such order" is a benign race only with terminal evidence (section 5)', () => {
  test('no terminal evidence: the order vanished for a reason we do not know, the scope recovers', async () => {
    const env = setup();
    await openTp(env);
    expect(await submit(env, [cancelTp()], [{ kind: 'rejected', code: -2011, httpStatus: 400 }])).toEqual({ next: 'recover' });
    expect(events(env.records, 'benign_race')).toEqual([]);
    expect(events(env.records, 'submission_unknown')).toHaveLength(1);
  });

  test('an amend refused as "no such order" without terminal evidence: the same', async () => {
    const env = setup();
    await openTp(env);
    expect(await submit(env, [amendTp()], [{ kind: 'rejected', code: -2013, httpStatus: 400 }])).toEqual({ next: 'recover' });
    expect(events(env.records, 'benign_race')).toEqual([]);
  });

  test('the order filled while the cancel was in flight: a benign race, nothing to recover', async () => {
    const env = setup();
    await openTp(env);
    const result = await submit(env, [cancelTp()], [{ kind: 'rejected', code: -2011, httpStatus: 400 }], () => env.router.apply(tpRow('tp0', '77', 'FILLED')));
    expect(result).toEqual({ next: 'done' });
    expect(events(env.records, 'benign_race')).toHaveLength(1);
    expect(env.core.needsRecovery(KEY)).toBe(false);
  });
});

describe('protection the market refuses for now is never left silently (lesson 18)', () => {
  test('an SL refused with -2021: unplaceable, alert raised (watching the mark), fallback `alert` by default', async () => {
    const env = setup();
    expect(await submit(env, [place('SL', 's1')], [{ kind: 'rejected', code: -2021, httpStatus: 400, message: 'Order would immediately trigger.' }])).toEqual({ next: 'unplaceable' });
    expect(env.core.unplaceable.get(KEY)).toEqual({ slot: 'SL', code: '-2021', sinceMs: 1_000 });
    expect(events(env.records, 'protection_unplaceable')).toEqual([expect.objectContaining({ slot: 'SL', code: -2021, fallback: 'alert' })]);
    const [alert] = env.core.modes.reasons();
    expect(alert?.reason).toBe('PROTECTION_UNPLACEABLE');
    expect(alert?.detail).toContain('SL');
    expect(alert?.detail).toContain('-2021');
    expect(alert?.detail).toContain('watching the mark');
    expect(events(env.records, 'scope_affected')).toEqual([]);
  });

  test('a TP refused with -2021 is unplaceable protection too', async () => {
    const env = setup();
    expect(await submit(env, [place('TP', 't1')], [{ kind: 'rejected', code: -2021, httpStatus: 400 }])).toEqual({ next: 'unplaceable' });
    expect(env.core.unplaceable.get(KEY)?.slot).toBe('TP');
    expect(env.core.modes.has('PROTECTION_UNPLACEABLE')).toBe(true);
  });

  test('a DCA refused with -2021 is not protection: a plain block, no alert', async () => {
    const env = setup();
    expect(await submit(env, [place('DCA1', 'd1')], [{ kind: 'rejected', code: -2021, httpStatus: 400 }])).toEqual({ next: 'done' });
    expect(env.core.unplaceable.size).toBe(0);
    expect(env.core.modes.mode()).toBe('NORMAL');
    expect(events(env.records, 'block')).toEqual([expect.objectContaining({ slot: 'DCA1', reason: 'venue_rejected' })]);
  });

  test('an amend of a resting TP refused with -2021: the TP still rests, protection is in place: a block, no alert', async () => {
    const env = setup();
    await openTp(env);
    expect(await submit(env, [amendTp()], [{ kind: 'rejected', code: -2021, httpStatus: 400 }])).toEqual({ next: 'done' });
    expect(env.core.unplaceable.size).toBe(0);
    expect(env.core.modes.has('PROTECTION_UNPLACEABLE')).toBe(false);
  });

  test('unplaceable since the FIRST refusal: a later refusal of the other slot does not restart the clock', async () => {
    const env = setup();
    await submit(env, [place('SL', 's1')], [{ kind: 'rejected', code: -2021, httpStatus: 400 }]);
    env.clock.t = 9_000;
    await submit(env, [place('TP', 't1')], [{ kind: 'rejected', code: -2021, httpStatus: 400 }]);
    expect(env.core.unplaceable.get(KEY)).toEqual({ slot: 'SL', code: '-2021', sinceMs: 1_000 });
  });

  test('PROTECTION_FALLBACK=close: the alert says the position is being closed and the scope is woken to close it', async () => {
    const env = setup({ protectionFallback: 'close' });
    expect(await submit(env, [place('SL', 's1')], [{ kind: 'rejected', code: -2021, httpStatus: 400 }])).toEqual({ next: 'done' });
    expect(events(env.records, 'protection_unplaceable')).toEqual([expect.objectContaining({ fallback: 'close' })]);
    const [alert] = env.core.modes.reasons();
    expect(alert?.detail).toContain('SL');
    expect(alert?.detail).toContain('closing the position');
    expect(events(env.records, 'scope_affected')).toEqual([expect.objectContaining({ reason: 'protection_fallback_close' })]);
  });
});

describe('a private row that beat an unknown answer settles it (CONFIRMATION_LIFECYCLE)', () => {
  test('the order showed open on the stream, then the answer timed out: known, no recovery', async () => {
    const env = setup();
    const result = await submit(env, [place('TP', 't1')], [{ kind: 'unknown', reason: 'timeout' }], () => env.router.apply(tpRow('t1', '901', 'NEW')));
    expect(result).toEqual({ next: 'done' });
    expect(env.core.needsRecovery(KEY)).toBe(false);
    expect(events(env.records, 'recovery_required')).toEqual([]);
    expect(events(env.records, 'submission_unknown')).toEqual([expect.objectContaining({ customOrderId: 't1', resolvedBy: 'private_confirmation' })]);
    expect(lifecycleOf(env, 't1')).toBe('open');
  });

  test('the order showed terminal on the stream, then the answer timed out: settled, no recovery (lesson 12)', async () => {
    const env = setup();
    const result = await submit(env, [place('TP', 't1')], [{ kind: 'unknown', reason: 'timeout' }], () => env.router.apply(tpRow('t1', '901', 'FILLED')));
    expect(result).toEqual({ next: 'done' });
    expect(env.core.needsRecovery(KEY)).toBe(false);
    expect(events(env.records, 'recovery_required')).toEqual([]);
    expect(lifecycleOf(env, 't1')).toBe('filled');
  });
});

describe('what an answer says about the account\'s mode', () => {
  const refusal = async (outcome: SubmitOutcome) => {
    const env = setup();
    await submit(env, [place('SL', 's1')], [outcome]);
    return { mode: env.core.modes.mode(), reasons: env.core.modes.reasons().map((r) => r.reason), detail: env.core.modes.reasons()[0]?.detail ?? '' };
  };

  test('a refused signature (-1022), whatever its HTTP status: AUTH_FAILED pauses the account, the alert names the code', async () => {
    const r = await refusal({ kind: 'rejected', code: -1022, httpStatus: 400 });
    expect(r).toMatchObject({ mode: 'PAUSED', reasons: ['AUTH_FAILED'] });
    expect(r.detail).toContain('-1022');
  });

  test('a refused key (-2015 with its 401): the alert names the venue code', async () => {
    const r = await refusal({ kind: 'rejected', code: -2015, httpStatus: 401 });
    expect(r).toMatchObject({ mode: 'PAUSED', reasons: ['AUTH_FAILED'] });
    expect(r.detail).toContain('-2015');
  });

  test.each([401, 403])('HTTP %i without a code: AUTH_FAILED, the alert names the status', async (httpStatus) => {
    const r = await refusal({ kind: 'rejected', httpStatus });
    expect(r).toMatchObject({ mode: 'PAUSED', reasons: ['AUTH_FAILED'] });
    expect(r.detail).toContain(String(httpStatus));
  });

  test('a rejected timestamp (-1021): CLOCK_SKEW pauses the account, the alert names the code', async () => {
    const r = await refusal({ kind: 'rejected', code: -1021, httpStatus: 400 });
    expect(r).toMatchObject({ mode: 'PAUSED', reasons: ['CLOCK_SKEW'] });
    expect(r.detail).toContain('-1021');
  });

  test.each([429, 418])('HTTP %i without a code: RATE_LIMITED degrades the account, the alert names the status', async (httpStatus) => {
    const r = await refusal({ kind: 'rejected', httpStatus });
    expect(r).toMatchObject({ mode: 'DEGRADED', reasons: ['RATE_LIMITED'] });
    expect(r.detail).toContain(String(httpStatus));
  });

  test.each([-1003, -1015])('code %i without a status: RATE_LIMITED, the alert names the code', async (code) => {
    const r = await refusal({ kind: 'rejected', code });
    expect(r).toMatchObject({ mode: 'DEGRADED', reasons: ['RATE_LIMITED'] });
    expect(r.detail).toContain(String(code));
  });

  test('RATE_LIMITED lapses when the limiter resets (its Retry-After, else 10 s), not only on the next accepted write; a newer refusal restarts the wait', async () => {
    const env = setup();
    const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
    env.core.clock.setTimeout = ((fn: () => void, ms: number) => timers.push({ fn, ms, cleared: false }) - 1) as never;
    env.core.clock.clearTimeout = ((id: number) => void (timers[id]!.cleared = true)) as never;
    await submit(env, [place('DCA1', 'd1')], [{ kind: 'rejected', httpStatus: 429, retryAfterMs: 4_000 }]);
    expect(env.core.modes.mode()).toBe('DEGRADED');
    expect(timers.map((t) => t.ms)).toEqual([4_000]);
    await submit(env, [place('SL', 's2')], [{ kind: 'rejected', code: -1003 }]);
    expect(timers.map((t) => [t.ms, t.cleared])).toEqual([[4_000, true], [10_000, false]]);
    timers[1]!.fn();
    expect(env.core.modes.mode()).toBe('NORMAL');
  });

  test.each([
    { kind: 'rejected', code: -2019, httpStatus: 400 },
    { kind: 'rejected', code: -2019 },
    { kind: 'rejected', code: -4116, httpStatus: 400 },
  ] as const)('a refusal that says nothing about credentials, clock or rate (%o): the mode stays NORMAL', async (outcome) => {
    expect(await refusal(outcome)).toEqual({ mode: 'NORMAL', reasons: [], detail: '' });
  });
});

describe('an amend records what it asks before asking it; a cancel asks nothing new (DURABLE_CONTEXT_LIFECYCLE "Moments")', () => {
  /** Our resting TP whose context holds the request it was placed with (price 66000). */
  async function tpWithRequest(env: Env) {
    await openTp(env);
    const current = env.core.contexts.get('tp0')!;
    await env.core.contexts.put({ ...current, request: { side: 'SELL', type: 'LIMIT', price: '66000', qty: '0.01', reduceOnly: true } });
  }
  const requestPrice = (env: Env) => (env.core.contexts.get('tp0')?.request as { price?: string } | undefined)?.price;

  test('an amend: the durable context holds the amended price before the venue is asked (a restart compares against it)', async () => {
    const env = setup();
    await tpWithRequest(env);
    const result = env.executor.submitPlanned(KEY, [amendTp()]);
    await until(() => env.venue.submissions.length === 1);
    expect(String(requestPrice(env))).toBe('66500');
    env.venue.answer(() => true, { kind: 'accepted' });
    await result;
    expect(String(requestPrice(env))).toBe('66500');
  });

  test('a cancel: the stored request stays the one the order was placed with, whatever the cancel carries', async () => {
    const env = setup();
    await tpWithRequest(env);
    // The cancel carries the order as last seen (here at another price, changed outside the service).
    const cancel = cancelTp();
    const seenElsewhere: PlannedRequest = { ...cancel, mutation: { ...cancel.mutation, intent: { ...cancel.mutation.intent, price: d('66100') } } as PlannedRequest['mutation'] };
    const result = env.executor.submitPlanned(KEY, [seenElsewhere]);
    await until(() => env.venue.submissions.length === 1);
    expect(String(requestPrice(env))).toBe('66000');
    env.venue.answer(() => true, { kind: 'accepted' });
    await result;
  });
});
