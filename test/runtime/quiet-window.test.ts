// The scope's quiet window as data (issue 13: rows do not each travel through XState). From
// docs/WORKFLOW_STATE_MACHINE.md "Scope": a burst is planned once, EVENT_BURST after its LAST row
// (or MAX_BURST_DELAY after its first, whichever comes first); a row that records nothing new
// reaches the scope actor as no event and arms no timer; one timer per scope checks the window.
// A real AccountRuntime over the conformance ScriptedVenue, a durable store in memory and a
// hand-stepped clock; dry run (passes plan and journal, nothing is sent).
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

const d = (s: string) => new Decimal(s);
const KEY = 'binance:linear:BTCUSDT:LONG';
const FILTERS = { tickSize: d('0.1'), stepSize: d('0.001'), minQty: d('0.001'), minNotional: d('5') };
const drain = () => drainTurns(8);
const position = (size: string): PositionRow => ({ kind: 'position', symbol: 'BTCUSDT', managedSide: 'LONG', size: d(size), entryPrice: d('65000') });

async function account() {
  const clock = new SteppingClock();
  const venue = new ScriptedVenue('binance', 'linear', { positions: [position('0.01')], openOrders: [], filters: { BTCUSDT: FILTERS }, balances: [], fills: [] }, undefined);
  const records: JournalRecord[] = [];
  const journal = new Journal(clock);
  journal.subscribe((r) => records.push(r));
  const config: RuntimeConfig = {
    exchange: 'binance', product: 'linear', positionMode: 'hedge', mode: 'dry_run', configuredSymbols: ['BTCUSDT'],
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [] }),
    eventBurstMs: 150, maxBurstDelayMs: 1_000, confirmationTimeoutMs: 600_000, heartbeatTimeoutMs: 0, drainTimeoutMs: 1,
    gates: { conformancePassed: false, liveConfirmed: false },
  };
  const runtime = new AccountRuntime({ config, venue, store: createFailingStore().keyv, clock, journal, jitter: () => 0 });
  await bootWithOpenStream(runtime, venue, clock, drain);
  await advanceClockTo(clock, clock.now() + 5_000, drain); // the startup pass is done
  const passes = () => records.filter((r) => r.event === 'workflow_pass' && (r.scope as { symbol?: string })?.symbol === 'BTCUSDT').map((r) => r.atMs);
  // What reaches the scope actor: every event it processes is one snapshot to its observers.
  let events = 0;
  runtime.scopeRef(KEY)!.subscribe(() => events++);
  // Timers of the burst wait (the stream machine's own 1 ms activity timer is not one of them).
  let timersArmed = 0;
  const setTimeout = clock.setTimeout.bind(clock);
  clock.setTimeout = (fn, ms) => {
    if (ms >= 10) timersArmed++;
    return setTimeout(fn, ms);
  };
  /** One row every `everyMs`, `count` of them, each with a size of its own; returns the last row's time. */
  const rows = async (count: number, everyMs: number) => {
    for (let i = 0; i < count; i++) {
      if (i > 0) await advanceClockTo(clock, clock.now() + everyMs, drain);
      venue.push(position(`0.0${(i % 8) + 2}`));
      await drain();
    }
    return clock.now();
  };
  return { runtime, clock, passes, rows, events: () => events, timersArmed: () => timersArmed, state: () => runtime.scopeRef(KEY)!.getSnapshot().value };
}

test('a burst is planned once, EVENT_BURST after its last row; the rows after the first are no actor events and arm no timer each', async () => {
  const a = await account();
  const before = a.passes().length;
  const start = a.clock.now();
  const last = await a.rows(20, 10); // 20 rows 10 ms apart: each inside the quiet window
  expect(last - start).toBe(190);
  expect(a.state()).toEqual({ settling: 'quiet' });
  expect(a.passes()).toHaveLength(before); // still quiet
  // The first row moved the scope into settling; the 19 after it recorded nothing new.
  expect(a.events()).toBe(1);
  await advanceClockTo(a.clock, last + 149, drain);
  expect(a.passes()).toHaveLength(before);
  await advanceClockTo(a.clock, last + 150, drain);
  expect(a.passes().slice(before)).toEqual([last + 150]);
  // Entering settling armed the max delay (the machine) and the quiet window (the runtime); the
  // window's one timer was re-armed for the rest when it found rows after it: at 150 ms (until
  // 340) and not again. Re-arming per row would have armed 20.
  expect(a.timersArmed()).toBeLessThanOrEqual(4);
  await a.runtime.stop();
});

test('a burst that never goes quiet is planned MAX_BURST_DELAY after its first row', async () => {
  const a = await account();
  const before = a.passes().length;
  const first = a.clock.now();
  await a.rows(16, 100); // 1.5 s of rows: the window never passes
  expect(a.passes().slice(before)[0]).toBe(first + 1_000);
  await a.runtime.stop();
});

test('a row with a new reason during the window still reaches the scope (it is recorded for the pass)', async () => {
  const a = await account();
  const before = a.passes().length;
  await a.rows(1, 0);
  expect(a.events()).toBe(1);
  a.runtime.core.affect(KEY, 'operator_check');
  await drain();
  expect(a.events()).toBe(2);
  a.runtime.core.affect(KEY, 'operator_check'); // the same reason again: nothing new
  await drain();
  expect(a.events()).toBe(2);
  await advanceClockTo(a.clock, a.clock.now() + 150, drain);
  expect(a.passes()).toHaveLength(before + 1);
  await a.runtime.stop();
});

test('a stopped account leaves no quiet-window timer behind', async () => {
  const a = await account();
  await a.rows(1, 0);
  expect(a.state()).toEqual({ settling: 'quiet' });
  await a.runtime.stop();
  expect(a.clock.nextDueAt()).toBeUndefined();
});
