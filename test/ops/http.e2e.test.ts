// The operator HTTP surface end to end: the real service entry point (`startService`, what
// `exstate start` runs) against the simulator on 127.0.0.1 through the real ccxt client, with the
// HTTP server on a free port; the command line `exstate status` in a child process against it.
// Read-only, 127.0.0.1 only, no secret in any answer, readiness that follows the service and its
// mode, Prometheus series without per-order labels, and an event stream that starts with a
// snapshot and then sends deltas.
import { mkdtempSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { envFor, runCli, runEmbedded, type Embedded } from '../gates/spawn.js';
import { answers, openSse, parseMetrics, request, secretsIn, type SseReader } from './http-client.js';

let sim: Simulator;
let service: Embedded;
let base: string;
const readers: SseReader[] = [];
const SCOPE = 'binance:linear:BTCUSDT:LONG';

beforeAll(async () => {
  sim = await startSimulator({ seed: 1, positionMode: 'hedge' });
  sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
  sim.engine.placeOrder({ symbol: 'BTCUSDT', positionSide: 'LONG', side: 'BUY', type: 'LIMIT', price: '60000', quantity: '0.02', clientOrderId: 'manual-1', owner: 'manual' });
  // The startup snapshot's open-order read is slow: the service is listening but not ready yet.
  sim.faults.addRest({ kind: 'delay', ms: 3000, method: 'GET', path: '/fapi/v1/openOrders', count: 1 });
  const store = join(mkdtempSync(join(tmpdir(), 'exstate-http-')), 'exstate.sqlite');
  service = runEmbedded(envFor(sim, { EXECUTION_MODE: 'DEMO', STORE_PATH: store }), { httpListenPort: 0 });
  const listening = await service.waitFor('http_listening', (r) => r.event === 'http_listening');
  base = String(listening.url);
});

afterAll(async () => {
  for (const r of readers) r.close();
  await service?.stop();
  await sim?.close();
});

const ready = () => service.records.some((r) => r.event === 'service_ready');
const confirmed = (slot: string) => service.records.some((r) => r.event === 'confirmation_matched' && r.slot === slot);

async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

test('the URL is printed once and the server listens on 127.0.0.1 only', async () => {
  const url = new URL(base);
  expect(url.hostname).toBe('127.0.0.1');
  expect(service.records.filter((r) => r.event === 'http_listening')).toHaveLength(1);
  const port = Number(url.port);
  const refused = (host: string) =>
    new Promise<string>((resolve) => {
      const s = connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
  // Another loopback address and every other address of this machine: nothing listens there.
  expect(await refused('127.0.0.2')).not.toBe('connected');
  for (const nets of Object.values(networkInterfaces())) {
    for (const n of nets ?? []) if (!n.internal && n.family === 'IPv4') expect(await refused(n.address)).not.toBe('connected');
  }
});

test('before the service is ready: /healthz answers, /readyz is 503 with the reason', async () => {
  expect(ready()).toBe(false);
  const health = await request(base, '/healthz');
  expect(health.status).toBe(200);
  expect(health.json()).toMatchObject({ status: 'ok' });
  expect(typeof health.json<{ eventLoopLagSeconds: { p99: number } }>().eventLoopLagSeconds.p99).toBe('number');
  const notReady = await request(base, '/readyz');
  expect(ready()).toBe(false);
  expect(notReady.status).toBe(503);
  expect(notReady.json()).toMatchObject({ ready: false });
  expect(String(notReady.json().reason)).toMatch(/not ready/);
});

test('ready and protected: /readyz 200, /api/status, /api/scopes and one scope in detail', async () => {
  await until('service ready, SL and TP confirmed, DCA placed', () => ready() && confirmed('SL') && confirmed('TP') && confirmed('DCA1'));
  const readyz = await request(base, '/readyz');
  expect(readyz.status).toBe(200);
  expect(readyz.json()).toMatchObject({ ready: true, mode: 'NORMAL' });

  const status = (await request(base, '/api/status')).json<Record<string, any>>();
  expect(status).toMatchObject({ ready: true, mode: 'NORMAL', venue: 'binanceusdm', executionMode: 'demo', lifecycle: 'ready' });
  expect(status.counts).toMatchObject({ scopes: expect.any(Number), positions: 1, unprotectedPositions: 0, unknownOutcomes: 0 });
  expect(status.stream).toMatchObject({ state: expect.any(String), rowsIngested: expect.any(Number) });
  expect(status.stream.rowsIngested).toBeGreaterThan(0);
  expect(status.alerts).toEqual([]);
  expect(status.unknownOutcomes).toEqual([]);

  const scopes = (await request(base, '/api/scopes')).json<{ scopes: Array<Record<string, any>> }>().scopes;
  const long = scopes.find((s) => s.key === SCOPE)!;
  expect(long).toMatchObject({ symbol: 'BTCUSDT', side: 'LONG', position: { size: '0.01', entryPrice: '65000' } });
  expect(long.trust).toEqual({ order: 'trusted', position: 'trusted', filter: 'trusted', context: 'trusted' });
  expect(long.protection.protected).toBe(true);
  expect(long.protection.slots.SL).toMatchObject({ state: 'open', triggerPrice: '63700' });
  expect(long.protection.slots.TP).toMatchObject({ state: 'open', price: '65650', qty: '0.01' });
  expect(long.protection.slots.DCA1).toMatchObject({ state: 'open', price: '64350' });
  expect(typeof long.state).toBe('string');

  const detail = await request(base, `/api/scopes/${encodeURIComponent(SCOPE)}`);
  expect(detail.status).toBe(200);
  const d = detail.json<Record<string, any>>();
  expect(d).toMatchObject({ key: SCOPE, trust: long.trust, position: { size: '0.01' } });
  expect(d.machine).toMatchObject({ state: expect.any(String) });
  expect(d.orders.app.map((o: { slot: string }) => o.slot).sort()).toEqual(['DCA1', 'SL', 'TP']);
  expect(d.orders.foreign).toEqual([expect.objectContaining({ customOrderId: 'manual-1', price: '60000', qty: '0.02' })]);
  expect(d.contexts.length).toBeGreaterThanOrEqual(3);
  expect(Array.isArray(d.pendingConfirmations)).toBe(true);
  expect(d.journal.some((r: { event: string }) => r.event === 'confirmation_matched')).toBe(true);
  expect(d.journal.every((r: { scope?: { symbol: string; managedSide: string } }) => r.scope?.symbol === 'BTCUSDT' && r.scope?.managedSide === 'LONG')).toBe(true);
  // The short form of a scope's key works too; an unknown scope is a 404.
  expect((await request(base, '/api/scopes/BTCUSDT:LONG')).json()).toMatchObject({ key: SCOPE });
  expect((await request(base, '/api/scopes/NOPEUSDT:LONG')).status).toBe(404);
});

test('/api/journal?since= answers from the ring of the latest records, in order', async () => {
  const all = (await request(base, '/api/journal?since=0')).json<{ records: Array<{ seq: number; event: string }>; lastSeq: number }>();
  expect(all.records.length).toBeGreaterThan(10);
  const seqs = all.records.map((r) => r.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  expect(all.records.some((r) => r.event === 'service_ready')).toBe(true);
  const mid = seqs[Math.floor(seqs.length / 2)]!;
  const later = (await request(base, `/api/journal?since=${mid}`)).json<{ records: Array<{ seq: number }> }>();
  expect(later.records.every((r) => r.seq > mid)).toBe(true);
  expect(later.records[0]!.seq).toBe(mid + 1);
  expect((await request(base, `/api/journal?since=${all.lastSeq + 1000}`)).json<{ records: unknown[] }>().records).toEqual([]);
  expect((await request(base, '/api/journal?since=abc')).status).toBe(400);
});

test('/metrics: default process metrics and the exstate_* series, no per-order label', async () => {
  const answer = await request(base, '/metrics');
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/text\/plain/);
  const samples = parseMetrics(answer.text);
  const names = new Set(samples.map((s) => s.name));
  for (const name of [
    'process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds',
    'exstate_mode', 'exstate_ready', 'exstate_scopes', 'exstate_positions_open', 'exstate_unprotected_positions', 'exstate_unknown_outcomes',
    'exstate_pending_confirmations', 'exstate_private_stream_age_seconds', 'exstate_private_rows_ingested_total', 'exstate_workflow_passes_total',
    'exstate_submissions_total', 'exstate_venue_errors_total', 'exstate_context_write_seconds_bucket', 'exstate_context_write_seconds_count',
    'exstate_reaction_seconds_bucket', 'exstate_reaction_seconds_count', 'exstate_journal_records_total', 'exstate_sse_clients', 'exstate_mode_reason_active',
  ]) expect([name, names.has(name)]).toEqual([name, true]);
  const ours = samples.filter((s) => s.name.startsWith('exstate_'));
  const labelNames = new Set(ours.flatMap((s) => Object.keys(s.labels)));
  for (const label of labelNames) expect(['mode', 'reason', 'state', 'family', 'outcome', 'class', 'le']).toContain(label);
  // No sample carries an order id, a scope or a symbol in any label value.
  for (const s of ours) for (const v of Object.values(s.labels)) expect(v).not.toMatch(/BTCUSDT|manual-1|^xs|LONG/);
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  expect(value('exstate_mode', { mode: 'NORMAL' })).toBe(1);
  expect(value('exstate_mode', { mode: 'PAUSED' })).toBe(0);
  expect(value('exstate_ready')).toBe(1);
  expect(value('exstate_positions_open')).toBe(1);
  expect(value('exstate_unprotected_positions')).toBe(0);
  expect(value('exstate_submissions_total', { outcome: 'accepted' })).toBeGreaterThanOrEqual(3);
  expect(value('exstate_workflow_passes_total', { family: 'protective' })).toBeGreaterThanOrEqual(1);
  expect(value('exstate_context_write_seconds_count')).toBeGreaterThanOrEqual(3);
  expect(value('exstate_reaction_seconds_count')).toBeGreaterThanOrEqual(1);
  expect(value('exstate_private_rows_ingested_total')).toBeGreaterThan(0);
});

test('nothing mutates: every method but GET (and HEAD) answers 405 on every path', async () => {
  const before = JSON.stringify(sim.engine.snapshot());
  const seqBefore = service.records.length;
  for (const path of ['/healthz', '/readyz', '/metrics', '/api/status', '/api/scopes', `/api/scopes/${encodeURIComponent(SCOPE)}`, '/api/journal?since=0', '/api/events', '/nope', '/']) {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const answer = await request(base, path, { method, body: method === 'OPTIONS' ? undefined : '{"type":"account.stop"}' });
      expect([method, path, answer.status]).toEqual([method, path, 405]);
      expect(answer.headers.get('allow')).toBe('GET, HEAD');
    }
  }
  expect((await request(base, '/nope')).status).toBe(404);
  expect(JSON.stringify(sim.engine.snapshot())).toBe(before);
  expect(service.records.slice(seqBefore).filter((r) => r.event === 'service_stopping')).toEqual([]);
});

test('the event stream sends a snapshot first, then a delta after a price move at the venue', async () => {
  const sse = await openSse(base);
  readers.push(sse);
  const first = await sse.next('snapshot', () => true);
  expect(first.event).toBe('snapshot');
  const snapshot = JSON.parse(first.data) as { status: { mode: string }; scopes: Array<{ key: string; position: { size: string } }> };
  expect(snapshot.status.mode).toBe('NORMAL');
  expect(snapshot.scopes.find((s) => s.key === SCOPE)?.position.size).toBe('0.01');
  const from = sse.events.length;
  sim.engine.setMark('BTCUSDT', '64340'); // the DCA limit at 64350 fills: the position doubles
  const delta = await sse.next('a delta with the new position', (e) => e.event === 'delta' && (JSON.parse(e.data) as { scopes: Array<{ key: string; position?: { size: string } }> }).scopes.some((s) => s.key === SCOPE && s.position?.size === '0.02'), 20_000, from);
  const body = JSON.parse(delta.data) as { status: unknown; journal: Array<{ event: string }> };
  expect(body.status).toBeDefined();
  expect(body.journal.length).toBeGreaterThan(0);
  expect(sse.events.slice(0, from).every((e) => e.event === 'snapshot')).toBe(true);
  expect(sse.events.filter((e) => e.event === 'resync')).toEqual([]);
  // Protection follows the new entry; the stream keeps telling.
  await sse.next('TP amended to 0.02', (e) => e.event === 'delta' && e.data.includes('"TP"') && /"TP":\{[^}]*"qty":"0.02"/.test(e.data), 20_000, from);
});

test('`exstate status --json` and the table read the API; exit code 0 when ready and NORMAL', async () => {
  await until('re-protected after the DCA fill', async () => {
    const scopes = (await request(base, '/api/scopes')).json<{ scopes: Array<Record<string, any>> }>().scopes;
    const s = scopes.find((x) => x.key === SCOPE)!;
    return s.protection.protected && s.protection.slots.TP?.qty === '0.02' && s.pending === 0;
  });
  const json = runCli(['status', '--json', '--url', base], {});
  expect(await json.exited).toBe(0);
  const doc = JSON.parse(json.stdout()) as { status: { mode: string; ready: boolean }; scopes: Array<Record<string, any>> };
  answers.push({ where: 'exstate status --json', text: json.stdout() + json.stderr() });
  expect(doc.status).toMatchObject({ mode: 'NORMAL', ready: true });
  expect(doc.scopes.find((s) => s.key === SCOPE)).toMatchObject({ position: { size: '0.02' }, protection: { protected: true } });

  const table = runCli(['status', '--url', base], {});
  expect(await table.exited).toBe(0);
  const out = table.stdout();
  answers.push({ where: 'exstate status', text: out + table.stderr() });
  expect(out).toMatch(/mode\s+NORMAL/);
  expect(out).toMatch(/ready/);
  const row = out.split('\n').find((l) => l.includes('BTCUSDT') && l.includes('LONG'))!;
  expect(row).toBeDefined();
  expect(row).toContain('0.02');
  expect(row).toMatch(/SL\s*[0-9.]+/);
  expect(row).toMatch(/TP\s*[0-9.]+/);
  expect(row).toMatch(/trusted/);
  expect(out).toMatch(/unknown outcomes: none/);
  expect(out).toMatch(/alerts: none/);
});

test('PAUSED (the venue rejects our timestamps): /readyz 503 with the reason, status exits 1, the mode gauge says so', async () => {
  sim.faults.clockSkewMs = -120_000; // every signed request is now outside the receive window (-1021)
  sim.stream.disconnectAll('drop'); // the reconnect re-hydrates over REST, which fails
  await until('PAUSED', () => service.records.some((r) => r.event === 'mode_changed' && r.mode === 'PAUSED'), 40_000);
  const readyz = await request(base, '/readyz');
  expect(readyz.status).toBe(503);
  expect(readyz.json()).toMatchObject({ mode: 'PAUSED' });
  expect(String(readyz.json().reason)).toMatch(/PAUSED.*CLOCK_SKEW/);
  const status = (await request(base, '/api/status')).json<Record<string, any>>();
  expect(status.mode).toBe('PAUSED');
  expect(status.alerts.map((a: { reason: string }) => a.reason)).toContain('CLOCK_SKEW');
  const cli = runCli(['status', '--url', base], {});
  expect(await cli.exited).toBe(1);
  expect(cli.stdout()).toMatch(/PAUSED/);
  expect(cli.stdout()).toMatch(/CLOCK_SKEW/);
  const metrics = parseMetrics((await request(base, '/metrics')).text);
  expect(metrics.find((s) => s.name === 'exstate_mode' && s.labels.mode === 'PAUSED')?.value).toBe(1);
  expect(metrics.find((s) => s.name === 'exstate_mode_reason_active' && s.labels.reason === 'CLOCK_SKEW')?.value).toBe(1);
  sim.faults.clockSkewMs = 0;
});

test('`exstate status` cannot reach the service: exit code 2 and one line naming the URL', async () => {
  const url = `http://127.0.0.1:${await freePort()}`;
  const cli = runCli(['status', '--url', url], {});
  expect(await cli.exited).toBe(2);
  const lines = cli.stderr().trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(url);
  expect(cli.stdout()).toBe('');
});

test('no secret in any answer: credentials, listen keys and signatures are absent', async () => {
  // One more round of every endpoint, then everything answered so far is searched.
  for (const path of ['/healthz', '/readyz', '/metrics', '/api/status', '/api/scopes', `/api/scopes/${encodeURIComponent(SCOPE)}`, '/api/journal?since=0']) await request(base, path);
  for (const r of readers) r.close();
  readers.length = 0;
  expect(answers.length).toBeGreaterThan(20);
  const found = answers.flatMap((a) => secretsIn(a.text, sim).map((f) => `${a.where}: ${f}`));
  expect(found).toEqual([]);
});
