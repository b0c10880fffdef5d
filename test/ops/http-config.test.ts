// HTTP_PORT: validated like every other variable (one line naming it and the value, exit code 2),
// `0` turns the server off, the default is 8787; `npm start`'s embedded profile still starts and
// prints the URL once; a port another process holds is a warning, not a stop.
import { resolve } from 'node:path';
import { createServer, type Server } from 'node:net';
import { ConfigError } from '../../src/config/config-error.js';
import { DEFAULT_HTTP_PORT, parseServiceConfig } from '../../src/config/service-config.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { envFor, runCli, runEmbedded, type Child, type Embedded } from '../gates/spawn.js';

const BASE = { VENUE: 'sim', TAKE_PROFIT_PCT: '1', STOP_LOSS_PCT: '2' };
const children: Child[] = [];
const embedded: Embedded[] = [];
const sims: Simulator[] = [];
const servers: Server[] = [];

afterAll(async () => {
  await Promise.all([...children.map((c) => c.stop()), ...embedded.map((e) => e.stop())]);
  await Promise.all(sims.map((s) => s.close()));
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

test('the default is 8787, 0 turns it off, a port number is taken as it is', () => {
  expect(DEFAULT_HTTP_PORT).toBe(8787);
  expect(parseServiceConfig({ ...BASE }).httpPort).toBe(8787);
  expect(parseServiceConfig({ ...BASE, HTTP_PORT: '' }).httpPort).toBe(8787);
  expect(parseServiceConfig({ ...BASE, HTTP_PORT: '0' }).httpPort).toBe(0);
  expect(parseServiceConfig({ ...BASE, HTTP_PORT: ' 9100 ' }).httpPort).toBe(9100);
  expect(parseServiceConfig({ ...BASE, HTTP_PORT: '65535' }).httpPort).toBe(65535);
});

test.each(['abc', '-1', '65536', '80.5', '1e3', '0x50', '8787 8788'])('HTTP_PORT=%j is refused, naming the variable and the value', (value) => {
  let error: unknown;
  try {
    parseServiceConfig({ ...BASE, HTTP_PORT: value });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect(error).toMatchObject({ field: 'HTTP_PORT', value });
  expect((error as ConfigError).reason).toMatch(/port/);
});

test('`exstate start` with a bad HTTP_PORT: one line, exit code 2, before anything starts', async () => {
  const child = runCli(['start'], { ...BASE, EXECUTION_MODE: 'DRY_RUN_PRIVATE', HTTP_PORT: '70000' });
  children.push(child);
  expect(await child.exited).toBe(2);
  expect(child.stderr().trim().split('\n')).toEqual(['exstate: configuration rejected: HTTP_PORT="70000": expected a port number from 0 to 65535 (0 turns the HTTP server off)']);
  expect(child.stdout()).not.toMatch(/service_starting|http_listening/);
});

test('embedded: a bad HTTP_PORT is the same one line and exit code 2', async () => {
  const service = runEmbedded({ ...BASE, HTTP_PORT: 'eighty' });
  embedded.push(service);
  expect(await service.exited).toBe(2);
  expect(service.output().trim().split('\n')).toEqual(['exstate: configuration rejected: HTTP_PORT="eighty": expected a port number from 0 to 65535 (0 turns the HTTP server off)']);
});

test('HTTP_PORT=0: the service runs without an HTTP server', async () => {
  const sim = await startSimulator({ seed: 1 });
  sims.push(sim);
  sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
  const service = runEmbedded(envFor(sim, { EXECUTION_MODE: 'DRY_RUN_PRIVATE', HTTP_PORT: '0' }));
  embedded.push(service);
  await service.waitFor('service_ready', (r) => r.event === 'service_ready');
  expect(service.records.filter((r) => r.event.startsWith('http_'))).toEqual([]);
  expect(await service.stop()).toBe(0);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

test('`exstate start --profile profiles/embedded.env` (npm start) serves the API and prints the URL once', async () => {
  const port = await freePort();
  const child = runCli(['start', '--profile', resolve('profiles/embedded.env')], { HTTP_PORT: String(port) });
  children.push(child);
  // The banner (once the service is ready) prints the URL; nothing else does at the default level.
  const banner = await child.waitForLine('service_banner', (l) => l.msg === 'service_banner', 60_000);
  expect(banner.http).toBe(`http://127.0.0.1:${port}`);
  const status = (await (await fetch(`http://127.0.0.1:${port}/api/status`)).json()) as Record<string, unknown>;
  expect(status).toMatchObject({ ready: true, mode: 'NORMAL', venue: 'sim', executionMode: 'dry_run' });
  const scopes = (await (await fetch(`http://127.0.0.1:${port}/api/scopes`)).json()) as { scopes: Array<{ symbol: string; position: { size: string } | null }> };
  expect(scopes.scopes.find((s) => s.symbol === 'BTCUSDT')?.position?.size).toBeDefined();
  expect(child.stdout().split('\n').filter((l) => l.includes(`127.0.0.1:${port}`))).toHaveLength(1);
  expect(await child.stop()).toBe(0);
});

test('a port another process holds: a warning, and the service runs on without HTTP', async () => {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  servers.push(holder);
  const port = (holder.address() as { port: number }).port;
  const sim = await startSimulator({ seed: 1 });
  sims.push(sim);
  sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
  const service = runEmbedded(envFor(sim, { EXECUTION_MODE: 'DRY_RUN_PRIVATE', HTTP_PORT: String(port) }));
  embedded.push(service);
  const failed = await service.waitFor('http_failed', (r) => r.event === 'http_failed');
  expect(String(failed.reason)).toMatch(/EADDRINUSE/);
  await service.waitFor('service_ready', (r) => r.event === 'service_ready');
  expect(await service.stop()).toBe(0);
});
