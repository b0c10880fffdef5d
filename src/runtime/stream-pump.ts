// The stream pump: reads the venue's private stream in arrival order and hands each item on.
// Transport signals go to the stream machine; rows go through the router; malformed rows are
// journaled and skipped without stopping the stream. Activity reaches the stream machine's
// heartbeat watchdog at most once per resolution window, not once per row: at thousands of rows
// per second a per-row event that re-arms a timer costs more than the row itself.
// A reader that fails (the venue's iterator throws) is a lost stream, not the end of the service:
// the stream machine hears it as closed, and after a backoff (1 s, doubling to 30 s, back to 1 s
// once an item arrives) the venue re-opens its socket and the pump reads again, until stopped.
import type { StreamEvent } from '../../machines/stream.machine.js';
import type { StreamItem } from '../venues/port.js';
import { doublingBackoffMs } from './backoff.js';
import type { PrivateEventRouter } from './private-event-router.js';
import type { RuntimeCore } from './runtime-core.js';

/**
 * How often, at most, activity is told to the watchdog: a tenth of the timeout, and never more
 * than a second. Silence is then detected between (timeout - resolution) and timeout after the
 * last item. With the watchdog off (timeout 0), once per connection.
 */
export function activityResolutionMs(heartbeatTimeoutMs: number): number {
  if (heartbeatTimeoutMs <= 0) return Infinity;
  return Math.max(1, Math.min(1_000, Math.floor(heartbeatTimeoutMs / 10)));
}

/** The wait before subscribing again after the `failures`-th reader failure in a row (1-based). */
export function resubscribeDelayMs(failures: number): number {
  return doublingBackoffMs(failures, 30_000);
}

export class StreamPump {
  private pumping = false;
  private stopped = false;
  /** Private rows handed to the router since start (operators' metrics). */
  rows = 0;
  /** When the stream last said anything (a row, a malformed row, an open), on the runtime clock. */
  lastItemAtMs: number | undefined;
  /** When activity was last told to the stream machine (undefined: not since the stream opened). */
  private activityToldAtMs: number | undefined;
  private readonly resolutionMs: number;
  /** Reader failures since the last item arrived (the backoff grows with them). */
  private failuresInRow = 0;
  private resubscribeTimer: unknown;

  constructor(
    private readonly core: RuntimeCore,
    private readonly router: PrivateEventRouter,
    private readonly toStream: (event: StreamEvent) => void,
  ) {
    this.resolutionMs = activityResolutionMs(core.config.heartbeatTimeoutMs);
  }

  start(): void {
    void this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.core.clock.clearTimeout(this.resubscribeTimer);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for await (const item of this.core.venue.privateRows()) {
        if (this.stopped) break;
        this.onItem(item);
      }
    } catch (error) {
      if (!this.stopped) {
        this.failuresInRow++;
        const retryInMs = resubscribeDelayMs(this.failuresInRow);
        this.core.journal.record('stream_reader_failed', { reason: String((error as Error)?.message ?? error), retryInMs });
        this.toStream({ type: 'transport.closed', reason: 'stream_iterator_failed' });
        // stop() clears this timer: a stopped pump never subscribes again. The venue drops and
        // re-opens its socket first, so the new reader starts with an `open` of a fresh connection
        // (the stream machine needs one) and the reconnect hydration follows it.
        this.resubscribeTimer = this.core.clock.setTimeout(() => {
          void this.core.venue.restartStream?.('stream_reader_failed').catch(() => undefined);
          void this.pump();
        }, retryInMs);
      }
    } finally {
      this.pumping = false;
    }
  }

  private onItem(item: StreamItem): void {
    this.failuresInRow = 0;
    if (item.kind !== 'stream' || item.status === 'open') this.lastItemAtMs = this.core.clock.now();
    if (item.kind === 'stream') {
      // A new connection's first item re-arms the watchdog at once.
      this.activityToldAtMs = undefined;
      if (item.status === 'open') this.toStream({ type: 'transport.open' });
      else this.toStream({ type: 'transport.closed', reason: item.reason });
      return;
    }
    this.tellActivity();
    if (item.kind === 'malformed') {
      this.core.journal.record('malformed_row_skipped', { reason: item.reason });
      return;
    }
    this.rows++;
    this.router.ingest(item);
  }

  private tellActivity(): void {
    const now = this.lastItemAtMs!;
    if (this.activityToldAtMs !== undefined && now - this.activityToldAtMs < this.resolutionMs) return;
    this.activityToldAtMs = now;
    this.toStream({ type: 'transport.activity' });
  }
}
