// The heartbeat watchdog (a silent private stream is a gap, not health) must see a busy stream as
// alive and a silent one as lost, without one actor event per row (issue 13: at thousands of rows
// per second, a per-row event re-arming a timer is most of the ingest cost). Activity reaches the
// stream machine at most once per resolution window; silence is still detected within that window
// of the configured timeout.
import { Decimal } from '../../src/domain/decimal.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { ScriptedVenue } from '../../src/conformance/scripted-venue.js';
import { SteppingClock } from '../../src/conformance/stepping-clock.js';
import { advanceClockTo, drainTurns } from '../support/stepping.js';
import { AccountRuntime } from '../../src/runtime/account-runtime.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';
import { activityResolutionMs } from '../../src/runtime/stream-pump.js';

const d = (s: string) => new Decimal(s);
const TIMEOUT_MS = 60_000;
const drain = () => drainTurns();

async function account(heartbeatTimeoutMs = TIMEOUT_MS) {
  const clock = new SteppingClock();
  const venue = new ScriptedVenue('binance', 'linear', { positions: [], openOrders: [], filters: { BTCUSDT: { tickSize: d('0.1'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('5') } }, balances: [], fills: [] }, undefined);
  const records: JournalRecord[] = [];
  const journal = new Journal(clock);
  journal.subscribe((r) => records.push(r));
  const config: RuntimeConfig = {
    exchange: 'binance', product: 'linear', positionMode: 'hedge', mode: 'dry_run', configuredSymbols: ['BTCUSDT'],
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [] }),
    eventBurstMs: 50, maxBurstDelayMs: 500, confirmationTimeoutMs: 5_000, heartbeatTimeoutMs,
    gates: { conformancePassed: false, liveConfirmed: false },
  };
  const runtime = new AccountRuntime({ config, venue, store: createFailingStore().keyv, clock, journal });
  let activityEvents = 0;
  runtime.stream.system.inspect((e) => {
    if (e.type === '@xstate.event' && (e.event as { type: string }).type === 'transport.activity') activityEvents++;
  });
  runtime.boot();
  venue.push({ kind: 'stream', status: 'open' });
  runtime.start();
  await drain();
  const advanceTo = (at: number) => advanceClockTo(clock, at, drain);
  const row = (i: number) => ({ kind: 'balance' as const, asset: 'USDT', walletBalance: d(String(1000 + i)) });
  const lost = () => records.filter((r) => r.event === 'stream_lost' || (r.event === 'account_mode' && JSON.stringify(r).includes('heartbeat')));
  return { runtime, venue, clock, advanceTo, row, lost, records, activity: () => activityEvents };
}

test('a busy stream stays open, and its rows reach the watchdog as at most one event per resolution window', async () => {
  const a = await account();
  expect(a.runtime.stream.getSnapshot().matches('open')).toBe(true);
  // Two minutes (twice the timeout) of rows every 10 ms: 12,000 rows.
  const start = a.clock.now();
  for (let i = 1; i <= 12_000; i++) {
    a.venue.push(a.row(i));
    if (i % 100 === 0) await a.advanceTo(start + i * 10);
  }
  await a.advanceTo(start + 120_000);
  expect(a.runtime.stream.getSnapshot().matches('open')).toBe(true);
  const windows = Math.ceil(120_000 / activityResolutionMs(TIMEOUT_MS));
  expect(a.activity()).toBeGreaterThan(0);
  expect(a.activity()).toBeLessThanOrEqual(windows + 1);
  await a.runtime.stop();
});

test('silence after the last row is a loss within one resolution window of the timeout, not before', async () => {
  const a = await account();
  const start = a.clock.now();
  for (let i = 1; i <= 50; i++) {
    a.venue.push(a.row(i));
    await a.advanceTo(start + i * 20); // rows every 20 ms for one second
  }
  const lastRowAt = start + 1_000;
  await a.advanceTo(lastRowAt + TIMEOUT_MS - activityResolutionMs(TIMEOUT_MS) - 1);
  expect(a.runtime.stream.getSnapshot().matches('open')).toBe(true);
  await a.advanceTo(lastRowAt + TIMEOUT_MS);
  expect(a.runtime.stream.getSnapshot().matches('open')).toBe(false);
  await a.runtime.stop();
});

test('the first row after a reconnect re-arms the watchdog at once', async () => {
  const a = await account();
  const start = a.clock.now();
  a.venue.push(a.row(1));
  await a.advanceTo(start + 10);
  a.venue.push({ kind: 'stream', status: 'closed', reason: 'socket closed' });
  await a.advanceTo(start + 20);
  a.venue.push({ kind: 'stream', status: 'open' });
  await a.advanceTo(start + 30);
  const before = a.activity();
  a.venue.push(a.row(2)); // within the same resolution window as row 1, but after a reopen
  await a.advanceTo(start + 40);
  expect(a.activity()).toBe(before + 1);
  await a.runtime.stop();
});

test('resolution: a second at most, and a tenth of a short timeout', () => {
  expect(activityResolutionMs(300_000)).toBe(1_000);
  expect(activityResolutionMs(800)).toBe(80);
});

test('the watchdog off (HEARTBEAT_TIMEOUT_MS=0): no activity event per row, only the first of each connection', async () => {
  expect(activityResolutionMs(0)).toBe(Infinity);
  const a = await account(0);
  const start = a.clock.now();
  for (let i = 1; i <= 500; i++) {
    a.venue.push(a.row(i));
    if (i % 50 === 0) await a.advanceTo(start + i * 10);
  }
  await a.advanceTo(start + 10_000);
  expect(a.runtime.stream.getSnapshot().matches('open')).toBe(true);
  expect(a.activity()).toBe(1);
  await a.runtime.stop();
});
