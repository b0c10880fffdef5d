// A stopping account drains: it sends nothing new, waits (bounded) for the answers to venue calls
// already sent, and writes what they decide before the process exits. Without the drain a restart
// in the middle of a submit would leave an accepted order looking unknown.
import { Decimal } from '../../src/domain/decimal.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { ScriptedVenue } from '../../src/conformance/scripted-venue.js';
import { AccountRuntime } from '../../src/runtime/account-runtime.js';
import { systemClock } from '../../src/runtime/clock.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';

const d = (s: string) => new Decimal(s);
const FILTERS = { tickSize: d('0.1'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('5') };

function config(drainTimeoutMs: number): RuntimeConfig {
  return {
    exchange: 'binance', product: 'linear', positionMode: 'hedge', mode: 'demo', configuredSymbols: ['BTCUSDT'],
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [] }),
    eventBurstMs: 1, maxBurstDelayMs: 5, confirmationTimeoutMs: 60_000, heartbeatTimeoutMs: 0, drainTimeoutMs,
    gates: { conformancePassed: true, liveConfirmed: false },
  };
}

const until = async (what: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
};

async function runningAccount(drainTimeoutMs: number) {
  const venue = new ScriptedVenue('binance', 'linear', {
    positions: [{ kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d('0.01'), entryPrice: d('65000') }],
    openOrders: [], filters: { BTCUSDT: FILTERS }, balances: [], fills: [],
  }, undefined);
  const records: JournalRecord[] = [];
  const journal = new Journal(systemClock);
  journal.subscribe((r) => records.push(r));
  const runtime = new AccountRuntime({ config: config(drainTimeoutMs), venue, store: createFailingStore().keyv, clock: systemClock, journal });
  runtime.boot();
  venue.push({ kind: 'stream', status: 'open' });
  runtime.start();
  await until(() => venue.submissions.length === 2); // SL and TP sent, unanswered
  return { venue, runtime, records };
}

test('stop waits for the answers already on their way and records what they decide', async () => {
  const { venue, runtime, records } = await runningAccount(2_000);
  setTimeout(() => {
    venue.answer((m) => m.slot === 'SL', { kind: 'accepted', exchangeOrderId: '501' });
    venue.answer((m) => m.slot === 'TP', { kind: 'accepted', exchangeOrderId: '502' });
  }, 100);
  await runtime.stop();
  const contexts = [...runtime.core.contexts.all()];
  expect(contexts.map((c) => c.lifecycle).sort()).toEqual(['accepted', 'accepted']);
  expect(contexts.map((c) => c.exchangeOrderId).sort()).toEqual(['501', '502']);
  expect(records.some((r) => r.event === 'account_draining')).toBe(true);
  expect(records.some((r) => r.event === 'drain_timeout')).toBe(false);
  expect(runtime.root.getSnapshot().value).toBe('stopped');
});

test('a drain is bounded: answers that never come leave the contexts for the next start to settle', async () => {
  const { runtime, records, venue } = await runningAccount(100);
  const started = Date.now();
  await runtime.stop();
  expect(Date.now() - started).toBeLessThan(1_500);
  expect(records.some((r) => r.event === 'drain_timeout')).toBe(true);
  expect([...runtime.core.contexts.all()].map((c) => c.status)).toEqual(['pending', 'pending']);
  // Nothing new was sent while stopping.
  expect(venue.submissions).toHaveLength(2);
});
