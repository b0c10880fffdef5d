// The Journal: one typed stream of domain records. Logs, metrics, the dashboard, tests and the
// conformance harness all read it; nothing else reports domain facts on its own. Every event is
// declared in the journal catalogue (journal-catalogue.ts): `record` takes only declared names
// with their declared fields. Every string of every record passes the one scrubber
// (src/runtime/redact.ts) before any sink sees it: a venue error text that carries a signed URL,
// a key or a listen key is cut here whoever recorded it.
//
// A sink may ask for a level floor (the logger asks for its own level): a record below every
// sink's floor is never built, neither read nor scrubbed, so routine debug records cost a counter
// when only an info logger listens, and nothing at all when nobody does.
import type { RuntimeClock } from './clock.js';
import { isJournalEvent, JOURNAL_LEVELS, levelOfFields, type JournalEventName, type JournalFields, type JournalLevel } from './journal-catalogue.js';
import { scrubDeep } from './redact.js';

export interface JournalRecord {
  seq: number;
  atMs: number;
  event: string;
  [field: string]: unknown;
}

export type JournalSink = (record: JournalRecord) => void;

export interface SinkOptions {
  /** The lowest level the sink takes (the catalogue's level of each record); everything when absent, nothing at `none`. */
  level?: JournalLevel | 'none';
}

/** Rank of a level; `NEVER` is above every level (a sink that takes nothing). */
const RANK: Readonly<Record<JournalLevel, number>> = Object.fromEntries(JOURNAL_LEVELS.map((l, i) => [l, i])) as Record<JournalLevel, number>;
const NEVER = JOURNAL_LEVELS.length;

export class Journal {
  private seq = 0;
  private readonly sinks = new Map<JournalSink, number>();
  /** The lowest floor of all sinks: below it, nobody takes a record. */
  private floor = NEVER;
  /** Whether any sink asked for a floor (else no record's level needs reading). */
  private floored = false;

  constructor(private readonly clock: Pick<RuntimeClock, 'now'>) {}

  /**
   * Records one event; returns the record, or undefined when no sink takes its level (then it was
   * not built). An undeclared name can only come from an untyped path (JavaScript, a cast): it is
   * journaled all the same, marked `undeclared: true` (and logged at warn).
   */
  record<E extends JournalEventName>(event: E, fields: NoInfer<JournalFields<E>>): JournalRecord | undefined {
    const seq = ++this.seq;
    // The record's level, read once (only when some sink asked for a floor).
    const rank = this.floored ? RANK[levelOfFields(event, fields as Record<string, unknown>)] : 0;
    // Below every sink's floor (with no sink at all the floor is NEVER): nothing is built.
    if (rank < this.floor) return undefined;
    const undeclared = !isJournalEvent(event);
    const record: JournalRecord = { ...scrubDeep(fields as Record<string, unknown>), ...(undeclared ? { undeclared: true } : {}), seq, atMs: this.clock.now(), event };
    for (const [sink, floor] of this.sinks) if (rank >= floor) sink(record);
    return record;
  }

  subscribe(sink: JournalSink, options: SinkOptions = {}): () => void {
    this.sinks.set(sink, options.level === undefined ? 0 : options.level === 'none' ? NEVER : RANK[options.level]);
    this.refloor();
    return () => {
      this.sinks.delete(sink);
      this.refloor();
    };
  }

  private refloor(): void {
    this.floor = Math.min(NEVER, ...this.sinks.values());
    this.floored = [...this.sinks.values()].some((floor) => floor > 0);
  }
}
