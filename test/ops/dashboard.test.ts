// The dashboard's server side, over real HTTP on 127.0.0.1 against the real service (dry run) on
// the simulator: the page and its modules are served with the right types and load nothing from
// elsewhere; /api/machines lays out the scope and account machines from their definitions (nested
// states, labelled transitions, computed once); the machine view follows a scope's transitions
// while the event stream is open (state values and event types only); a browser asking `/` goes
// to the dashboard while scripts still get JSON; everything stays read-only; the banner names it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { envFor, runEmbedded, type Embedded } from '../gates/spawn.js';
import { answers, openSse, request, secretsIn, type SseReader } from './http-client.js';

let sim: Simulator;
let service: Embedded;
let base: string;
const readers: SseReader[] = [];
const SCOPE = 'binance:linear:BTCUSDT:LONG';

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, positionMode: 'hedge' });
  sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
  const store = join(mkdtempSync(join(tmpdir(), 'exstate-dash-')), 'exstate.sqlite');
  service = runEmbedded(envFor(sim, { EXECUTION_MODE: 'DRY_RUN_PRIVATE', STORE_PATH: store, SYMBOLS: 'BTCUSDT' }), { httpListenPort: 0 });
  const banner = await service.waitFor('service_banner', (r) => r.event === 'service_banner', 60_000);
  base = String(banner.http);
  // The first /api/machines lays the machines out (seconds on a loaded machine): not within the
  // 10 s each request() below allows.
  expect((await fetch(`${base}/api/machines`, { signal: AbortSignal.timeout(60_000) })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  for (const r of readers) r.close();
  await service?.stop();
  await sim?.close();
});

const FILES: Array<[string, RegExp]> = [
  ['/dashboard', /^text\/html/], ['/dashboard/app.js', /^text\/javascript/], ['/dashboard/panels.js', /^text\/javascript/],
  ['/dashboard/statechart.js', /^text\/javascript/], ['/dashboard/chart.js', /^text\/javascript/], ['/dashboard/dashboard.css', /^text\/css/],
  ['/assets/htm-preact.mjs', /^text\/javascript/], ['/assets/uplot.mjs', /^text\/javascript/], ['/assets/uplot.css', /^text\/css/],
];

test('the banner prints the dashboard URL next to the server\'s', () => {
  const banner = service.records.find((r) => r.event === 'service_banner')!;
  expect(banner.dashboard).toBe(`${base}/dashboard`);
  expect(new URL(String(banner.dashboard)).hostname).toBe('127.0.0.1');
});

test('the page and its modules are served with their content types; the vendor modules are the installed packages', async () => {
  for (const [path, type] of FILES) {
    const r = await request(base, path);
    expect({ path, status: r.status }).toEqual({ path, status: 200 });
    expect({ path, type: r.headers.get('content-type') }).toEqual({ path, type: expect.stringMatching(type) });
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  }
  expect((await request(base, '/assets/htm-preact.mjs')).text).toBe(readFileSync('node_modules/htm/preact/standalone.mjs', 'utf8'));
  expect((await request(base, '/assets/uplot.mjs')).text).toBe(readFileSync('node_modules/uplot/dist/uPlot.esm.js', 'utf8'));
  expect((await request(base, '/assets/uplot.css')).text).toBe(readFileSync('node_modules/uplot/dist/uPlot.min.css', 'utf8'));
  // The browser may load only from this server.
  const csp = (await request(base, '/dashboard')).headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/default-src 'self'/);
  expect(csp).toMatch(/script-src 'self'(;|$)/);
  expect(csp).toMatch(/connect-src 'self'/);
});

test('the page references nothing outside this server: every URL it names is a path here that answers', async () => {
  const own = FILES.filter(([p]) => p.startsWith('/dashboard'));
  const named = new Set<string>();
  for (const [path] of own) {
    const text = (await request(base, path)).text;
    expect({ path, external: text.match(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/gi) ?? [] }).toEqual({ path, external: [] });
    for (const m of text.matchAll(/(?:src|href)="([^"]+)"|from '([^']+)'|fetch\('([^']+)'|EventSource\('([^']+)'/g)) named.add(m[1] ?? m[2] ?? m[3] ?? m[4]!);
  }
  expect([...named].sort()).toEqual(expect.arrayContaining(['/api/events', '/api/machines', '/assets/htm-preact.mjs', '/assets/uplot.css', '/assets/uplot.mjs', '/dashboard/app.js']));
  for (const url of named) {
    if (url.startsWith('data:')) continue;
    expect({ url, local: url.startsWith('/') && !url.startsWith('//') }).toEqual({ url, local: true });
    if (url === '/api/events') continue; // a stream that never ends (served: see http.e2e)
    expect({ url, status: (await request(base, url)).status }).toEqual({ url, status: 200 });
  }
  // The vendor modules import nothing (no further fetch, from anywhere).
  for (const path of ['/assets/htm-preact.mjs', '/assets/uplot.mjs']) expect((await request(base, path)).text).not.toMatch(/\bimport\s*[\s{*('"]/);
});

test('/api/machines: the scope and account machines laid out from their definitions, nested, labelled, computed once', async () => {
  const first = await request(base, '/api/machines');
  expect(first.status).toBe(200);
  const body = first.json<{ computedInMs: number; machines: Record<string, { width: number; height: number; nodes: Array<{ id: string; path: string[]; type: string; initial: boolean; x: number; y: number; width: number; height: number }>; edges: Array<{ source: string; target: string; events: string[]; points: number[][] }>; anyState: Array<{ event: string; target: string }> }> }>();
  const { scope, account } = body.machines;
  expect(scope!.nodes.map((n) => n.path.join('.')).sort()).toEqual(
    ['backoff', 'blocked', 'checkingMark', 'idle', 'pendingConfirmation', 'planning', 'protectionUnplaceable', 'recovering', 'settling', 'settling.quiet', 'submitting'],
  );
  expect(scope!.nodes.find((n) => n.id === 'scope.idle')).toMatchObject({ initial: true, type: 'atomic' });
  // The compound state holds its child.
  const settling = scope!.nodes.find((n) => n.id === 'scope.settling')!;
  const quiet = scope!.nodes.find((n) => n.id === 'scope.settling.quiet')!;
  expect(settling.type).toBe('compound');
  expect(quiet.initial).toBe(true);
  expect(quiet.x).toBeGreaterThanOrEqual(settling.x);
  expect(quiet.y).toBeGreaterThan(settling.y);
  expect(quiet.x + quiet.width).toBeLessThanOrEqual(settling.x + settling.width);
  expect(quiet.y + quiet.height).toBeLessThanOrEqual(settling.y + settling.height);
  for (const n of [...scope!.nodes, ...account!.nodes]) expect(n.x + n.width).toBeLessThanOrEqual(n.id.startsWith('scope') ? scope!.width : account!.width);
  // Transitions as the machine file declares them: events, timers, actor outcomes, guards.
  const edge = (m: typeof scope, source: string, target: string) => m!.edges.find((e) => e.source === source && e.target === target);
  expect(edge(scope, 'scope.idle', 'scope.settling')?.events).toEqual(['scope.affected']);
  expect(edge(scope, 'scope.settling.quiet', 'scope.planning')?.events).toEqual(['scope.affected [isImmediate]', 'burst.quiet']);
  expect(edge(scope, 'scope.planning', 'scope.submitting')?.events).toEqual(['pass.done (submit)']);
  expect(edge(scope, 'scope.submitting', 'scope.backoff')?.events).toEqual(['submit.done (retry)', 'submit.failed']);
  expect(edge(scope, 'scope.pendingConfirmation', 'scope.pendingConfirmation')?.events).toEqual(['confirmation.restored', 'confirmation.resolved']);
  expect(edge(account, 'account.connecting', 'account.replaying')?.events).toEqual(['always [streamReady]']);
  expect(edge(account, 'account.ready', 'account.reconnecting')?.events).toEqual(['stream.lost']);
  expect(account!.anyState).toEqual([{ event: 'account.stop', target: 'account.stopping' }]);
  for (const e of [...scope!.edges, ...account!.edges]) {
    expect(e.points.length).toBeGreaterThanOrEqual(2);
    expect(e.events.length).toBeGreaterThan(0);
  }
  // Computed once: the second answer is the same layout, same computation.
  expect((await request(base, '/api/machines')).text).toBe(first.text);
});

test('the machine view: a scope\'s transitions are recorded while the event stream is open, as state values and event types only', async () => {
  const before = (await request(base, `/api/scopes/${SCOPE}/transitions`)).json<{ observing: boolean; value: unknown; transitions: unknown[] }>();
  expect(before).toMatchObject({ observing: false, value: 'idle', transitions: [] });
  expect((await request(base, '/api/account/transitions')).json()).toMatchObject({ actor: 'account', value: 'ready' });
  expect((await request(base, '/api/scopes/ETHUSDT:LONG/transitions')).status).toBe(404);

  const sse = await openSse(base);
  readers.push(sse);
  await sse.next('snapshot', (e) => e.event === 'snapshot');
  expect((await request(base, '/api/status')).json<{ http: { machineView: { observing: boolean } } }>().http.machineView.observing).toBe(true);
  const from = sse.events.length;
  // Another position size: the scope settles, plans (dry run: nothing sent) and goes back to idle.
  const moved = await fetch(`${sim.control}/position`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ symbol: 'BTCUSDT', positionSide: 'LONG', positionAmt: '0.03', entryPrice: '64000' }) });
  expect(moved.status).toBe(200);
  const delta = await sse.next('a delta with the scope\'s transitions', (e) => e.event === 'delta' && e.data.includes('"transitions"') && e.data.includes(SCOPE), 20_000, from);
  const carried = (JSON.parse(delta.data) as { transitions: Array<Record<string, unknown>> }).transitions;
  for (const t of carried) expect(Object.keys(t).sort()).toEqual(['actor', 'at', 'event', 'from', 'to']);

  let view = { observing: false, value: null as unknown, since: null as string | null, transitions: [] as Array<{ actor: string; event: string; from: unknown; to: unknown; at: string }> };
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    view = (await request(base, `/api/scopes/BTCUSDT:LONG/transitions`)).json();
    if (view.value === 'idle' && view.transitions.some((t) => t.to === 'idle')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(view.observing).toBe(true);
  const path = view.transitions.map((t) => `${JSON.stringify(t.from)}->${JSON.stringify(t.to)} on ${t.event}`);
  expect(path).toEqual(expect.arrayContaining([
    '"idle"->{"settling":"quiet"} on scope.affected',
    '{"settling":"quiet"}->"planning" on burst.quiet',
  ]));
  // The pass itself ends within one step: only the microsteps show the `planning` it went through.
  expect(path.some((p) => p.startsWith('"planning"->"idle"'))).toBe(true);
  expect(view.since).toBe(view.transitions[view.transitions.length - 1]!.at);
  expect(view.transitions.every((t) => t.actor === SCOPE)).toBe(true);
  // No context, no event payload: nothing but the five fields.
  for (const t of view.transitions) expect(Object.keys(t).sort()).toEqual(['actor', 'at', 'event', 'from', 'to']);
});

test('`/` sends a browser to the dashboard and gives scripts the JSON list of endpoints', async () => {
  const html = await fetch(`${base}/`, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
  expect(html.status).toBe(302);
  expect(html.headers.get('location')).toBe('/dashboard');
  for (const accept of ['application/json', '*/*']) {
    const r = await request(base, '/', { headers: { accept } });
    expect(r.status).toBe(200);
    expect(r.json<{ endpoints: string[] }>().endpoints).toEqual(expect.arrayContaining(['/dashboard', '/api/machines', '/api/scopes/:scope/transitions']));
  }
});

test('read-only: every other method is 405 on the dashboard\'s paths, and no other file can be named', async () => {
  for (const path of ['/dashboard', '/dashboard/app.js', '/assets/uplot.mjs', '/api/machines', `/api/scopes/${SCOPE}/transitions`, '/api/account/transitions']) {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await request(base, path, { method });
      expect({ path, method, status: r.status, allow: r.headers.get('allow') }).toEqual({ path, method, status: 405, allow: 'GET, HEAD' });
    }
    expect((await fetch(`${base}${path}`, { method: 'HEAD' })).status).toBe(200);
  }
  for (const path of ['/dashboard/%2e%2e/%2e%2e/%2e%2e/package.json', '/dashboard/index.html', '/assets/htm.mjs', '/dashboard/..%2f..%2fsse.ts']) {
    expect({ path, status: (await request(base, path)).status }).toEqual({ path, status: 404 });
  }
});

test('no secret in any answer', () => {
  for (const a of answers) expect({ where: a.where, secrets: secretsIn(a.text, sim) }).toEqual({ where: a.where, secrets: [] });
});
