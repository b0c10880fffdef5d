// The stream pump (src/runtime/stream-pump.ts), held to what SPEC.md and docs/OPERATIONS.md say of
// the private stream: rows are handed on once each, in arrival order, from one subscription; a
// stopped pump hands on nothing more; a silent stream is a gap the watchdog must see, so activity
// reaches it at least once per resolution window; and a reader that fails is a lost stream the
// service recovers from by itself (it never stops reading for good while it runs). Kills the
// stream-pump survivors of the runtime-c2 mutation run (docs/MUTATION_SURVIVORS_RUNTIME.md).
import { Decimal } from '../../src/domain/decimal.js';
import { AsyncQueue } from '../../src/conformance/async-queue.js';
import { SteppingClock } from '../../src/conformance/stepping-clock.js';
import { Journal, type JournalRecord } from '../../src/runtime/journal.js';
import type { PrivateEventRouter } from '../../src/runtime/private-event-router.js';
import type { RuntimeCore } from '../../src/runtime/runtime-core.js';
import { activityResolutionMs, resubscribeDelayMs, StreamPump } from '../../src/runtime/stream-pump.js';
import type { StreamEvent } from '../../machines/stream.machine.js';
import type { StreamItem } from '../../src/venues/port.js';
import { advanceClockTo, drainTurns } from '../support/stepping.js';

const HEARTBEAT_MS = 10_000; // resolution: 1,000 ms

/** A venue whose every privateRows() call is a new subscription (as a socket would be). */
class SubscribingVenue {
  readonly subscriptions: AsyncQueue<StreamItem>[] = [];
  readonly restarts: string[] = [];
  async restartStream(reason: string): Promise<void> {
    this.restarts.push(reason);
  }
  /** Subscriptions whose reader throws this value at its next read. */
  private readonly failing = new Map<number, unknown>();
  privateRows(): AsyncIterable<StreamItem> {
    const queue = new AsyncQueue<StreamItem>();
    const index = this.subscriptions.push(queue) - 1;
    const failing = this.failing;
    return {
      [Symbol.asyncIterator]: () => {
        const inner = queue[Symbol.asyncIterator]();
        return {
          next: async () => {
            const result = await inner.next();
            if (failing.has(index)) throw failing.get(index);
            return result;
          },
        };
      },
    };
  }
  /** The current subscription's reader throws `error` (it is woken with a dummy item). */
  failCurrent(error: unknown): void {
    const index = this.subscriptions.length - 1;
    this.failing.set(index, error);
    this.subscriptions[index]!.push({ kind: 'malformed', reason: 'wake' } as StreamItem);
  }
  push(item: StreamItem): void {
    this.subscriptions[this.subscriptions.length - 1]!.push(item);
  }
}

function pumpWith(venue: SubscribingVenue) {
  const clock = new SteppingClock();
  const journal = new Journal(clock);
  const records: JournalRecord[] = [];
  journal.subscribe((r) => records.push(r));
  const ingested: StreamItem[] = [];
  const told: StreamEvent[] = [];
  const core = { venue, clock, journal, config: { heartbeatTimeoutMs: HEARTBEAT_MS } } as unknown as RuntimeCore;
  const router = { ingest: (item: StreamItem) => ingested.push(item) } as unknown as PrivateEventRouter;
  const pump = new StreamPump(core, router, (event) => told.push(event));
  const activity = () => told.filter((e) => e.type === 'transport.activity').length;
  return { clock, records, ingested, told, pump, activity, advanceTo: (at: number) => advanceClockTo(clock, at) };
}

const row = (i: number): StreamItem => ({ kind: 'balance', asset: 'USDT', walletBalance: new Decimal(1000 + i) } as StreamItem);

test('each row is handed to the router once, and counted once', async () => {
  const venue = new SubscribingVenue();
  const p = pumpWith(venue);
  p.pump.start();
  for (let i = 1; i <= 3; i++) venue.push(row(i));
  await drainTurns();
  expect(p.ingested).toEqual([row(1), row(2), row(3)]);
  expect(p.pump.rows).toBe(3);
});

test('starting a running pump again opens no second subscription (no row is read twice)', async () => {
  const venue = new SubscribingVenue();
  const p = pumpWith(venue);
  p.pump.start();
  p.pump.start();
  await drainTurns();
  expect(venue.subscriptions).toHaveLength(1);
  venue.push(row(1));
  await drainTurns();
  expect(p.ingested).toHaveLength(1);
});

test('a stopped pump hands on nothing that arrives after the stop', async () => {
  const venue = new SubscribingVenue();
  const p = pumpWith(venue);
  p.pump.start();
  venue.push(row(1));
  await drainTurns();
  p.pump.stop();
  venue.push(row(2));
  venue.push({ kind: 'stream', status: 'closed', reason: 'late' } as StreamItem);
  await drainTurns();
  expect(p.ingested).toEqual([row(1)]);
  expect(p.told.filter((e) => e.type === 'transport.closed')).toHaveLength(0);
});

test('a reader that fails is a lost stream: journaled with its reason, told to the stream machine as closed', async () => {
  const venue = new SubscribingVenue();
  const p = pumpWith(venue);
  p.pump.start();
  venue.failCurrent(new Error('socket reset by peer'));
  await drainTurns();
  expect(p.told).toContainEqual({ type: 'transport.closed', reason: 'stream_iterator_failed' });
  const failed = p.records.filter((r) => r.event === 'stream_reader_failed');
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatchObject({ reason: 'socket reset by peer', retryInMs: 1_000 });
});

test('a reader that throws something that is not an Error (even null) is still journaled and told', async () => {
  for (const thrown of [null, 'plain text']) {
    const venue = new SubscribingVenue();
    const p = pumpWith(venue);
    p.pump.start();
    venue.failCurrent(thrown);
    await drainTurns();
    expect(p.records.find((r) => r.event === 'stream_reader_failed')).toMatchObject({ reason: String(thrown) });
    expect(p.told).toContainEqual({ type: 'transport.closed', reason: 'stream_iterator_failed' });
  }
});

test('after a reader failure the pump subscribes again after the backoff, and rows flow again', async () => {
  const venue = new SubscribingVenue();
  const p = pumpWith(venue);
  p.pump.start();
  venue.failCurrent(new Error('boom'));
  await drainTurns();
  expect(venue.subscriptions).toHaveLength(1);
  await p.advanceTo(p.clock.now() + 999);
  expect(venue.subscriptions).toHaveLength(1);
  expect(venue.restarts).toEqual([]);
  await p.advanceTo(p.clock.now() + 1);
  expect(venue.subscriptions).toHaveLength(2);
  // The venue re-opens its socket for the new reader (a fresh connection announces itself).
  expect(venue.restarts).toEqual(['stream_reader_failed']);
  venue.push({ kind: 'stream', status: 'open' } as StreamItem);
  venue.push(row(7));
  await drainTurns();
  expect(p.ingested).toEqual([row(7)]);
  expect(p.told.at(-2)).toEqual({ type: 'transport.open' });
});

test('failures in a row back off 1, 2, 4 ... 30 s; an item that arrives resets the backoff', async () => {
  expect([1, 2, 3, 4, 5, 6, 7, 50].map(resubscribeDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  const venue = new SubscribingVenue();
  const p = pumpWith(venue);
  p.pump.start();
  venue.failCurrent(new Error('one'));
  await drainTurns();
  await p.advanceTo(p.clock.now() + 1_000);
  venue.failCurrent(new Error('two'));
  await drainTurns();
  expect(p.records.filter((r) => r.event === 'stream_reader_failed').map((r) => (r as unknown as { retryInMs: number }).retryInMs)).toEqual([1_000, 2_000]);
  await p.advanceTo(p.clock.now() + 2_000);
  expect(venue.subscriptions).toHaveLength(3);
  venue.push(row(1));
  await drainTurns();
  venue.failCurrent(new Error('three'));
  await drainTurns();
  expect(p.records.filter((r) => r.event === 'stream_reader_failed').map((r) => (r as unknown as { retryInMs: number }).retryInMs)).toEqual([1_000, 2_000, 1_000]);
});

test('a stopped pump neither journals a late reader failure nor subscribes again', async () => {
  const venue = new SubscribingVenue();
  const p = pumpWith(venue);
  p.pump.start();
  await drainTurns();
  p.pump.stop();
  venue.failCurrent(new Error('closed on stop'));
  await drainTurns();
  await p.advanceTo(p.clock.now() + 60_000);
  expect(p.records.filter((r) => r.event === 'stream_reader_failed')).toHaveLength(0);
  expect(p.told).toHaveLength(0);
  expect(venue.subscriptions).toHaveLength(1);
});

test('a stop during the backoff cancels the new subscription', async () => {
  const venue = new SubscribingVenue();
  const p = pumpWith(venue);
  p.pump.start();
  venue.failCurrent(new Error('boom'));
  await drainTurns();
  p.pump.stop();
  await p.advanceTo(p.clock.now() + 60_000);
  expect(venue.subscriptions).toHaveLength(1);
});

test('the stream last said something when a row, a malformed row or an open arrived; a close is not speech', async () => {
  const venue = new SubscribingVenue();
  const p = pumpWith(venue);
  p.pump.start();
  expect(p.pump.lastItemAtMs).toBeUndefined();
  await p.advanceTo(1_000);
  venue.push({ kind: 'stream', status: 'open' } as StreamItem);
  await drainTurns();
  expect(p.pump.lastItemAtMs).toBe(1_000);
  await p.advanceTo(2_000);
  venue.push({ kind: 'stream', status: 'closed', reason: 'socket_closed' } as StreamItem);
  await drainTurns();
  expect(p.pump.lastItemAtMs).toBe(1_000);
  await p.advanceTo(3_000);
  venue.push(row(1));
  await drainTurns();
  expect(p.pump.lastItemAtMs).toBe(3_000);
  await p.advanceTo(4_000);
  venue.push({ kind: 'malformed', reason: 'price "NaN"' } as StreamItem);
  await drainTurns();
  expect(p.pump.lastItemAtMs).toBe(4_000);
  expect(p.records.find((r) => r.event === 'malformed_row_skipped')).toMatchObject({ reason: 'price "NaN"' });
  expect(p.pump.rows).toBe(1);
});

test('activity reaches the watchdog again exactly one resolution window after it was last told', async () => {
  const resolution = activityResolutionMs(HEARTBEAT_MS);
  expect(resolution).toBe(1_000);
  const venue = new SubscribingVenue();
  const p = pumpWith(venue);
  p.pump.start();
  await p.advanceTo(10_000);
  venue.push(row(1));
  await drainTurns();
  expect(p.activity()).toBe(1);
  await p.advanceTo(10_000 + resolution - 1);
  venue.push(row(2));
  await drainTurns();
  expect(p.activity()).toBe(1);
  await p.advanceTo(10_000 + resolution);
  venue.push(row(3));
  await drainTurns();
  expect(p.activity()).toBe(2);
});
