// The startup banner: once the service is ready (its balance and position mode read from the
// venue), one `service_banner` line says the version, the execution mode, the venue, an account
// fingerprint (a short hash of the API key: never the key), the symbols, the strategy, the store,
// the position mode and the balance. Nothing in it, nor in any line printed, is a secret. And
// LOG_LEVEL reaches the logger: routine internals are journaled but not printed at info, and
// LOG_LEVEL=warn prints no info line.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { envFor, runEmbedded } from '../gates/spawn.js';
import { findLeaks } from '../secrets/leaks.js';

// Letters outside hex, so only knowing the values (not a shape rule) can find them.
const KEY = `XSKEYbannerPqRsTuVw${'Kz'.repeat(23)}`;
const SECRET = `XSSECRETbannerMnOp${'Wy'.repeat(23)}`;
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 5, positionMode: 'hedge', apiKey: KEY, secret: SECRET });
  sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
});
afterAll(async () => sim.close());

const listenKeys = () => [...(sim.stream as unknown as { keys: Map<string, unknown> }).keys.keys()];
const lines = (out: string) => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

test('the banner says what runs, for which account, and carries no secret', async () => {
  const store = join(mkdtempSync(join(tmpdir(), 'exstate-banner-')), 'exstate.sqlite');
  const service = runEmbedded({ ...envFor(sim), EXECUTION_MODE: 'DRY_RUN_PRIVATE', SYMBOLS: 'BTCUSDT', STORE_PATH: store, LOG_LEVEL: 'info' });
  const banner = await service.waitFor('service_banner', (r) => r.event === 'service_banner');
  await service.waitFor('a scope affected (journaled)', (r) => r.event === 'scope_affected');
  expect(await service.stop()).toBe(0);

  expect(banner).toMatchObject({
    version: VERSION, mode: 'DRY_RUN_PRIVATE', venue: 'binanceusdm', symbols: ['BTCUSDT'], store, positionMode: 'hedge',
    account: expect.stringMatching(/^[0-9a-f]{8}$/), strategy: 'TP 1% SL 2% DCA 1%:100%', balance: expect.stringMatching(/^\d+(\.\d+)? USDT/),
  });
  const out = service.output();
  expect(lines(out).filter((l) => l.msg === 'service_banner')).toHaveLength(1);
  const secrets: Array<[string, string]> = [['API_KEY', KEY], ['API_SECRET', SECRET], ...listenKeys().map((k) => ['LISTEN_KEY', k] as [string, string])];
  expect(listenKeys().length).toBeGreaterThan(0);
  expect(findLeaks(JSON.stringify(banner), secrets)).toEqual([]);
  expect(findLeaks(out, secrets)).toEqual([]);

  // Routine internals are journaled, but not printed at info.
  expect(lines(out).filter((l) => l.msg === 'scope_affected')).toEqual([]);
  expect(lines(out).some((l) => l.msg === 'service_ready')).toBe(true);
});

test('LOG_LEVEL=warn prints no info line (the records are still journaled)', async () => {
  const store = join(mkdtempSync(join(tmpdir(), 'exstate-banner-')), 'exstate.sqlite');
  const service = runEmbedded({ ...envFor(sim), EXECUTION_MODE: 'DRY_RUN_PRIVATE', SYMBOLS: 'BTCUSDT', STORE_PATH: store, LOG_LEVEL: 'warn' });
  await service.waitFor('service_banner', (r) => r.event === 'service_banner');
  expect(await service.stop()).toBe(0);
  expect(service.records.some((r) => r.event === 'service_ready')).toBe(true);
  const printed = lines(service.output());
  expect(printed.filter((l) => (l.level as number) < 40)).toEqual([]);
});
