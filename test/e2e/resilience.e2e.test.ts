// The process never exits unless told to, and the private stream is one stream with one
// readiness: the real command line (`node bin/exstate.js start`, a child process) against the
// simulator, observed from what the process prints and whether it is alive.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { envFor, runCli, type Child } from '../gates/spawn.js';

const sims: Simulator[] = [];
const children: Child[] = [];
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await Promise.all(sims.map((s) => s.close()));
});

async function venue(listenKeyTtlMs?: number): Promise<Simulator> {
  const sim = await startSimulator({ seed: 1, positionMode: 'hedge', ...(listenKeyTtlMs ? { listenKeyTtlMs } : {}) });
  sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
  sims.push(sim);
  return sim;
}

function start(sim: Simulator, extra: Record<string, string> = {}): Child {
  const child = runCli(['start'], envFor(sim, {
    EXECUTION_MODE: 'DRY_RUN_PRIVATE', STORE_PATH: join(mkdtempSync(join(tmpdir(), 'exstate-res-')), 'exstate.sqlite'), HEARTBEAT_TIMEOUT_MS: '600000', ...extra,
  }));
  children.push(child);
  return child;
}

const event = (l: Record<string, unknown>) => l.msg ?? l.event;
const alive = (c: Child) => c.proc.exitCode === null && c.proc.signalCode === null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the listen key cannot be had (three 503s) and the socket drops: the process stays up, says so, and recovers', async () => {
  const sim = await venue();
  const service = start(sim);
  await service.waitForLine('service_ready', (l) => event(l) === 'service_ready');
  sim.faults.addRest({ kind: 'status', status: 503, method: 'POST', path: '/fapi/v1/listenKey', count: 3 });
  sim.stream.disconnectAll('drop');
  await service.waitForLine('stream_disconnected', (l) => event(l) === 'stream_disconnected');
  await service.waitForLine('a failed re-dial', (l) => event(l) === 'stream_watch_failed' && Number(l.failures) >= 2, 20_000);
  expect(alive(service)).toBe(true);
  // The venue recovers: the service reconnects with a fresh key and hydrates again.
  await service.waitForLine('stream_reconnected', (l) => event(l) === 'stream_reconnected', 40_000);
  expect(alive(service)).toBe(true);
  expect(await service.stop()).toBe(0);
  expect(service.lines().some((l) => event(l) === 'service_stopped')).toBe(true);
}, 60_000);

test('listenKeyExpired is a gap at once (not after the watchdog): fresh key, reconnect, reconnect hydration', async () => {
  const sim = await venue();
  const service = start(sim);
  await service.waitForLine('service_ready', (l) => event(l) === 'service_ready');
  const keysBefore = sim.stream.issuedKeys();
  const expiredAt = Date.now();
  sim.stream.expireAll();
  await service.waitForLine('listen_key_expired', (l) => event(l) === 'listen_key_expired', 10_000);
  await service.waitForLine('stream_reconnected', (l) => event(l) === 'stream_reconnected', 15_000);
  // The watchdog is 10 minutes here: the reconnect came from the expiry itself, with a new key.
  expect(Date.now() - expiredAt).toBeLessThan(15_000);
  expect(sim.stream.issuedKeys()).toBeGreaterThan(keysBefore);
  expect(service.lines().some((l) => event(l) === 'rest_hydration' && l.subject === 'reconnect')).toBe(true);
}, 40_000);

test('the listen key is kept alive: on a compressed clock (TTL 1.5 s, keepalive every 0.4 s) the stream outlives many TTLs', async () => {
  const sim = await venue(1_500);
  const service = start(sim, { LISTEN_KEY_REFRESH_MS: '400' });
  await service.waitForLine('service_ready', (l) => event(l) === 'service_ready');
  await sleep(5_000);
  expect(service.lines().filter((l) => event(l) === 'stream_disconnected')).toEqual([]);
  expect(sim.stream.keepalives()).toBeGreaterThanOrEqual(5);
  expect(alive(service)).toBe(true);
}, 30_000);

test('refused credentials at startup stop the start with one line and exit code 2', async () => {
  const sim = await venue();
  const service = runCli(['start'], envFor(sim, {
    EXECUTION_MODE: 'DRY_RUN_PRIVATE', API_KEY: 'not-the-key-the-venue-knows', STORE_PATH: join(mkdtempSync(join(tmpdir(), 'exstate-res-')), 'exstate.sqlite'),
  }));
  children.push(service);
  const code = await Promise.race([service.exited, sleep(20_000).then(() => -1)]);
  expect(code).toBe(2);
  const errors = service.stderr().trim().split('\n');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/^exstate: start failed: the venue refused the API key/);
}, 30_000);

test('a configured symbol the venue does not list stops the start with one line and exit code 2', async () => {
  const sim = await venue();
  const service = start(sim, { SYMBOLS: 'BTCUSDT,FOOBAR' });
  const code = await Promise.race([service.exited, sleep(20_000).then(() => -1)]);
  expect(code).toBe(2);
  expect(service.stderr().trim().split('\n')).toEqual(['exstate: configuration rejected: SYMBOLS="BTCUSDT,FOOBAR": the venue does not list FOOBAR']);
}, 30_000);
