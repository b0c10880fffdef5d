// Nothing secret in any output. Recognizable credentials (an API key and a secret no scrubbing rule
// would catch by shape) drive every failure path: REST failures of the adapter (503 with and
// without a code, 400 with a code, timeout, connection reset), startup hydration failure, a scope
// step failure (a failing recovery hydration), lookup failures, stream failures (listen-key 503s
// and a dropped socket), wrong credentials (-2015), and the command line with a bad configuration
// and `doctor`. Then EVERY output is searched: each journal record, each log line (pino), each
// error message and stack the adapter throws or returns, the command line's stdout and stderr,
// and every file written (the SQLite store and its WAL, the lock file): for the key, the secret,
// a `signature=` or `listenKey=` value, a 64-hex run (an HMAC-SHA256 signature) and every listen
// key the simulator handed out.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { Decimal } from 'decimal.js';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { BinanceUsdmVenue } from '../../src/venues/ccxt/binanceusdm-venue.js';
import type { VenueMutation } from '../../src/venues/port.js';
import { runCli, runEmbedded, type Child, type Embedded } from '../gates/spawn.js';
import { findLeaks } from './leaks.js';

// Letters outside hex, so only knowing the values (not a shape rule) can cut them.
const KEY = `XSKEYqWrTyUpLk${'Zq'.repeat(25)}`;
const SECRET = `XSSECRETmNbVcXz${'Jw'.repeat(24)}`;
const WRONG_KEY = `XSWRONGKEYgHjKl${'Vy'.repeat(24)}`;
const WRONG_SECRET = `XSWRONGSECRETpQ${'Yx'.repeat(24)}`;

const outputs: Array<{ where: string; text: string }> = [];
const sims: Simulator[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
  for (const s of sims) await s.close();
});

function listenKeysOf(sim: Simulator): string[] {
  return [...(sim.stream as unknown as { keys: Map<string, unknown> }).keys.keys()];
}

/** Every secret-looking thing in `text`, each with its surroundings (the secret itself masked). */
function leaks(text: string, listenKeys: string[]): string[] {
  return findLeaks(text, [['API_KEY', KEY], ['API_SECRET', SECRET], ['WRONG_KEY', WRONG_KEY], ['WRONG_SECRET', WRONG_SECRET], ...listenKeys.map((k) => ['LISTEN_KEY', k] as [string, string])]);
}

const add = (where: string, text: unknown) => outputs.push({ where, text: typeof text === 'string' ? text : JSON.stringify(text) });

function errorTexts(error: unknown): string {
  const e = error as Error & Record<string, unknown>;
  return [String(e), e?.message, e?.stack, JSON.stringify(e, Object.getOwnPropertyNames(e ?? {}))].join('\n');
}

async function until(what: string, predicate: () => boolean, timeoutMs = 30_000, describe: () => string = () => ''): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for: ${what}\n${describe()}`);
}

const sample: VenueMutation = {
  action: 'place', slot: 'TP', customOrderId: 'xs-secret-test-tp',
  scope: { exchange: 'binance', product: 'linear', symbol: 'BTCUSDT', managedSide: 'LONG' },
  intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', price: new Decimal('66000'), qty: new Decimal('0.01'), reduceOnly: true },
};

test('no key, secret, signature or listen key in any output of any failure path', async () => {
  const sim = await startSimulator({ seed: 1, positionMode: 'hedge', apiKey: KEY, secret: SECRET });
  sims.push(sim);
  sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
  const storeDir = mkdtempSync(join(tmpdir(), 'exstate-secrets-'));
  const venueEnv = {
    VENUE: 'binanceusdm', VENUE_REST_URL: sim.rest, VENUE_WS_URL: sim.ws, POSITION_MODE: 'hedge',
    TAKE_PROFIT_PCT: '1', STOP_LOSS_PCT: '2', DCA_STEPS: '1:100', EVENT_BURST_MS: '50', MAX_BURST_DELAY_MS: '300',
  };

  // --- the command line, in child processes (started first: they run while the rest goes on) ---
  const wrongSim = await startSimulator({ seed: 2, positionMode: 'hedge', apiKey: KEY, secret: SECRET });
  sims.push(wrongSim);
  wrongSim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
  const children: Record<string, Child> = {
    // Wrong credentials: every signed call answers -2015 (HTTP 401).
    wrongCredentials: runCli(['start'], { ...venueEnv, VENUE_REST_URL: wrongSim.rest, VENUE_WS_URL: wrongSim.ws, API_KEY: WRONG_KEY, API_SECRET: WRONG_SECRET, EXECUTION_MODE: 'DRY_RUN_PRIVATE' }),
    // A bad configuration with credentials set.
    badConfig: runCli(['start'], { ...venueEnv, API_KEY: KEY, API_SECRET: SECRET, STOP_LOSS_PCT: 'two', EXECUTION_MODE: 'DEMO' }),
    doctor: runCli(['doctor'], { ...venueEnv, API_KEY: KEY, API_SECRET: SECRET, EXECUTION_MODE: 'DRY_RUN_PRIVATE' }),
  };
  for (const c of Object.values(children)) cleanups.push(() => c.stop());

  // --- the service (startService, output captured) in DEMO against the faulty venue ---
  // Startup hydration fails twice: a 503 with a code, then a connection reset (ccxt's message
  // carries the whole signed URL).
  sim.faults.addRest({ kind: 'status', path: '/fapi/v1/openOrders', method: 'GET', status: 503, code: -1001 });
  sim.faults.addRest({ kind: 'reset_after_apply', path: '/fapi/v1/openAlgoOrders', method: 'GET' });
  // The SL is refused with a code (HTTP 400); the TP request times out after being applied.
  sim.faults.addRest({ kind: 'reject', path: '/fapi/v1/algoOrder', method: 'POST', code: -2019, msg: 'Margin is insufficient.' });
  sim.faults.addRest({ kind: 'timeout_after_apply', path: '/fapi/v1/order', method: 'POST' });
  // The DCA step then meets a 503 without a code, not applied: an unknown outcome no stream row
  // settles, so the scope recovers.
  sim.faults.addRest({ kind: 'status', path: '/fapi/v1/order', method: 'POST', status: 503 });
  const service: Embedded = runEmbedded({ ...venueEnv, API_KEY: KEY, API_SECRET: SECRET, EXECUTION_MODE: 'DEMO', STORE_PATH: join(storeDir, 'exstate.sqlite'), VENUE_TIMEOUT_MS: '1200' });
  cleanups.push(() => service.stop());
  const seen = (event: string) => service.records.some((r) => r.event === event);

  await service.waitFor('TP sent', (r) => r.event === 'submission_sent' && r.slot === 'TP');
  // The scoped recovery that follows: its hydration fails (a scope step failure), then the
  // lookups by custom id fail twice (503 with a code, then a reset).
  sim.faults.addRest({ kind: 'reset_after_apply', path: '/fapi/v1/openOrders', method: 'GET' });
  sim.faults.addRest({ kind: 'status', path: '/fapi/v1/order', method: 'GET', status: 503, code: -1000 });
  sim.faults.addRest({ kind: 'reset_after_apply', path: '/fapi/v1/order', method: 'GET' });
  const lockFile = join(storeDir, 'exstate.lock');
  add('lock file', readFileSync(lockFile, 'latin1'));

  await until('hydration failed, SL rejected, TP unknown, recovery step failed, lookup failed', () =>
    ['hydration_failed', 'submission_rejected', 'submission_unknown', 'scope_step_failed', 'order_lookup_failed'].every(seen), 30_000,
    () => service.records.map((r) => `${r.event} ${r.slot ?? ''} ${r.reason ?? r.step ?? ''}`).join('\n'));
  await service.waitFor('the DCA settled by a lookup', (r) => r.event === 'order_lookup' && r.slot === 'DCA1');

  // The stream: the socket drops and the listen key cannot be had three times (503s).
  sim.faults.addRest({ kind: 'status', path: '/fapi/v1/listenKey', method: 'POST', status: 503, count: 3 });
  sim.stream.disconnectAll('drop');
  await service.waitFor('stream reconnected', (r) => r.event === 'stream_reconnected');
  expect(seen('stream_watch_failed')).toBe(true);
  expect(seen('stream_disconnected')).toBe(true);

  // --- the adapter's own exceptions and outcomes (what the runtime is handed) ---
  const adapter = await BinanceUsdmVenue.create({
    restUrl: sim.rest, wsUrl: sim.ws, apiKey: KEY, secret: SECRET, listenKeyRefreshMs: 60_000, timeoutMs: 800,
    positionMode: 'hedge', weightLimit: 2400, protectiveHeadroom: 0.2, log: (event, fields) => add(`adapter log ${event}`, fields),
  });
  cleanups.push(() => adapter.close());
  const scope = sample.scope;
  const thrown = async (where: string, call: () => Promise<unknown>) => {
    try {
      await call();
      throw new Error(`${where}: expected a failure`);
    } catch (error) {
      add(`exception ${where}`, errorTexts(error));
    }
  };
  sim.faults.addRest({ kind: 'timeout_after_apply', path: '/fapi/v1/openOrders', method: 'GET' });
  await thrown('hydrate (timeout)', () => adapter.hydrate({ subject: 'startup' }));
  sim.faults.addRest({ kind: 'reset_after_apply', path: '/fapi/v1/order', method: 'GET' });
  await thrown('findByCustomId (reset)', () => adapter.findByCustomId(scope, 'xs-no-such-order'));
  sim.faults.addRest({ kind: 'status', path: '/fapi/v1/userTrades', method: 'GET', status: 503 });
  await thrown('fillsSince (503 without a code)', () => adapter.fillsSince(scope, Date.now() - 60_000));
  for (const rule of [
    { kind: 'status', status: 503 },
    { kind: 'status', status: 503, code: -1001 },
    { kind: 'reject', code: -1111, msg: 'Precision is over the maximum defined for this asset.' },
    { kind: 'timeout_after_apply' },
    { kind: 'reset_after_apply' },
  ] as const) {
    sim.faults.addRest({ ...rule, path: '/fapi/v1/order', method: 'POST' });
    add(`submit outcome ${JSON.stringify(rule)}`, await adapter.submit({ ...sample, customOrderId: `xs-secret-${rule.kind}-${'code' in rule ? 'c' : 'n'}` }));
  }
  const wrong = await BinanceUsdmVenue.create({
    restUrl: sim.rest, wsUrl: sim.ws, apiKey: WRONG_KEY, secret: WRONG_SECRET, listenKeyRefreshMs: 60_000, timeoutMs: 800,
    positionMode: 'hedge', weightLimit: 2400, protectiveHeadroom: 0.2, log: (event, fields) => add(`adapter log ${event}`, fields),
  });
  cleanups.push(() => wrong.close());
  await thrown('hydrate (-2015)', () => wrong.hydrate({ subject: 'startup' }));
  await thrown('findByCustomId (-2015)', () => wrong.findByCustomId(scope, 'xs-any'));
  add('submit outcome (-2015)', await wrong.submit(sample));

  // A user-data socket that never opens (a host that accepts and never answers the handshake):
  // ccxt's "Connection to ws://…/ws/<listen key> failed due to a connection timeout".
  const blackHole = createServer((socket) => socket.on('error', () => undefined));
  await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', () => r()));
  cleanups.push(async () => {
    blackHole.close();
  });
  const silentWs = await BinanceUsdmVenue.create({
    restUrl: sim.rest, wsUrl: `ws://127.0.0.1:${(blackHole.address() as { port: number }).port}`, apiKey: KEY, secret: SECRET, listenKeyRefreshMs: 60_000, timeoutMs: 800,
    positionMode: 'hedge', weightLimit: 2400, protectiveHeadroom: 0.2, log: (event, fields) => add(`adapter log ${event}`, fields),
  });
  (silentWs as unknown as { ex: { options: Record<string, unknown> } }).ex.options.ws = { connectionTimeout: 300 };
  const items: unknown[] = [];
  void (async () => {
    for await (const item of silentWs.privateRows()) items.push(item);
  })();
  await until('two stream failures on the silent socket', () => outputs.filter((o) => o.where === 'adapter log stream_watch_failed' && /timeout/.test(o.text)).length >= 2);
  await silentWs.close();
  add('stream items of the silent socket', items);

  // --- the command line's outputs ---
  await children.wrongCredentials.waitForLine('-2015 hydration failures', (l) => l.msg === 'hydration_failed' && /-2015/.test(String(l.reason)));
  expect(await children.badConfig.exited).toBe(2);
  expect(await children.doctor.exited).toBe(0);
  expect(children.doctor.stdout()).toContain('"credentials": "set"');
  expect(children.badConfig.stderr()).toMatch(/^exstate: configuration rejected: STOP_LOSS_PCT="two"/);
  for (const [name, c] of Object.entries(children)) {
    await c.stop();
    add(`${name} stdout`, c.stdout());
    add(`${name} stderr`, c.stderr());
  }

  // --- stop the service; then its journal, its log lines and its files ---
  expect(await service.stop()).toBe(0);
  for (const r of service.records) add(`journal ${r.event}`, r);
  add('service log lines', service.output());
  // Every file, the audit journal's SQLite file and its daily JSONL files (in a subdirectory) included.
  for (const f of readdirSync(storeDir, { recursive: true }) as string[]) if (statSync(join(storeDir, f)).isFile()) add(`file ${f}`, readFileSync(join(storeDir, f), 'latin1'));
  expect(existsSync(lockFile)).toBe(false);

  // The paths really ran: their records are there.
  for (const event of ['hydration_failed', 'submission_rejected', 'submission_unknown', 'scope_step_failed', 'order_lookup_failed', 'stream_watch_failed', 'venue_call_failed']) {
    expect({ event, seen: seen(event) }).toEqual({ event, seen: true });
  }
  expect(outputs.filter((o) => o.where.startsWith('exception')).length).toBe(5);

  const listenKeys = [...listenKeysOf(sim), ...listenKeysOf(wrongSim)];
  expect(listenKeys.length).toBeGreaterThan(0);
  const found = outputs.flatMap((o) => leaks(o.text, listenKeys).map((l) => `${o.where}: ${l}`));
  expect(found).toEqual([]);
});
