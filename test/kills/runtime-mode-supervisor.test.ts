// Kills for the fresh run's survivors of src/runtime/mode-supervisor.ts (issue 9). From SPEC and
// docs/OPERATIONS.md: an alert is raised once while its condition lasts (raised again it keeps
// when it began); scopes holding work are woken only when the mode allows MORE than before:
// PAUSED -> DEGRADED and DEGRADED -> NORMAL do, a reason cleared while the mode stays the same
// or a step down does not.
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import { ModeSupervisor } from '../../src/runtime/mode-supervisor.js';

function setup() {
  let now = 1_000;
  const clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined };
  const journal = new Journal(clock as never);
  const records: JournalRecord[] = [];
  journal.subscribe((r) => records.push(r));
  const modes = new ModeSupervisor(journal, clock as never);
  const woken: string[] = [];
  const raised: string[] = [];
  modes.onImproved = () => woken.push(modes.mode());
  modes.onRaised = (r) => raised.push(r);
  return { modes, records, woken, raised, advance: (ms: number) => (now += ms) };
}

test('a reason raised again while active is one alert: journaled once, told once, its start kept', () => {
  const { modes, records, raised, advance } = setup();
  modes.raise('STREAM_STALE', 'first');
  advance(5_000);
  modes.raise('STREAM_STALE', 'again');
  expect(records.filter((r) => r.event === 'alert_raised')).toHaveLength(1);
  expect(raised).toEqual(['STREAM_STALE']);
  expect(modes.reasons()).toEqual([{ reason: 'STREAM_STALE', sinceMs: 1_000, detail: 'first' }]);
});

test('PAUSED -> DEGRADED wakes held work (writes are allowed again); DEGRADED -> NORMAL wakes it too', () => {
  const { modes, woken } = setup();
  modes.raise('STREAM_STALE', 'stale');
  modes.raise('AUTH_FAILED', 'auth');
  expect(modes.mode()).toBe('PAUSED');
  modes.clear('AUTH_FAILED');
  expect(woken).toEqual(['DEGRADED']);
  modes.clear('STREAM_STALE');
  expect(woken).toEqual(['DEGRADED', 'NORMAL']);
});

test('a step down, or a reason cleared while the mode stays the same, wakes nothing', () => {
  const { modes, woken } = setup();
  modes.raise('STREAM_STALE', 'stale');
  modes.raise('RATE_LIMITED', 'limit');
  modes.raise('AUTH_FAILED', 'auth');
  modes.raise('CLOCK_SKEW', 'skew');
  modes.clear('CLOCK_SKEW');
  modes.clear('RATE_LIMITED');
  expect(woken).toEqual([]);
});
