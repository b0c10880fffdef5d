// A journal that costs nothing when nobody listens, and little when only the logger does (issue
// 13, item 4): a record nobody takes is never built (its fields are not read, not scrubbed), a
// sink that asked for a level floor sees only records at that level or above (the catalogue's
// level, `levelBy` included), and a sink without a floor sees everything, as before. Observed
// through the fields object itself: a getter counts every read the journal makes of it.
import { Writable } from 'node:stream';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import { attachLogger, createLogger } from '../../src/runtime/logger.js';

const SCOPE = { exchange: 'binance', product: 'linear', symbol: 'BTCUSDT', managedSide: 'LONG' } as const;

/** Fields whose `reason` counts how often it is read. */
function counted(reason: string) {
  let reads = 0;
  const fields = { scope: SCOPE } as { scope: typeof SCOPE; reason: string };
  Object.defineProperty(fields, 'reason', { enumerable: true, get: () => (reads++, reason) });
  return { fields, reads: () => reads };
}

test('nobody listening: a record is not built, its fields never read', () => {
  const journal = new Journal({ now: () => 0 });
  const c = counted('execution');
  expect(journal.record('scope_affected', c.fields)).toBeUndefined();
  expect(c.reads()).toBe(0);
});

test('only an info sink: debug records are not built; info and above reach it', () => {
  const journal = new Journal({ now: () => 7 });
  const seen: JournalRecord[] = [];
  journal.subscribe((r) => seen.push(r), { level: 'info' });
  const debug = counted('execution');
  journal.record('scope_affected', debug.fields);
  expect(debug.reads()).toBe(0);
  journal.record('hydration_failed', { reason: 'timeout' });
  expect(seen).toEqual([expect.objectContaining({ event: 'hydration_failed', reason: 'timeout', atMs: 7 })]);
});

test('levelBy decides: a warn `block` reaches a warn sink, a debug `block` does not', () => {
  const journal = new Journal({ now: () => 0 });
  const seen: string[] = [];
  journal.subscribe((r) => seen.push(String(r.reason)), { level: 'warn' });
  journal.record('block', { scope: SCOPE, reason: 'awaiting_position_update' });
  journal.record('block', { scope: SCOPE, reason: 'venue_rejected' });
  expect(seen).toEqual(['venue_rejected']);
});

test('a sink without a floor sees every record, debug included, alongside a floored one', () => {
  const journal = new Journal({ now: () => 0 });
  const all: string[] = [];
  const infoOnly: string[] = [];
  journal.subscribe((r) => infoOnly.push(r.event), { level: 'info' });
  const unsubscribe = journal.subscribe((r) => all.push(r.event));
  journal.record('scope_affected', { scope: SCOPE, reason: 'execution' });
  journal.record('hydration_failed', { reason: 'timeout' });
  expect(all).toEqual(['scope_affected', 'hydration_failed']);
  expect(infoOnly).toEqual(['hydration_failed']);
  // Once the everything-sink is gone, debug records are no longer built.
  unsubscribe();
  const c = counted('execution');
  journal.record('scope_affected', c.fields);
  expect(c.reads()).toBe(0);
});

test('sequence numbers count every record, built or not: a gap shows records nobody took', () => {
  const journal = new Journal({ now: () => 0 });
  const seqs: number[] = [];
  journal.subscribe((r) => seqs.push(r.seq), { level: 'info' });
  journal.record('hydration_failed', { reason: 'a' });
  journal.record('scope_affected', { scope: SCOPE, reason: 'execution' });
  journal.record('hydration_failed', { reason: 'b' });
  expect(seqs).toEqual([1, 3]);
});

test('the logger asks for its own level: at info, debug records are never built for it', () => {
  const journal = new Journal({ now: () => 0 });
  const lines: string[] = [];
  attachLogger(journal, createLogger({ level: 'info', destination: new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }) }));
  const c = counted('execution');
  journal.record('scope_affected', c.fields);
  expect(c.reads()).toBe(0);
  journal.record('hydration_failed', { reason: 'timeout' });
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'hydration_failed', reason: 'timeout' });
});

test('a logger at debug takes debug records; a silent one takes none', () => {
  const at = (level: string) => {
    const journal = new Journal({ now: () => 0 });
    const lines: string[] = [];
    attachLogger(journal, createLogger({ level, destination: new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }) }));
    const c = counted('execution');
    journal.record('scope_affected', c.fields);
    journal.record('hydration_failed', { reason: 'timeout' });
    return { lines: lines.length, reads: c.reads() };
  };
  expect(at('debug')).toEqual({ lines: 2, reads: expect.any(Number) });
  expect(at('debug').reads).toBeGreaterThan(0);
  expect(at('silent')).toEqual({ lines: 0, reads: 0 });
  expect(at('error')).toEqual({ lines: 0, reads: 0 });
});
