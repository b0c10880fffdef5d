// The routes of the operator HTTP surface. Read-only: GET (and HEAD) only, every other method is
// 405 on every path, and no handler sends anything to the runtime. Every answer passes the one
// scrubber (`redact`: secret-named fields and secret-shaped text are cut).
import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import { redact, scrubText } from '../../runtime/redact.js';
import { addDashboardRoutes } from './dashboard-routes.js';
import type { OpsMetrics } from './metrics.js';
import type { SseHub } from './sse.js';
import type { JournalRing, StatusModel } from './status-model.js';
import type { ViewHub } from './view-hub.js';

export interface RouteDeps {
  model: StatusModel;
  ring: JournalRing;
  metrics: OpsMetrics;
  sse: SseHub;
  views: ViewHub;
  health: () => Record<string, unknown>;
}

const JOURNAL_DEFAULT_LIMIT = 500;
const JOURNAL_MAX_LIMIT = 5_000;

export const ENDPOINTS = [
  '/dashboard', '/healthz', '/readyz', '/metrics', '/api/status', '/api/scopes', '/api/scopes/:scope', '/api/scopes/:scope/transitions',
  '/api/account/transitions', '/api/machines', '/api/journal?since=SEQ', '/api/events',
];

function json(c: Context, body: unknown, status: 200 | 400 | 404 | 405 | 500 | 503 = 200, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(redact(body)), status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
}

export function buildRoutes(deps: RouteDeps): Hono {
  const { model, ring, metrics, sse } = deps;
  const app = new Hono();

  app.use('*', async (c, next) => {
    const method = c.req.method;
    if (method !== 'GET' && method !== 'HEAD') return json(c, { error: `method ${method} not allowed: this API is read-only` }, 405, { allow: 'GET, HEAD' });
    await next();
  });

  // A browser (it asks for HTML) goes to the dashboard; curl and scripts get the endpoint list.
  app.get('/', (c) => ((c.req.header('accept') ?? '').includes('text/html') ? c.redirect('/dashboard', 302) : json(c, { service: 'exstate', readOnly: true, endpoints: ENDPOINTS })));

  app.get('/healthz', (c) => json(c, { status: 'ok', ...deps.health() }));

  app.get('/readyz', (c) => {
    const r = model.readiness();
    return json(c, { ready: r.ready, mode: r.mode, lifecycle: r.lifecycle, ...(r.reason ? { reason: r.reason } : {}) }, r.ok ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    const s = sse.stats();
    const text = await metrics.text(model, { clients: s.clients, resyncs: s.resyncs });
    return c.body(scrubText(text), 200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
  });

  app.get('/api/status', (c) => json(c, model.status()));

  app.get('/api/scopes', (c) => {
    const state = c.req.query('state');
    const symbol = c.req.query('symbol');
    const scopes = model.scopes().filter((s) => (!state || s.state === state) && (!symbol || s.symbol === symbol));
    return json(c, { scopes });
  });

  app.get('/api/scopes/:scope', (c) => {
    const param = c.req.param('scope');
    const key = model.resolveKey(param);
    const detail = key === undefined ? undefined : model.scope(key);
    if (!detail) return json(c, { error: `no such scope: ${param}` }, 404);
    return json(c, detail);
  });

  addDashboardRoutes(app, { model, views: deps.views }, json);

  app.get('/api/journal', (c) => {
    const sinceText = c.req.query('since') ?? '0';
    const limitText = c.req.query('limit') ?? String(JOURNAL_DEFAULT_LIMIT);
    if (!/^\d{1,15}$/.test(sinceText)) return json(c, { error: `since=${sinceText}: expected a journal sequence number (a whole number)` }, 400);
    if (!/^\d{1,6}$/.test(limitText) || Number(limitText) < 1) return json(c, { error: `limit=${limitText}: expected a whole number from 1 to ${JOURNAL_MAX_LIMIT}` }, 400);
    const since = Number(sinceText);
    const limit = Math.min(JOURNAL_MAX_LIMIT, Number(limitText));
    const records = ring.since(since, limit);
    const oldest = ring.oldestSeq;
    return json(c, {
      since, records, lastSeq: ring.lastSeq, oldestSeq: oldest,
      // Records after `since` that the ring no longer holds.
      truncated: oldest > 0 && since < oldest - 1,
      more: records.length === limit && records[records.length - 1]!.seq < ring.lastSeq,
    });
  });

  app.get('/api/events', (c) => {
    const headers = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' };
    // HEAD: the headers only (a stream nobody reads would never end).
    if (c.req.raw.method === 'HEAD') return c.body(null, 200, headers);
    for (const [k, v] of Object.entries(headers)) c.header(k, v);
    return stream(c, async (s) => {
      await sse.serve((text) => s.write(text), (listener) => s.onAbort(listener));
    });
  });

  app.notFound((c) => json(c, { error: `not found: ${c.req.path}`, endpoints: ENDPOINTS }, 404));
  app.onError((error, c) => json(c, { error: scrubText(String((error as Error)?.message ?? error)).split('\n')[0]!.slice(0, 300) }, 500));
  return app;
}
