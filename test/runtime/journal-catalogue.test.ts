// The journal catalogue (src/runtime/journal-catalogue.ts) declares every journal event once: its
// name, level, fields, meaning and what an operator does about it. Records are typed against it
// (TypeScript refuses an undeclared name or field: the @ts-expect-error lines below are checked
// by `npm run typecheck`); this file checks the rest: an undeclared name that reaches the journal at
// run time (an untyped path) is journaled as such and logged at warn, every entry is complete, and
// the levels come from the catalogue: routine internals at debug, LOG_LEVEL filters. The scan of
// the sources (every recorded event declared, every declared one recorded) is in
// journal-catalogue-sources.test.ts.
import { Writable } from 'node:stream';
import { parseServiceConfig } from '../../src/config/service-config.js';
import { Journal } from '../../src/runtime/journal.js';
import { JOURNAL_CATALOGUE, JOURNAL_LEVELS, isJournalEvent, levelOf, type JournalEventName } from '../../src/runtime/journal-catalogue.js';
import { attachLogger, createLogger } from '../../src/runtime/logger.js';

const SCOPE = { exchange: 'binance', product: 'linear', symbol: 'BTCUSDT', managedSide: 'LONG' } as const;

test('every entry says what it means and what to do, with a level and typed fields', () => {
  for (const [name, spec] of Object.entries(JOURNAL_CATALOGUE) as Array<[string, (typeof JOURNAL_CATALOGUE)[JournalEventName]]>) {
    expect({ name, ok: /^[a-z][a-z_]*$/.test(name) }).toEqual({ name, ok: true });
    expect({ name, level: JOURNAL_LEVELS.includes(spec.level) }).toEqual({ name, level: true });
    expect({ name, meaning: spec.meaning.trim().length > 10 }).toEqual({ name, meaning: true });
    expect({ name, action: spec.action.trim().length > 0 }).toEqual({ name, action: true });
    for (const [field, type] of Object.entries(spec.fields as Record<string, string>)) {
      expect({ name, field, type: /^(string|number|boolean|scope|string\[\]|scope\[\]|string\|number|string\[\]\|string|json)\??$/.test(type) }).toEqual({ name, field, type: true });
    }
    const by = (spec as { levelBy?: { field: string; levels: Record<string, string> } }).levelBy;
    if (by) {
      expect({ name, field: by.field in spec.fields }).toEqual({ name, field: true });
      for (const level of Object.values(by.levels)) expect(JOURNAL_LEVELS).toContain(level);
    }
  }
});

/** A journal with a logger at `level`, printing JSON lines into `lines`. */
function logged(level: string) {
  let out = '';
  const sink = new Writable({ write(chunk, _e, done) { out += String(chunk); done(); } });
  const journal = new Journal({ now: () => 0 });
  attachLogger(journal, createLogger({ level, destination: sink }));
  const lines = () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string; [k: string]: unknown });
  return { journal, lines };
}

test('routine internals log at debug: a fill\'s scope_affected lines do not appear at info', () => {
  expect(levelOf({ event: 'scope_affected' })).toBe('debug');
  expect(levelOf({ event: 'workflow_pass' })).toBe('debug');
  const info = logged('info');
  info.journal.record('scope_affected', { scope: SCOPE, reason: 'execution' });
  info.journal.record('service_ready', { mode: 'dry_run' });
  expect(info.lines().map((l) => l.msg)).toEqual(['service_ready']);
  const debug = logged('debug');
  debug.journal.record('scope_affected', { scope: SCOPE, reason: 'execution' });
  expect(debug.lines()).toEqual([expect.objectContaining({ msg: 'scope_affected', level: 20 })]);
});

test('LOG_LEVEL=warn hides info and shows warn and error', () => {
  const { journal, lines } = logged('warn');
  journal.record('service_ready', { mode: 'dry_run' });
  journal.record('stream_disconnected', { reason: 'socket closed' });
  journal.record('scope_failed', { scope: SCOPE, reason: 'boom' });
  expect(lines().map((l) => [l.msg, l.level])).toEqual([['stream_disconnected', 40], ['scope_failed', 50]]);
});

test('LOG_LEVEL is parsed and refused when unknown', () => {
  const env = { TAKE_PROFIT_PCT: '1', STOP_LOSS_PCT: '2' };
  expect(parseServiceConfig({ ...env, LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
  expect(parseServiceConfig(env).logLevel).toBe('info');
  expect(() => parseServiceConfig({ ...env, LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
});

test('a level can depend on one field: a margin call is an error, a TRADE_LITE echo is debug', () => {
  expect(levelOf({ event: 'venue_event_skipped', venueEvent: 'MARGIN_CALL' })).toBe('error');
  expect(levelOf({ event: 'venue_event_skipped', venueEvent: 'TRADE_LITE' })).toBe('debug');
  expect(levelOf({ event: 'venue_event_skipped', venueEvent: 'SOMETHING_NEW' })).toBe(JOURNAL_CATALOGUE.venue_event_skipped.level);
  expect(levelOf({ event: 'block', reason: 'awaiting_position_update' })).toBe('debug');
  expect(levelOf({ event: 'block', reason: 'venue_rejected' })).toBe('warn');
});

test('an undeclared event from an untyped path is journaled as such and logged at warn, never dropped', () => {
  const { journal, lines } = logged('warn');
  const records: unknown[] = [];
  journal.subscribe((r) => records.push(r));
  const untyped = journal.record as unknown as (event: string, fields: Record<string, unknown>) => unknown;
  untyped.call(journal, 'no_such_event', { detail: 'x' });
  expect(records).toEqual([expect.objectContaining({ event: 'no_such_event', undeclared: true, detail: 'x' })]);
  expect(lines()).toEqual([expect.objectContaining({ msg: 'no_such_event', level: 40, undeclared: true })]);
  expect(levelOf({ event: 'no_such_event' })).toBe('warn');
});

// Type-level checks: never run, checked by `tsc --noEmit -p .` (an unused @ts-expect-error fails it).
export function typeChecks(journal: Journal): void {
  journal.record('scope_affected', { scope: SCOPE, reason: 'execution' });
  // @ts-expect-error an undeclared event name
  journal.record('no_such_event', {});
  // @ts-expect-error a field the event does not declare
  journal.record('scope_affected', { scope: SCOPE, reason: 'execution', extra: 1 });
  // @ts-expect-error a declared field is missing
  journal.record('scope_affected', { scope: SCOPE });
  // @ts-expect-error a field of the wrong type
  journal.record('service_stopped', { exitCode: 'zero' });
  // @ts-expect-error an event without fields takes none
  journal.record('stream_reconnected', { extra: true });
}
