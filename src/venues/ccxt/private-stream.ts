// The private stream over ccxt pro: four watch loops (orders incl. algo orders, fills, positions,
// balances) on one user-data socket. ccxt does not reconnect private streams by itself and
// applies no backoff there: every watch failure is treated as a GAP (one `closed` signal per
// connection), the loops wait with exponential backoff plus jitter, then watch again; ccxt's
// onConnected hook reports each (re)connection as `open`.
import type { StreamItem } from '../port.js';
import type { BinanceClient } from './client.js';
import { balanceRows, positionRows, streamAlgoRow, streamOrderRow, streamTradeRow } from './normalize.js';

type Raw = Record<string, unknown>;
const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 30_000;

export class PrivateStream {
  private readonly queue: StreamItem[] = [];
  private waiter: ((r: IteratorResult<StreamItem>) => void) | undefined;
  private running = false;
  private stopped = false;
  private connected = false;
  private failures = 0;
  private epoch = 0;

  constructor(private readonly ex: BinanceClient, private readonly onLog: (event: string, fields: Record<string, unknown>) => void) {
    (ex as unknown as { onConnected: (client: unknown) => void }).onConnected = () => {
      if (this.connected) return;
      this.connected = true;
      this.failures = 0;
      this.push({ kind: 'stream', status: 'open' });
    };
  }

  items(): AsyncIterable<StreamItem> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift()!, done: false });
          if (!this.running && this.queue.length === 0 && this.stopped) return Promise.resolve({ value: undefined as never, done: true });
          return new Promise((resolve) => (this.waiter = resolve));
        },
      }),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop('orders', async () => {
      for (const o of (await this.ex.watchOrders()) as Array<{ info: Raw }>) this.onOrderInfo(o.info);
    });
    void this.loop('fills', async () => {
      for (const t of (await this.ex.watchMyTrades()) as Array<{ info: Raw }>) this.push(streamTradeRow(t.info));
    });
    void this.loop('positions', async () => {
      for (const p of (await this.ex.watchPositions()) as Array<{ info: Raw }>) for (const row of positionRows(p.info, 'pa', 'ep')) this.push(row);
    });
    void this.loop('balances', async () => {
      const b = (await this.ex.watchBalance()) as { info: Raw };
      for (const row of balanceRows((b.info.a ?? {}) as Raw)) this.push(row);
    });
  }

  /** Forces a reconnect (a watchdog saw silence): closing the socket fails every watch. */
  async restart(reason: string): Promise<void> {
    this.onLog('stream_restart_requested', { reason });
    const clients = Object.values((this.ex as unknown as { clients: Record<string, { close: () => Promise<void> | undefined }> }).clients);
    await Promise.all(clients.map((c) => Promise.resolve().then(() => c.close()).catch(() => undefined)));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: undefined as never, done: true });
    }
  }

  private onOrderInfo(info: Raw): void {
    // watchOrders carries both ORDER_TRADE_UPDATE (`o` has `i`) and ALGO_UPDATE (`aid`) payloads.
    try {
      this.push('aid' in info ? streamAlgoRow(info) : streamOrderRow(info));
    } catch (error) {
      this.push({ kind: 'malformed', reason: String((error as Error).message) });
    }
  }

  private async loop(name: string, once: () => Promise<void>): Promise<void> {
    while (this.running) {
      try {
        await once();
      } catch (error) {
        if (!this.running) return;
        this.gap(name, error);
        await sleep(this.backoffMs());
      }
    }
  }

  private gap(loop: string, error: unknown): void {
    this.failures++;
    // ccxt reuses its listen key for 20 min; after a gap (perhaps an expired key) get a fresh one.
    const options = (this.ex as unknown as { options: Record<string, { lastAuthenticatedTime?: number } | undefined> }).options;
    for (const type of ['future', 'delivery']) if (options[type]) options[type]!.lastAuthenticatedTime = 0;
    const message = String((error as Error)?.message ?? error).slice(0, 200);
    if (this.connected) {
      this.connected = false;
      this.epoch++;
      this.push({ kind: 'stream', status: 'closed', reason: `${loop}: ${message}` });
    }
    this.onLog('stream_watch_failed', { loop, reason: message, failures: this.failures, epoch: this.epoch });
  }

  /** Exponential backoff with full jitter: 250 ms doubling to 30 s. */
  private backoffMs(): number {
    const cap = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(10, this.failures));
    return Math.round(cap / 2 + Math.random() * (cap / 2));
  }

  private push(item: StreamItem): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: item, done: false });
    } else this.queue.push(item);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
