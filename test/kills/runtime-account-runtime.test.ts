// AccountRuntime (src/runtime/account-runtime.ts), the composition root, held to docs/OPERATIONS.md
// "Modes": a PAUSED account (refused credentials or timestamp) asks the venue again after
// `pausedProbeMs` (30 s by default) with a resync, once per pause, and never after it stopped; a
// defect that stops the account or stream machine is journaled (the process never fails silently);
// operators read readiness, the stream and a rejected config from the machines themselves; a stop
// is done once. Each test drives a real AccountRuntime over the conformance ScriptedVenue, a durable
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
import type { PositionRow } from '../../src/domain/rows.js';
import type { SubmitOutcome } from '../../src/venues/port.js';

const d = (s: string) => new Decimal(s);
const FILTERS = { tickSize: d('0.1'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('5') };
const drain = () => drainTurns(8);
const AUTH_REFUSED: SubmitOutcome = { kind: 'rejected', code: -2015, httpStatus: 401, message: 'Invalid API-key, IP, or permissions for action.' };
const SKEW_REFUSED: SubmitOutcome = { kind: 'rejected', code: -1021, httpStatus: 400, message: 'Timestamp for this request is outside of the recvWindow.' };

function account(over: Partial<RuntimeConfig> = {}, validateConfig?: () => void) {
  const clock = new SteppingClock();
  const positions: PositionRow[] = [{ kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d('0.01'), entryPrice: d('65000') }];
  const venue = new ScriptedVenue('binance', 'linear', { positions, openOrders: [], filters: { BTCUSDT: FILTERS }, balances: [], fills: [] }, undefined);
  let closes = 0;
  const close = venue.close.bind(venue);
  venue.close = async () => {
    closes++;
    await close();
  };
  const records: JournalRecord[] = [];
  const journal = new Journal(clock);
  journal.subscribe((r) => records.push(r));
  const config: RuntimeConfig = {
    exchange: 'binance', product: 'linear', positionMode: 'hedge', mode: 'demo', configuredSymbols: ['BTCUSDT'],
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [] }),
    eventBurstMs: 50, maxBurstDelayMs: 500, confirmationTimeoutMs: 600_000, heartbeatTimeoutMs: 0, drainTimeoutMs: 1,
    gates: { conformancePassed: true, liveConfirmed: false }, ...over,
  };
  const runtime = new AccountRuntime({ config, venue, store: createFailingStore().keyv, clock, journal, jitter: () => 0, ...(validateConfig ? { validateConfig } : {}) });
  const advance = (ms: number) => advanceClockTo(clock, clock.now() + ms, drain);
  const start = () => bootWithOpenStream(runtime, venue, clock, drain);
  const of = (name: string) => records.filter((r) => r.event === name) as Array<JournalRecord & Record<string, unknown>>;
  const resyncs = () => of('rest_hydration').filter((r) => String(r.reason).startsWith('probe_'));
  return { runtime, core: runtime.core, venue, clock, advance, start, records, of, resyncs, closes: () => closes };
}

type Account = ReturnType<typeof account>;

/** The venue refuses the first protective submission with `outcome`; the account pauses. */
async function pausedBy(a: Account, outcome: SubmitOutcome) {
  await a.start();
  expect(a.venue.answer(() => true, outcome)).toBeDefined();
  await a.advance(0);
}

describe('a paused account asks the venue again', () => {
  test('refused credentials: one resync after 30 s (the default), not before; it clears the pause', async () => {
    const a = account();
    await pausedBy(a, AUTH_REFUSED);
    expect(a.core.modes.has('AUTH_FAILED')).toBe(true);
    await a.advance(29_999);
    expect(a.resyncs()).toHaveLength(0);
    await a.advance(1);
    expect(a.resyncs()).toEqual([expect.objectContaining({ reason: 'probe_auth_failed' })]);
    expect(a.of('resync_completed')).toHaveLength(1);
    expect(a.core.modes.has('AUTH_FAILED')).toBe(false);
    await a.advance(120_000);
    expect(a.resyncs()).toHaveLength(1); // cleared: nothing more to ask
    await a.runtime.stop();
  });

  test('a refused timestamp probes as probe_clock_skew after the configured wait', async () => {
    const a = account({ pausedProbeMs: 5_000 });
    await pausedBy(a, SKEW_REFUSED);
    expect(a.core.modes.has('CLOCK_SKEW')).toBe(true);
    await a.advance(4_999);
    expect(a.resyncs()).toHaveLength(0);
    await a.advance(1);
    expect(a.resyncs()).toEqual([expect.objectContaining({ reason: 'probe_clock_skew' })]);
    await a.runtime.stop();
  });

  test('a second refusal while a probe is waiting does not add a second probe', async () => {
    const a = account();
    await pausedBy(a, AUTH_REFUSED);
    a.core.modes.raise('AUTH_FAILED', 'refused again');
    a.core.modes.raise('CLOCK_SKEW', 'and a timestamp');
    await a.advance(30_000);
    expect(a.resyncs()).toHaveLength(1);
    await a.runtime.stop();
  });

  test('a pause that cleared before the probe is due asks nothing', async () => {
    const a = account();
    await pausedBy(a, AUTH_REFUSED);
    a.core.modes.clear('AUTH_FAILED');
    await a.advance(30_000);
    expect(a.resyncs()).toHaveLength(0);
    await a.runtime.stop();
  });

  test('other degradations (a rate limit, a dropped stream) never probe', async () => {
    const a = account();
    await a.start();
    a.core.modes.raise('RATE_LIMITED', 'HTTP 429');
    a.core.modes.raise('STREAM_DOWN', 'socket closed');
    await a.advance(120_000);
    expect(a.resyncs()).toHaveLength(0);
    await a.runtime.stop();
  });

  test('a stopped account asks nothing: the waiting probe is cancelled, and a later refusal arms none', async () => {
    const a = account();
    await pausedBy(a, AUTH_REFUSED);
    expect(a.clock.nextDueAt()).toBeDefined();
    await a.runtime.stop();
    // No timer of the stopped account is left on the clock (nothing fires later, nothing leaks).
    expect(a.clock.nextDueAt()).toBeUndefined();
    a.core.modes.raise('CLOCK_SKEW', 'after the stop');
    expect(a.clock.nextDueAt()).toBeUndefined();
    await a.advance(120_000);
    expect(a.resyncs()).toHaveLength(0);
  });

  test('an account stopped before any pause arms no probe for a refusal that comes after', async () => {
    const a = account();
    await a.start();
    await a.runtime.stop();
    a.core.modes.raise('AUTH_FAILED', 'after the stop');
    expect(a.clock.nextDueAt()).toBeUndefined();
  });

  test('while the pause persists, a second refusal does not make the account ask twice as often', async () => {
    const a = account();
    const probes: number[] = [];
    a.runtime.root.system.inspect((e) => {
      if (e.type === '@xstate.event' && (e.event as { type: string }).type === 'account.resync') probes.push(a.clock.now());
    });
    await pausedBy(a, AUTH_REFUSED);
    // Every read is refused for the key from now on: the pause persists through the probe.
    a.venue.hydrate = async () => {
      throw new Error('binanceusdm {"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}');
    };
    const t0 = a.clock.now();
    await a.advance(10_000);
    a.core.modes.raise('CLOCK_SKEW', 'a timestamp refused 10 s later');
    await a.advance(35_000);
    expect(a.core.modes.has('AUTH_FAILED')).toBe(true);
    expect(probes).toEqual([t0 + 30_000]);
    await a.runtime.stop();
  });

  test('a second refusal while the probe waits arms nothing; a pause after a cleared one is probed again', async () => {
    const a = account();
    const probes: number[] = [];
    a.runtime.root.system.inspect((e) => {
      if (e.type === '@xstate.event' && (e.event as { type: string }).type === 'account.resync') probes.push(a.clock.now());
    });
    await pausedBy(a, AUTH_REFUSED);
    const t0 = a.clock.now();
    await a.advance(10_000);
    a.core.modes.raise('CLOCK_SKEW', 'a timestamp refused 10 s later');
    await a.advance(35_000);
    expect(probes).toEqual([t0 + 30_000]); // not again 30 s after the second refusal
    expect(a.core.modes.has('AUTH_FAILED')).toBe(false);
    // Paused again later: a new probe 30 s after that refusal.
    const t1 = a.clock.now();
    a.core.modes.raise('AUTH_FAILED', 'refused again');
    await a.advance(30_000);
    expect(probes).toEqual([t0 + 30_000, t1 + 30_000]);
    await a.runtime.stop();
  });

  test('a rate limit first does not make the probe for a later refusal come early', async () => {
    const a = account();
    await a.start();
    const t0 = a.clock.now();
    a.core.modes.raise('RATE_LIMITED', 'HTTP 429');
    await a.advance(20_000);
    expect(a.venue.answer(() => true, AUTH_REFUSED)).toBeDefined();
    await a.advance(0);
    expect(a.core.modes.has('AUTH_FAILED')).toBe(true);
    await a.advance(29_000);
    expect(a.resyncs()).toHaveLength(0);
    await a.advance(1_000);
    expect(a.resyncs()).toEqual([expect.objectContaining({ reason: 'probe_auth_failed', atMs: t0 + 50_000 })]);
    await a.runtime.stop();
  });
});

describe('a defect that stops a machine is journaled, never silent', () => {
  test('the account machine: account_failed with the reason', async () => {
    const a = account();
    Object.defineProperty(a.core.state, 'serviceReady', { configurable: true, get: () => false, set: () => { throw new Error('account defect'); } });
    await a.start();
    expect(a.of('account_failed')).toEqual([expect.objectContaining({ reason: 'account defect' })]);
  });

  test('a defect that throws null is journaled as "null" (the handler itself must not throw)', async () => {
    const a = account();
    Object.defineProperty(a.core.state, 'serviceReady', { configurable: true, get: () => false, set: () => { throw null; } });
    await a.start();
    expect(a.of('account_failed')).toEqual([expect.objectContaining({ reason: 'null' })]);
  });

  test('the stream machine: stream_failed with the reason', async () => {
    const a = account();
    Object.defineProperty(a.core.state, 'privateStreamReady', { configurable: true, get: () => false, set: () => { throw new Error('stream defect'); } });
    await a.start();
    expect(a.of('stream_failed')).toEqual([expect.objectContaining({ reason: 'stream defect' })]);
  });
});

describe('what operators read comes from the machines', () => {
  test('readiness: the account ready and the stream open, each on its own', async () => {
    const a = account();
    a.runtime.boot();
    expect(a.runtime.readiness()).toEqual({ service: false, stream: false });
    a.venue.push({ kind: 'stream', status: 'open' });
    await drain();
    expect(a.runtime.readiness()).toEqual({ service: false, stream: true });
    a.runtime.start();
    await a.advance(0);
    expect(a.runtime.readiness()).toEqual({ service: true, stream: true });
    expect(a.runtime.accountState()).toBe(JSON.stringify(a.runtime.root.getSnapshot().value));
    expect(a.runtime.configRejected()).toBe(false);
    await a.runtime.stop();
  });

  test('hydrate alone takes the startup snapshot at the venue and holds it, not ready until started', async () => {
    const a = account();
    let hydrations = 0;
    const hydrate = a.venue.hydrate.bind(a.venue);
    a.venue.hydrate = async (request) => {
      hydrations++;
      return hydrate(request);
    };
    a.runtime.boot();
    await drain(); // the configuration validated
    expect(a.runtime.root.getSnapshot().value).toBe('configured');
    a.runtime.hydrate();
    await a.advance(0);
    expect(hydrations).toBe(1);
    expect(a.runtime.root.getSnapshot().value).toBe('hydrated');
    expect(a.core.state.positions.get('binance:linear:BTCUSDT:LONG')?.size.toString()).toBe('0.01');
    expect(a.runtime.readiness().service).toBe(false);
    a.venue.push({ kind: 'stream', status: 'open' });
    await drain();
    a.runtime.start();
    await a.advance(0);
    expect(a.runtime.readiness().service).toBe(true);
    expect(hydrations).toBe(1); // the snapshot taken stands: start does not take a second one
    await a.runtime.stop();
  });

  test('the stream: its machine state, rows handed on, when it last said anything', async () => {
    const a = account();
    await a.start();
    await a.advance(1_000);
    a.venue.push({ kind: 'balance', asset: 'USDT', walletBalance: d('1000') });
    await drain();
    expect(a.runtime.streamStats()).toEqual({ state: a.runtime.stream.getSnapshot().value, rows: 1, lastItemAtMs: 1_000 });
    expect(a.runtime.streamStats().state).toEqual({ open: 'listening' });
    await a.runtime.stop();
  });

  test('a rejected configuration: the account says so, and no venue call was made', async () => {
    const a = account({}, () => { throw Object.assign(new Error('bad'), { field: 'STOP_LOSS_PCT' }); });
    await a.start();
    expect(a.runtime.configRejected()).toBe(true);
    expect(a.of('rest_hydration')).toHaveLength(0);
    await a.runtime.stop();
  });

  test('mode changes are journaled with the mode, the reasons and since when', async () => {
    const a = account();
    await a.start();
    await a.advance(500);
    a.core.modes.raise('RATE_LIMITED', 'HTTP 429');
    await drain();
    expect(a.of('mode_changed').at(-1)).toMatchObject({ mode: 'DEGRADED', reasons: ['RATE_LIMITED'], since: 500 });
    await a.runtime.stop();
  });
});

test('a stop is done once: a second stop closes nothing again', async () => {
  const a = account();
  await a.start();
  await a.runtime.stop();
  await a.runtime.stop();
  expect(a.closes()).toBe(1);
  expect(a.of('account_draining')).toHaveLength(1);
});

describe('a row that reaches the runtime after the account stopped', () => {
  test('is dropped quietly: no scope actor to tell, and nothing thrown (the process never fails on a late row)', async () => {
    const a = account();
    await a.start();
    await a.runtime.stop();
    const failures: unknown[] = [];
    const onError = (error: unknown) => failures.push(error);
    process.on('uncaughtException', onError);
    try {
      a.core.affect('binance:linear:ETHUSDT:LONG', 'late_row');
      await drain();
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(failures).toEqual([]);
    expect(a.runtime.scopeRef('binance:linear:ETHUSDT:LONG')).toBeUndefined();
  });
});
