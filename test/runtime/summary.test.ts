// The periodic summary line: every SUMMARY_INTERVAL_MS (default 5 minutes) of the runtime's
// injected clock, one `summary` record says how many positions are open, how many are protected
// (every configured protective slot rests at the venue) and which are not, what waits for a
// confirmation or has an unknown outcome, and the modes. Off unless configured (the conformance
// harness never sets it).
import { Decimal } from 'decimal.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { ScriptedVenue } from '../../src/conformance/scripted-venue.js';
import { SteppingClock } from '../../src/conformance/stepping-clock.js';
import { parseServiceConfig } from '../../src/config/service-config.js';
import { AccountRuntime } from '../../src/runtime/account-runtime.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';

const LONG = 'binance:linear:BTCUSDT:LONG';
const SHORT = 'binance:linear:BTCUSDT:SHORT';
const config: RuntimeConfig = {
  exchange: 'binance', product: 'linear', positionMode: 'hedge', mode: 'dry_run', strategy: parseStrategy({ stopLossPct: '2', dca: [] }),
  eventBurstMs: 1, maxBurstDelayMs: 5, confirmationTimeoutMs: 1000, heartbeatTimeoutMs: 0, gates: { conformancePassed: false, liveConfirmed: false },
  summaryIntervalMs: 300_000,
};

async function runtimeWith(overrides: Partial<RuntimeConfig> = {}) {
  const clock = new SteppingClock();
  const journal = new Journal(clock);
  const records: JournalRecord[] = [];
  journal.subscribe((r) => records.push(r));
  const venue = new ScriptedVenue('binance', 'linear', { positions: [], openOrders: [], filters: {}, balances: [], fills: [] }, undefined);
  const runtime = new AccountRuntime({ config: { ...config, ...overrides }, venue, store: createFailingStore().keyv, clock, journal });
  // Two open positions: the long has its stop-loss resting at the venue, the short has nothing.
  const { core } = runtime;
  for (const [key, side] of [[LONG, 'LONG'], [SHORT, 'SHORT']] as const) {
    core.state.applyPosition({ kind: 'position', symbol: 'BTCUSDT', managedSide: side, size: new Decimal('0.01'), entryPrice: new Decimal('65000') }, key);
    core.know(key);
  }
  await core.contexts.put({ customOrderId: 'xs-sl-1', scopeKey: LONG, slot: 'SL', generation: 1, status: 'active', lifecycle: 'open', exchangeOrderId: '5', updatedAtMs: 0 });
  core.state.applyOrder({ kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'xs-sl-1', exchangeOrderId: '5', side: 'SELL', type: 'STOP_MARKET', triggerPrice: new Decimal('63700'), closePosition: true, status: 'NEW' }, LONG);
  runtime.boot();
  return { clock, records, runtime };
}

const summaries = (records: JournalRecord[]) => records.filter((r) => r.event === 'summary');

test('a summary line appears on the clock\'s schedule, and only then', async () => {
  const { clock, records } = await runtimeWith();
  clock.increment(299_999);
  expect(summaries(records)).toHaveLength(0);
  clock.increment(1);
  expect(summaries(records)).toHaveLength(1);
  expect(summaries(records)[0]).toMatchObject({ atMs: 300_000 });
  clock.increment(300_000);
  clock.increment(300_000);
  expect(summaries(records).map((r) => r.atMs)).toEqual([300_000, 600_000, 900_000]);
});

test('it says positions, protection, pending and modes', async () => {
  const { clock, records } = await runtimeWith();
  clock.increment(300_000);
  expect(summaries(records)[0]).toMatchObject({
    mode: 'dry_run', systemMode: 'NORMAL', modeReasons: [], positions: 2, protected: 1, unprotected: 1, unprotectedScopes: ['BTCUSDT:SHORT'],
    pendingConfirmations: 0, unknownOutcomes: 0,
  });
});

test('no summary when the interval is 0 (the harness and embedders that do not ask for one)', async () => {
  const { clock, records } = await runtimeWith({ summaryIntervalMs: 0 });
  clock.increment(3_600_000);
  expect(summaries(records)).toHaveLength(0);
});

test('SUMMARY_INTERVAL_MS configures it: 5 minutes by default, 0 turns it off', () => {
  const env = { TAKE_PROFIT_PCT: '1', STOP_LOSS_PCT: '2' };
  expect(parseServiceConfig(env).runtime.summaryIntervalMs).toBe(300_000);
  expect(parseServiceConfig({ ...env, SUMMARY_INTERVAL_MS: '60000' }).runtime.summaryIntervalMs).toBe(60_000);
  expect(parseServiceConfig({ ...env, SUMMARY_INTERVAL_MS: '0' }).runtime.summaryIntervalMs).toBe(0);
  expect(() => parseServiceConfig({ ...env, SUMMARY_INTERVAL_MS: 'often' })).toThrow(/SUMMARY_INTERVAL_MS/);
});
