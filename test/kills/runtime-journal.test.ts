// The Journal (src/runtime/journal.ts): a sink that unsubscribed hears nothing more (the dashboard
// and the inspector detach their sinks when their last client leaves), while the others go on.
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';

test('an unsubscribed sink hears nothing more; the others go on, in sequence', () => {
  const journal = new Journal({ now: () => 5 });
  const a: JournalRecord[] = [];
  const b: JournalRecord[] = [];
  const stopA = journal.subscribe((r) => a.push(r));
  journal.subscribe((r) => b.push(r));
  journal.record('resync_completed', {});
  stopA();
  journal.record('resync_completed', {});
  expect(a.map((r) => r.seq)).toEqual([1]);
  expect(b.map((r) => [r.seq, r.atMs, r.event])).toEqual([[1, 5, 'resync_completed'], [2, 5, 'resync_completed']]);
});
