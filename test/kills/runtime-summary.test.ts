// The periodic summary (src/runtime/summary.ts), held to docs/OPERATIONS.md: open positions (a flat
// one is not a position), protected only when EVERY configured protective slot (SL and TP when both
// are configured) rests at the venue as an app order, the scopes that are not, what waits for a
// confirmation and what has an unknown outcome, scopes in recovery, open orders, readiness and the
// modes; and no line after the account stopped.
import { Decimal } from '../../src/domain/decimal.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { createFailingStore } from '../../src/conformance/failing-store.js';
import { ScriptedVenue } from '../../src/conformance/scripted-venue.js';
import { SteppingClock } from '../../src/conformance/stepping-clock.js';
import { AccountRuntime } from '../../src/runtime/account-runtime.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import type { RuntimeConfig } from '../../src/runtime/runtime-config.js';
import { summaryOf } from '../../src/runtime/summary.js';

const d = (s: string) => new Decimal(s);
const LONG = 'binance:linear:BTCUSDT:LONG';
const SHORT = 'binance:linear:BTCUSDT:SHORT';
const ETH = 'binance:linear:ETHUSDT:LONG';

function runtimeWith(strategy: { takeProfitPct?: string; stopLossPct?: string }) {
  const clock = new SteppingClock();
  const journal = new Journal(clock);
  const records: JournalRecord[] = [];
  journal.subscribe((r) => records.push(r));
  const venue = new ScriptedVenue('binance', 'linear', { positions: [], openOrders: [], filters: {}, balances: [], fills: [] }, undefined);
  const config: RuntimeConfig = {
    exchange: 'binance', product: 'linear', positionMode: 'hedge', mode: 'dry_run', strategy: parseStrategy({ ...strategy, dca: [] }),
    eventBurstMs: 1, maxBurstDelayMs: 5, confirmationTimeoutMs: 1000, heartbeatTimeoutMs: 0, gates: { conformancePassed: false, liveConfirmed: false },
    summaryIntervalMs: 60_000,
  };
  const runtime = new AccountRuntime({ config, venue, store: createFailingStore().keyv, clock, journal });
  const { core } = runtime;
  const position = (key: string, symbol: string, side: 'LONG' | 'SHORT', size: string) => {
    core.state.applyPosition({ kind: 'position', symbol, managedSide: side, size: d(size), entryPrice: d('65000') }, key);
    core.know(key);
  };
  let n = 0;
  const resting = async (key: string, symbol: string, side: 'LONG' | 'SHORT', slot: 'SL' | 'TP') => {
    const id = `xs-${slot}-${++n}`;
    await core.contexts.put({ customOrderId: id, scopeKey: key, slot, generation: 1, status: 'active', lifecycle: 'open', exchangeOrderId: String(n), updatedAtMs: 0 });
    core.state.applyOrder({
      kind: 'order', symbol, managedSide: side, customOrderId: id, exchangeOrderId: String(n), side: side === 'LONG' ? 'SELL' : 'BUY',
      type: slot === 'SL' ? 'STOP_MARKET' : 'TAKE_PROFIT_MARKET', triggerPrice: d('60000'), closePosition: true, status: 'NEW',
    }, key);
  };
  return { clock, records, runtime, core, position, resting };
}

test('protected means every configured slot rests: SL and TP both when both are configured', async () => {
  const r = runtimeWith({ stopLossPct: '2', takeProfitPct: '1' });
  r.position(LONG, 'BTCUSDT', 'LONG', '0.01');
  r.position(SHORT, 'BTCUSDT', 'SHORT', '0.01');
  r.position(ETH, 'ETHUSDT', 'LONG', '1');
  await r.resting(LONG, 'BTCUSDT', 'LONG', 'SL');
  await r.resting(LONG, 'BTCUSDT', 'LONG', 'TP');
  await r.resting(SHORT, 'BTCUSDT', 'SHORT', 'SL'); // the TP is missing
  const s = summaryOf(r.core, true);
  expect(s).toMatchObject({ positions: 3, protected: 1, unprotected: 2, openOrders: 3, ready: true });
  expect([...s.unprotectedScopes].sort()).toEqual(['BTCUSDT:SHORT', 'ETHUSDT:LONG']);
});

test('a TP-only strategy: a resting TP protects', async () => {
  const r = runtimeWith({ takeProfitPct: '1' });
  r.position(LONG, 'BTCUSDT', 'LONG', '0.01');
  await r.resting(LONG, 'BTCUSDT', 'LONG', 'TP');
  expect(summaryOf(r.core, false)).toMatchObject({ positions: 1, protected: 1, unprotected: 0, unprotectedScopes: [], ready: false });
});

test('a flat position is not an open position', async () => {
  const r = runtimeWith({ stopLossPct: '2' });
  r.position(LONG, 'BTCUSDT', 'LONG', '0');
  r.position(SHORT, 'BTCUSDT', 'SHORT', '0.01');
  expect(summaryOf(r.core, true)).toMatchObject({ positions: 1, protected: 0, unprotected: 1, unprotectedScopes: ['BTCUSDT:SHORT'] });
});

test('pending confirmations, unknown outcomes, scopes in recovery and the modes are counted', async () => {
  const r = runtimeWith({ stopLossPct: '2' });
  r.position(LONG, 'BTCUSDT', 'LONG', '0.01');
  r.position(SHORT, 'BTCUSDT', 'SHORT', '0.01');
  r.core.tracker.register({ scopeKey: LONG, action: 'place', slot: 'SL', customOrderId: 'a', sinceMs: 0, state: 'accepted' });
  r.core.tracker.register({ scopeKey: SHORT, action: 'place', slot: 'SL', customOrderId: 'b', sinceMs: 0, state: 'unknown' });
  r.core.tracker.register({ scopeKey: SHORT, action: 'place', slot: 'TP', customOrderId: 'c', sinceMs: 0, state: 'accepted' });
  r.core.requireRecovery(LONG, 'confirmation_timeout');
  r.core.know(ETH); // known, nothing to recover
  r.core.modes.raise('RATE_LIMITED', 'HTTP 429');
  const s = summaryOf(r.core, true);
  // SHORT recovers for its unknown outcome, LONG because it was flagged.
  expect(s).toMatchObject({ pendingConfirmations: 3, unknownOutcomes: 1, recovering: 2, systemMode: 'DEGRADED', modeReasons: ['RATE_LIMITED'], mode: 'dry_run' });
});

test('the periodic line says whether the service is ready, and stops with the account', async () => {
  const r = runtimeWith({ stopLossPct: '2' });
  r.runtime.boot();
  r.clock.increment(60_000);
  const lines = () => r.records.filter((x) => x.event === 'summary');
  expect(lines()).toEqual([expect.objectContaining({ ready: false })]);
  await r.runtime.stop();
  r.clock.increment(600_000);
  expect(lines()).toHaveLength(1);
});
