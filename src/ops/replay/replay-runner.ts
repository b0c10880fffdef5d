// `exstate replay`: feeds one recorded run back through the real AccountRuntime and reports every
// venue call (a submit is a decision) that differs from the recorded one. The runtime gets the
// run's own configuration and context store as they were at start (`replay_baseline`), a
// simulated clock, the recorded jitter draws, and a venue that answers from the record. The
// driver walks the record in order: the clock goes to each entry's time (the runtime's timers due
// before it fire on the way, as they did), then a recorded request claims the runtime's matching
// call, a recorded response answers it, a recorded stream item is pushed; between steps the
// runtime runs until idle. The run's stop (`service_stopping`) stops the replayed runtime too, so
// what it answered while draining is fed as it was.
import Keyv from 'keyv';
import { Journal } from '../../runtime/journal.js';
import { AccountRuntime } from '../../runtime/account-runtime.js';
import type { RuntimeConfig } from '../../runtime/runtime-config.js';
import { scopeMatches } from '../audit/audit-verify.js';
import { NAMESPACE } from '../store.js';
import { decode, type Encoded, type EncodedError } from './codec.js';
import { readReplayJournal, ReplayInputError, type ReplayRecord } from './journal-reader.js';
import type { CallKind } from './recording-venue.js';
import type { BaselineVenue } from './replay-baseline.js';
import { ReplayClock } from './replay-clock.js';
import { describeCall, ReplayVenue, type Difference } from './replay-venue.js';

export interface ReplayOptions {
  /** Feed records up to and including this sequence number. */
  until?: number;
  /** Compare only the calls of this scope (full key, SYMBOL:SIDE or SYMBOL). */
  scope?: string;
  /** The run to replay (or a unique prefix of its id); default the last run with a baseline. */
  runId?: string;
}

export interface ReplayReport {
  ok: boolean;
  runId: string;
  /** The baseline's seq and the last record fed. */
  fromSeq: number;
  toSeq: number;
  /** Recorded responses and stream items fed to the runtime. */
  inputs: number;
  /** Recorded submits compared (in the scope, when one is given). */
  decisions: number;
  /** Recorded reads (hydrate, lookup, fills, mark, stream restart) compared. */
  reads: number;
  differences: Difference[];
}

const CALL_KINDS: ReadonlySet<string> = new Set(['hydrate', 'lookup', 'fills', 'mark', 'restart_stream', 'submit']);
/** How long (wall clock) the replayed runtime may take to stop once every call is answered. */
const STOP_GUARD_MS = 10_000;

export async function replayJournal(path: string, options: ReplayOptions = {}): Promise<ReplayReport> {
  const { runId, records } = await readReplayJournal(path, options.runId);
  const start = records.findIndex((r) => r.event === 'replay_baseline');
  if (start < 0) throw new ReplayInputError(`run ${runId} recorded no replay baseline`);
  const baseline = records[start]!;
  if (typeof baseline.storeError === 'string') throw new ReplayInputError(`run ${runId}: its context store could not be read at start (${baseline.storeError}); it cannot be replayed`);
  const until = options.until ?? Number.POSITIVE_INFINITY;
  if (until < baseline.seq) throw new ReplayInputError(`--until ${until} is before the run's baseline (seq ${baseline.seq})`);
  const entries = baseline.store;
  if (!Array.isArray(entries) || !entries.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string')) throw new ReplayInputError(`run ${runId}: the baseline's store is not a list of entries`);
  const config = decode(baseline.config as Encoded) as RuntimeConfig;

  const clock = new ReplayClock(baseline.atMs);
  const venue = new ReplayVenue(baseline.venue as BaselineVenue);
  // The run's context store as it stood at start (raw keyv rows, as the read-only copy holds them).
  const store = new Keyv({ store: new Map<string, unknown>(entries as Array<[string, string]>), namespace: NAMESPACE, throwOnErrors: true });
  store.on('error', () => undefined);
  const jitters = records.filter((r) => r.event === 'replay_jitter' && r.seq <= until).map((r) => Number(r.value));
  const journal = new Journal(clock);
  let made = 0;
  journal.subscribe(() => made++);
  const runtime = new AccountRuntime({ config, venue, store, clock, journal, jitter: () => jitters.shift() ?? 1 - Number.EPSILON });

  /** Lets the runtime run until nothing moves (promises, actors, store writes). */
  const idle = async () => {
    let quiet = 0;
    let last = -1;
    for (let i = 0; i < 10_000 && quiet < 3; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const marker = made * 1_000_003 + venue.callsMade * 7919 + venue.waitingCount;
      if (marker === last) quiet++;
      else {
        quiet = 0;
        last = marker;
      }
    }
  };
  /** Moves the clock to `time`, firing the timers due before it (and at it, when `inclusive`). */
  const advance = async (time: number, inclusive: boolean) => {
    for (let guard = 0; guard < 1_000_000; guard++) {
      const next = clock.next();
      if (!next || next.due > time || (!inclusive && next.due === time)) break;
      clock.fire(next);
      await idle();
    }
    clock.moveTo(time);
  };

  const inScope = (scope: string | undefined) => !options.scope || (scope !== undefined && scopeMatches(scope, options.scope));
  const differences: Difference[] = [];
  const note = (d: Difference | undefined) => {
    if (d && inScope(d.scope)) differences.push(d);
  };
  let inputs = 0;
  let decisions = 0;
  let reads = 0;
  let toSeq = baseline.seq;
  let stopping: Promise<void> | undefined;

  runtime.boot();
  runtime.start();
  await idle();
  for (const record of records.slice(start + 1)) {
    if (record.seq > until) break;
    toSeq = record.seq;
    switch (record.event) {
      case 'venue_request': {
        const kind = callKindOf(record);
        await advance(record.atMs, true);
        const d = venue.expect(record.seq, Number(record.call), kind, record.args as Encoded);
        if (inScope(scopeOfRecord(record))) {
          if (kind === 'submit') decisions++;
          else reads++;
        }
        note(d);
        break;
      }
      case 'venue_response':
        await advance(record.atMs, false);
        if (venue.answer(Number(record.call), { ...(record.error !== undefined ? { error: record.error as EncodedError } : { result: record.result as Encoded }) })) inputs++;
        break;
      case 'venue_stream_item':
        await advance(record.atMs, false);
        venue.push(record.item as Encoded);
        inputs++;
        break;
      case 'service_stopping':
        // The run stopped here: the replayed runtime stops too, and drains on the answers that follow.
        await advance(record.atMs, false);
        stopping ??= runtime.stop();
        break;
      default:
        continue;
    }
    venue.lastSeq = record.seq;
    await idle();
  }

  // Calls the replay made that no recorded request claimed: unexpected, unless the run made a call
  // of that kind after --until (the replay merely got there first; what is after --until is not
  // compared): the same call if there is one, else the next of the kind.
  const later = records.filter((r) => r.seq > until && r.event === 'venue_request');
  for (const call of venue.unclaimed()) {
    const same = later.findIndex((r) => callKindOf(r) === call.kind && describeRecorded(r).key === call.described.key);
    const i = same >= 0 ? same : later.findIndex((r) => callKindOf(r) === call.kind);
    if (i >= 0) {
      later.splice(i, 1);
      continue;
    }
    note({ seq: call.afterSeq, kind: call.kind === 'submit' ? 'decision' : 'read', what: 'unexpected', call: call.kind, ...(call.described.scope ? { scope: call.described.scope } : {}), actual: call.described.text });
  }
  venue.endAll();
  stopping ??= runtime.stop();
  await settleStop(stopping, clock, idle);
  differences.sort((a, b) => a.seq - b.seq);
  return { ok: differences.length === 0, runId, fromSeq: baseline.seq, toSeq, inputs, decisions, reads, differences };
}

function callKindOf(record: ReplayRecord): CallKind {
  if (typeof record.kind !== 'string' || !CALL_KINDS.has(record.kind)) throw new ReplayInputError(`seq ${record.seq}: unknown venue call kind ${JSON.stringify(record.kind)}`);
  return record.kind as CallKind;
}

function scopeOfRecord(record: ReplayRecord): string | undefined {
  const s = record.scope as { exchange?: string; product?: string; symbol?: string; managedSide?: string } | undefined;
  return s?.symbol ? `${s.exchange}:${s.product}:${s.symbol}:${s.managedSide}` : undefined;
}

/** What a recorded request asks (recorded ids as they are). */
function describeRecorded(record: ReplayRecord) {
  return describeCall(callKindOf(record), decode(record.args as Encoded), (id) => id);
}

/** Waits for the replayed runtime's stop, moving the clock on if it waits for a timer; bounded in wall time. */
async function settleStop(stopping: Promise<void>, clock: ReplayClock, idle: () => Promise<void>): Promise<void> {
  let done = false;
  void stopping.then(() => (done = true), () => (done = true));
  const deadline = Date.now() + STOP_GUARD_MS;
  while (!done && Date.now() < deadline) {
    await idle();
    const next = clock.next();
    if (!done && next) clock.fire(next);
  }
}
