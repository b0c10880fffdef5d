// The Journal: one typed stream of domain records. Logs, metrics, the dashboard, tests and the
// conformance harness all read it; nothing else reports domain facts on its own. Every event is
// declared in the journal catalogue (journal-catalogue.ts): `record` takes only declared names
// with their declared fields. Every string of every record passes the one scrubber
// (src/runtime/redact.ts) before any sink sees it: a venue error text that carries a signed URL,
// a key or a listen key is cut here whoever recorded it.
import type { RuntimeClock } from './clock.js';
import { isJournalEvent, type JournalEventName, type JournalFields } from './journal-catalogue.js';
import { scrubDeep } from './redact.js';

export interface JournalRecord {
  seq: number;
  atMs: number;
  event: string;
  [field: string]: unknown;
}

export type JournalSink = (record: JournalRecord) => void;

export class Journal {
  private seq = 0;
  private readonly sinks = new Set<JournalSink>();

  constructor(private readonly clock: Pick<RuntimeClock, 'now'>) {}

  /**
   * Records one event. An undeclared name can only come from an untyped path (JavaScript, a
   * cast): it is journaled all the same, marked `undeclared: true` (and logged at warn).
   */
  record<E extends JournalEventName>(event: E, fields: NoInfer<JournalFields<E>>): JournalRecord {
    const undeclared = !isJournalEvent(event);
    const record: JournalRecord = { ...scrubDeep(fields as Record<string, unknown>), ...(undeclared ? { undeclared: true } : {}), seq: ++this.seq, atMs: this.clock.now(), event };
    for (const sink of this.sinks) sink(record);
    return record;
  }

  subscribe(sink: JournalSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }
}
