// Kills for the surviving mutants of src/runtime/logic/account-logic.ts (the runtime's implementation
// of machines/account.machine.ts), written from what the service must do (SPEC.md, docs/OPERATIONS.md
// "Modes"): a hydration the venue refuses for our credentials PAUSES the account (AUTH_FAILED), one
// refused for our timestamp too (CLOCK_SKEW), any other failure only retries, 1 s doubling to 60 s
// with jitter; a rejected configuration is journaled naming its field and value; rows buffered while
// hydrating are replayed and said so; a lost stream is STREAM_STALE (silence) or STREAM_DOWN (with
// its reason, cut to 200 characters) and every scope must recover; a failed scope actor is journaled
// and respawned at once; a restored service announces nothing; a stopping account waits for what it
// sent only as long as configured. Each test drives a real AccountRuntime over the conformance
// ScriptedVenue, a durable store in memory and a hand-stepped clock.
import { Decimal } from '../../src/domain/decimal.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { ScriptedVenue } from '../../src/conformance/scripted-venue.js';
import { SteppingClock } from '../../src/conformance/stepping-clock.js';
import { advanceClockTo, drainTurns } from '../support/stepping.js';
import { AccountRuntime } from '../../src/runtime/account-runtime.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';
import type { PositionRow, RestSnapshot } from '../../src/domain/rows.js';
import type { ExchangeId } from '../../src/domain/scope.js';
import type { HydrationRequest } from '../../src/venues/port.js';

const d = (s: string) => new Decimal(s);
const FILTERS = { tickSize: d('0.1'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('5') };
const drain = () => drainTurns(8);

interface Options {
  exchange?: ExchangeId;
  config?: Partial<RuntimeConfig>;
  /** Startup hydrations fail with these errors first, in order (then answer). */
  startupFailures?: unknown[];
  validateConfig?: () => void;
  jitter?: () => number;
  positions?: boolean;
}

function account(o: Options = {}) {
  const exchange = o.exchange ?? 'binance';
  const clock = new SteppingClock();
  const positions: PositionRow[] = o.positions === false ? [] : [{ kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d('0.01'), entryPrice: d('65000') }];
  const venue = new ScriptedVenue(exchange, 'linear', { positions, openOrders: [], filters: { BTCUSDT: FILTERS }, balances: [], fills: [] }, undefined);
  const failures = [...(o.startupFailures ?? [])];
  const hydrations: Array<{ at: number; subject: string }> = [];
  let hold: Promise<void> | undefined;
  const hydrate = venue.hydrate.bind(venue);
  venue.hydrate = async (request: HydrationRequest): Promise<RestSnapshot> => {
    hydrations.push({ at: clock.now(), subject: request.subject });
    if (request.subject === 'startup' && failures.length > 0) throw failures.shift();
    if (hold) await hold;
    return hydrate(request);
  };
  const records: JournalRecord[] = [];
  const journal = new Journal(clock);
  journal.subscribe((r) => records.push(r));
  const config: RuntimeConfig = {
    exchange, product: 'linear', positionMode: 'hedge', mode: 'demo', configuredSymbols: ['BTCUSDT'],
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [] }),
    eventBurstMs: 50, maxBurstDelayMs: 500, confirmationTimeoutMs: 600_000, heartbeatTimeoutMs: 10_000, drainTimeoutMs: 0,
    gates: { conformancePassed: true, liveConfirmed: false }, ...o.config,
  };
  const runtime = new AccountRuntime({
    config, venue, store: createFailingStore().keyv, clock, journal,
    jitter: o.jitter ?? (() => 0),
    ...(o.validateConfig ? { validateConfig: o.validateConfig } : {}),
  });
  const advanceTo = (at: number) => advanceClockTo(clock, at, drain);
  const advance = (ms: number) => advanceTo(clock.now() + ms);
  const open = async () => {
    runtime.boot();
    venue.push({ kind: 'stream', status: 'open' });
    await drain();
  };
  const start = async () => {
    await open();
    runtime.start();
    await drain();
    await advance(0);
  };
  const of = (name: string) => records.filter((r) => r.event === name) as Array<JournalRecord & Record<string, unknown>>;
  const holdHydrations = () => {
    let release!: () => void;
    hold = new Promise<void>((r) => (release = r));
    return () => {
      hold = undefined;
      release();
    };
  };
  return { runtime, core: runtime.core, venue, clock, advance, open, start, records, of, hydrations, holdHydrations };
}

type Account = ReturnType<typeof account>;
const alert = (a: Account, reason: string) => a.of('alert_raised').filter((r) => r.reason === reason);
const LONG = 'binance:linear:BTCUSDT:LONG';

/** An error as ccxt raises it: the class name and the venue's text; optional fields as adapters set them. */
function venueError(message: string, fields: { code?: number; httpStatus?: number; name?: string } = {}): Error {
  const e = new Error(message) as Error & { code?: number; httpStatus?: number };
  if (fields.name) e.name = fields.name;
  if (fields.code !== undefined) e.code = fields.code;
  if (fields.httpStatus !== undefined) e.httpStatus = fields.httpStatus;
  return e;
}

describe('a failed hydration: what the venue said decides the mode', () => {
  async function failedOnce(error: unknown, exchange?: ExchangeId) {
    const a = account({ startupFailures: [error], ...(exchange ? { exchange } : {}) });
    await a.start();
    return a;
  }

  test('a refused key code in the text (-2015) pauses the account as AUTH_FAILED, with the reason', async () => {
    const a = await failedOnce(venueError('binanceusdm {"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}'));
    expect(a.of('hydration_failed')).toEqual([expect.objectContaining({ reason: expect.stringContaining('-2015') })]);
    expect(a.core.modes.has('AUTH_FAILED')).toBe(true);
    expect(a.core.modes.has('CLOCK_SKEW')).toBe(false);
    await a.runtime.stop();
  });

  test('a refused key code given only as the error field pauses as AUTH_FAILED', async () => {
    const a = await failedOnce(venueError('request refused', { code: -2014 }));
    expect(a.core.modes.has('AUTH_FAILED')).toBe(true);
    await a.runtime.stop();
  });

  test('HTTP 401 in the text, or HTTP 403 as the field, is AUTH_FAILED', async () => {
    const a = await failedOnce(venueError('HTTP 401 Unauthorized'));
    expect(a.core.modes.has('AUTH_FAILED')).toBe(true);
    await a.runtime.stop();
    const b = await failedOnce(venueError('forbidden', { httpStatus: 403 }));
    expect(b.core.modes.has('AUTH_FAILED')).toBe(true);
    await b.runtime.stop();
  });

  test("ccxt's AuthenticationError class named in the text is AUTH_FAILED whatever the code", async () => {
    const a = await failedOnce(venueError('AuthenticationError: binanceusdm signature for this request is not valid'));
    expect(a.core.modes.has('AUTH_FAILED')).toBe(true);
    await a.runtime.stop();
  });

  test('a positive venue code (Bybit 10003, invalid key) is AUTH_FAILED on Bybit', async () => {
    const a = await failedOnce(venueError('bybit {"retCode":10003,"retMsg":"API key is invalid."}'), 'bybit');
    expect(a.core.modes.has('AUTH_FAILED')).toBe(true);
    await a.runtime.stop();
  });

  test('a refused timestamp (-1021) is CLOCK_SKEW, not AUTH_FAILED', async () => {
    const a = await failedOnce(venueError('binanceusdm {"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}'));
    expect(a.core.modes.has('CLOCK_SKEW')).toBe(true);
    expect(a.core.modes.has('AUTH_FAILED')).toBe(false);
    await a.runtime.stop();
  });

  test('an outage (HTTP 503) and a number that only contains a code (an id, a price) are neither', async () => {
    for (const text of ['HTTP 503 Service Unavailable', 'order 7712015 failed at 65000.12015: HTTP 502', 'HTTP 4011 is no status']) {
      const a = await failedOnce(venueError(text));
      expect(a.of('hydration_failed')).toHaveLength(1);
      expect(a.core.modes.has('AUTH_FAILED')).toBe(false);
      expect(a.core.modes.has('CLOCK_SKEW')).toBe(false);
      await a.runtime.stop();
    }
  });

  test('the mode names the venue text, cut to 200 characters', async () => {
    const text = `binanceusdm {"code":-2015,"msg":"${'x'.repeat(400)}"}`;
    const a = await failedOnce(venueError(text));
    const raised = alert(a, 'AUTH_FAILED');
    expect(raised).toHaveLength(1);
    expect(raised[0]!.detail).toBe(text.slice(0, 200));
    expect((a.of('hydration_failed')[0]!.reason as string).length).toBeGreaterThan(200);
    await a.runtime.stop();
  });

  test('a thrown value that is not an Error is journaled as what it is', async () => {
    const a = await failedOnce(null);
    expect(a.of('hydration_failed')).toEqual([expect.objectContaining({ reason: 'null' })]);
    await a.runtime.stop();
  });
});

test('failed hydrations are retried 1 s doubling to 60 s, with jitter over the upper half', async () => {
  const outage = () => venueError('HTTP 503 Service Unavailable');
  const a = account({ startupFailures: Array.from({ length: 9 }, outage), jitter: () => 0.5, config: { heartbeatTimeoutMs: 0 } });
  await a.start();
  for (let i = 0; i < 10; i++) await a.advance(60_000);
  const at = a.hydrations.filter((h) => h.subject === 'startup').map((h) => h.at);
  const gaps = at.slice(1).map((t, i) => t - at[i]!);
  // cap = min(60 s, 1 s * 2^(failures-1)); wait = cap/2 + jitter * cap/2 = 0.75 cap with jitter 0.5.
  expect(gaps).toEqual([750, 1_500, 3_000, 6_000, 12_000, 24_000, 45_000, 45_000, 45_000]);
  expect(a.of('service_ready')).toHaveLength(1);
  await a.runtime.stop();
});

describe('a rejected configuration', () => {
  const rejected = async (thrown: unknown) => {
    const a = account({ validateConfig: () => { throw thrown; } });
    await a.start();
    const records = a.of('config_rejected');
    await a.runtime.stop();
    return { records, hydrations: a.hydrations };
  };

  test('is journaled with its field, reason and value, before any venue call', async () => {
    const { records, hydrations } = await rejected({ field: 'STOP_LOSS_PCT', reason: 'must be a positive decimal', value: '-2' });
    expect(records).toEqual([expect.objectContaining({ field: 'STOP_LOSS_PCT', reason: 'must be a positive decimal', value: '-2' })]);
    expect(hydrations).toHaveLength(0);
  });

  test('a plain error names the config as a whole and carries no value', async () => {
    const { records } = await rejected(new Error('unreadable config'));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ field: 'config', reason: 'unreadable config' });
    expect(Object.keys(records[0]!)).not.toContain('value');
  });

  test('even a thrown undefined is journaled (the handler itself must not throw)', async () => {
    const { records, hydrations } = await rejected(undefined);
    expect(records).toEqual([expect.objectContaining({ field: 'config', reason: 'undefined' })]);
    expect(hydrations).toHaveLength(0);
  });
});

describe('rows that arrive during the startup hydration', () => {
  test('are replayed after it, and the replay says how many', async () => {
    const a = account();
    await a.open();
    const release = a.holdHydrations();
    a.runtime.start();
    await drain();
    a.venue.push({ kind: 'balance', asset: 'USDT', walletBalance: d('1000') });
    await drain();
    release();
    await a.advance(0);
    expect(a.of('buffer_replayed')).toEqual([expect.objectContaining({ rows: 1 })]);
    await a.runtime.stop();
  });

  test('none buffered: no replay record', async () => {
    const a = account();
    await a.start();
    expect(a.of('service_ready')).toHaveLength(1);
    expect(a.of('buffer_replayed')).toHaveLength(0);
    await a.runtime.stop();
  });
});

describe('a lost stream', () => {
  test('silence is STREAM_STALE and every known scope must recover', async () => {
    const a = account();
    await a.start();
    await a.advance(10_000);
    expect(a.of('stream_disconnected')).toEqual([expect.objectContaining({ reason: 'heartbeat_timeout' })]);
    expect(alert(a, 'STREAM_STALE')).toEqual([expect.objectContaining({ detail: 'no private row or heartbeat within HEARTBEAT_TIMEOUT_MS' })]);
    expect(alert(a, 'STREAM_DOWN')).toHaveLength(0);
    expect(a.core.recoveryReasons.get(LONG)).toBe('stream_disconnected');
    await a.runtime.stop();
  });

  test('a closed socket is STREAM_DOWN with its reason, cut to 200 characters', async () => {
    const a = account();
    await a.start();
    const reason = `socket closed: ${'y'.repeat(300)}`;
    a.venue.push({ kind: 'stream', status: 'closed', reason });
    await a.advance(0);
    expect(a.of('stream_disconnected')).toEqual([expect.objectContaining({ reason })]);
    expect(alert(a, 'STREAM_DOWN')).toEqual([expect.objectContaining({ detail: reason.slice(0, 200) })]);
    expect(alert(a, 'STREAM_STALE')).toHaveLength(0);
    await a.runtime.stop();
  });

  test('a loss that gives no reason is journaled as unknown', async () => {
    const a = account();
    await a.start();
    a.runtime.root.send({ type: 'stream.lost' } as never);
    await a.advance(0);
    expect(a.of('stream_disconnected')).toEqual([expect.objectContaining({ reason: 'unknown' })]);
    await a.runtime.stop();
  });
});

describe('a failed scope actor (its shard reports scope.failed)', () => {
  test('is journaled with the scope and the error message, and respawned to plan again at once', async () => {
    const a = account();
    await a.start();
    const passes = a.of('workflow_pass').length;
    a.runtime.root.send({ type: 'scope.failed', scopeKey: LONG, error: new Error('scope defect') });
    await drain();
    expect(a.of('scope_failed')).toEqual([expect.objectContaining({ reason: 'scope defect', scope: expect.objectContaining({ symbol: 'BTCUSDT', managedSide: 'LONG' }) })]);
    // No clock movement: the respawned scope plans at once, not after the burst wait.
    const after = a.of('workflow_pass').slice(passes);
    expect(after).toEqual([expect.objectContaining({ reason: 'scope_restarted' })]);
    expect(a.runtime.scopeStateValue(LONG)).toBeDefined();
    await a.runtime.stop();
  });

  test('a thrown null is journaled as "null"', async () => {
    const a = account();
    await a.start();
    a.runtime.root.send({ type: 'scope.failed', scopeKey: LONG, error: null });
    await drain();
    expect(a.of('scope_failed')).toEqual([expect.objectContaining({ reason: 'null' })]);
    await a.runtime.stop();
  });

  test('a failure for a scope the account does not know is journaled by its key and nothing is spawned', async () => {
    const a = account();
    await a.start();
    const other = 'binance:linear:XRPUSDT:LONG';
    const passes = a.of('workflow_pass').length;
    a.runtime.root.send({ type: 'scope.failed', scopeKey: other, error: new Error('stray') });
    await a.advance(1_000);
    expect(a.of('scope_failed')).toEqual([expect.objectContaining({ scopeKey: other, reason: 'stray' })]);
    expect(a.core.known.has(other)).toBe(false);
    expect(a.runtime.scopeStateValue(other)).toBeUndefined();
    expect(a.of('workflow_pass').length).toBe(passes);
    await a.runtime.stop();
  });
});

test('a restored service (already running before) is ready without announcing service_ready', async () => {
  const a = account({ positions: false });
  await a.open();
  a.runtime.root.send({ type: 'account.restore', pending: [] });
  await a.advance(0);
  expect(a.core.state.serviceReady).toBe(true);
  expect(a.of('service_ready')).toHaveLength(0);
  await a.runtime.stop();
});

describe('the drain of a stopping account', () => {
  const withHangingSubmit = async (drainTimeoutMs: number) => {
    const a = account({ config: { drainTimeoutMs } });
    await a.start();
    expect(a.of('submission_sent').length).toBeGreaterThan(0); // the venue never answers them
    await a.runtime.stop();
    return a;
  };

  test('DRAIN_TIMEOUT_MS 0: no wait at all, so no drain timeout', async () => {
    const a = await withHangingSubmit(0);
    expect(a.of('account_draining')).toHaveLength(1);
    expect(a.of('drain_timeout')).toHaveLength(0);
  });

  test('a positive timeout waits for the unanswered requests that long, then says so', async () => {
    const a = await withHangingSubmit(30);
    expect(a.of('drain_timeout')).toEqual([expect.objectContaining({ waitedMs: 30 })]);
  });
});
