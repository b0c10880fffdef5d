// The operator HTTP server: read-only, on 127.0.0.1 only (reach it from elsewhere through an SSH
// tunnel). Created as soon as the journal exists, so its ring and counters see the whole run;
// started once the runtime exists and before it boots, so /readyz can say "not ready yet".
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { AccountRuntime } from '../../runtime/account-runtime.js';
import type { Journal } from '../../runtime/journal.js';
import { scrubText } from '../../runtime/redact.js';
import { OpsMetrics } from './metrics.js';
import { buildRoutes } from './routes.js';
import { SseHub, type SseLimits } from './sse.js';
import { JournalRing, StatusModel, DEFAULT_RING_SIZE, type ServiceInfo } from './status-model.js';
import { ViewHub } from './view-hub.js';

/** The only address the server binds: never 0.0.0.0. */
export const HTTP_HOST = '127.0.0.1';
/** Event-loop lag is reported over windows of this length, sampled every LAG_RESOLUTION_MS. */
const LAG_WINDOW_MS = 10_000;
const LAG_RESOLUTION_MS = 10;

export interface OpsHttpOptions {
  journal: Journal;
  info: ServiceInfo;
  ringSize?: number;
  sse?: Partial<SseLimits>;
}

export class OpsHttp {
  readonly ring: JournalRing;
  readonly metrics: OpsMetrics;
  private model: StatusModel | undefined;
  private hub: SseHub | undefined;
  private views: ViewHub | undefined;
  private server: ServerType | undefined;
  private readonly lag: IntervalHistogram;
  private lagWindow = { mean: 0, p50: 0, p99: 0, max: 0 };
  private lagTimer: NodeJS.Timeout | undefined;
  private unsubscribeStore: (() => void) | undefined;
  private readonly startedAtMs = Date.now();

  constructor(private readonly options: OpsHttpOptions) {
    this.ring = new JournalRing(options.journal, options.ringSize ?? DEFAULT_RING_SIZE);
    this.metrics = new OpsMetrics(options.journal);
    this.lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    this.lag.enable();
    this.lagTimer = setInterval(() => {
      this.lagWindow = this.readLag();
      this.lag.reset();
    }, LAG_WINDOW_MS);
    this.lagTimer.unref();
  }

  /** The event stream's hub (its statistics: clients, resyncs, per-client queues). */
  get sse(): SseHub {
    if (!this.hub) throw new Error('the HTTP server is not started');
    return this.hub;
  }

  private readLag() {
    // The histogram times a timer of LAG_RESOLUTION_MS: what exceeds it is the lag.
    const s = (ns: number) => (Number.isFinite(ns) ? Math.max(0, Math.round(ns / 1e3 - LAG_RESOLUTION_MS * 1e3)) / 1e6 : 0);
    return this.lag.count > 0
      ? { mean: s(this.lag.mean), p50: s(this.lag.percentile(50)), p99: s(this.lag.percentile(99)), max: s(this.lag.max) }
      : { ...this.lagWindow };
  }

  private health(): Record<string, unknown> {
    const current = this.readLag();
    return {
      pid: process.pid,
      uptimeSeconds: Math.round((Date.now() - this.startedAtMs) / 1000),
      // The worse of the last full window and the one in progress.
      eventLoopLagSeconds: {
        mean: Math.max(current.mean, this.lagWindow.mean), p50: Math.max(current.p50, this.lagWindow.p50),
        p99: Math.max(current.p99, this.lagWindow.p99), max: Math.max(current.max, this.lagWindow.max),
      },
    };
  }

  /**
   * Attaches the runtime and listens on 127.0.0.1:`port` (0: a free port). Journals
   * `http_listening` with the URL, or `http_failed` (the service runs on without HTTP); returns
   * the URL, or undefined when it could not listen.
   */
  async start(runtime: AccountRuntime, port: number): Promise<string | undefined> {
    const { journal, info } = this.options;
    this.model = new StatusModel(runtime, this.ring, { startedAtMs: this.startedAtMs, ...info });
    this.views = new ViewHub(runtime);
    this.hub = new SseHub(this.model, this.ring, this.options.sse, this.views);
    const hub = this.hub;
    const views = this.views;
    this.model.extra = () => ({
      http: { sseClients: hub.stats().clients, sseResyncs: hub.stats().resyncs, machineView: views.stats() },
      // Running totals the dashboard samples for its chart (reaction time, rows per second) and its reconnect count.
      activity: { ...this.metrics.activity },
    });
    this.unsubscribeStore = runtime.core.contexts.timeWrites((seconds) => this.metrics.contextWrites.observe(seconds));
    const app = buildRoutes({ model: this.model, ring: this.ring, metrics: this.metrics, sse: this.hub, views: this.views, health: () => this.health() });
    try {
      const address = await new Promise<AddressInfo>((resolve, reject) => {
        const server = serve({ fetch: app.fetch, port, hostname: HTTP_HOST }, (info) => resolve(info));
        this.server = server;
        server.once('error', reject);
      });
      this.server!.on('error', (error) => journal.record('http_failed', { port, reason: scrubText(String((error as Error)?.message ?? error)) }));
      const url = `http://${HTTP_HOST}:${address.port}`;
      journal.record('http_listening', { url });
      return url;
    } catch (error) {
      journal.record('http_failed', { port, reason: scrubText(String((error as Error)?.message ?? error)) });
      await this.close();
      return undefined;
    }
  }

  address(): AddressInfo | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a : undefined;
  }

  /** Stops listening and ends every open connection (event streams included). */
  async close(): Promise<void> {
    if (this.lagTimer) clearInterval(this.lagTimer);
    this.lagTimer = undefined;
    this.lag.disable();
    this.hub?.close();
    this.views?.close();
    this.model?.unsubscribe();
    this.unsubscribeStore?.();
    this.unsubscribeStore = undefined;
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      const s = server as unknown as { closeAllConnections?: () => void };
      s.closeAllConnections?.();
    });
  }

  /** Stops the ring and the counters from following the journal (after close, when the service stops). */
  detach(): void {
    this.ring.unsubscribe();
    this.metrics.unsubscribe();
  }
}
