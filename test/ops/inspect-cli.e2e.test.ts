// `exstate start --inspect` as an operator types it: the real command line in a child process
// against the simulator on 127.0.0.1. It prints the bridge URL (127.0.0.1, the port asked for or a
// free one), a viewer connecting there gets the account's actors, and the flags are checked before
// anything starts: a scope pattern it cannot use, a port that is not one, or inspector flags
// without `--inspect` stop the start with one line and exit code 2.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { envFor, runCli, type Child } from '../gates/spawn.js';
import { secretsIn } from './http-client.js';

let sim: Simulator;
const children: Child[] = [];
const env = () => envFor(sim, { EXECUTION_MODE: 'DRY_RUN_PRIVATE', STORE_PATH: join(mkdtempSync(join(tmpdir(), 'exstate-inspect-')), 'exstate.sqlite') });
const start = (args: string[]) => {
  const child = runCli(['start', ...args], env());
  children.push(child);
  return child;
};

beforeAll(async () => {
  sim = await startSimulator({ seed: 1, positionMode: 'hedge' });
  sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
});

afterAll(async () => {
  for (const c of children) await c.stop();
  await sim?.close();
});

test('--inspect prints the bridge URL on 127.0.0.1; a viewer there gets the account\'s actors', async () => {
  const service = start(['--inspect', '--inspect-port', '0', '--inspect-scopes', 'BTC*']);
  const line = await service.waitForLine('inspector_listening', (l) => l.msg === 'inspector_listening');
  expect(line).toMatchObject({ scopes: 'BTC*', level: 30 });
  const url = new URL(String(line.url));
  expect(url.hostname).toBe('127.0.0.1');
  expect(Number(url.port)).toBeGreaterThan(0);
  await service.waitForLine('service_ready', (l) => l.msg === 'service_ready');

  const texts: string[] = [];
  const viewer = new WebSocket(`ws://127.0.0.1:${url.port}/ws`);
  viewer.on('message', (d) => texts.push(String(d)));
  await new Promise((r) => viewer.once('open', r));
  const has = (name: string) => texts.some((t) => t.includes('"type":"@xstate.actor"') && t.includes(`"name":"${name}"`));
  const until = Date.now() + 10_000;
  while (!(has('account') && has('binance:linear:BTCUSDT:LONG') && has('mode')) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  expect([has('account'), has('binance:linear:BTCUSDT:LONG'), has('mode')]).toEqual([true, true, true]);
  await service.waitForLine('inspector_viewer_connected', (l) => l.msg === 'inspector_viewer_connected' && l.viewers === 1);
  viewer.close();
  await service.waitForLine('inspector_viewer_disconnected', (l) => l.msg === 'inspector_viewer_disconnected' && l.viewers === 0);

  expect(await service.stop()).toBe(0);
  expect(secretsIn(texts.join('\n') + service.stdout() + service.stderr(), sim)).toEqual([]);
});

test('inspector flags are checked before anything starts (exit 2, one line)', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--inspect-scopes', 'BTC*'], /--inspect-scopes and --inspect-port need --inspect/],
    [['--inspect', '--inspect-port', '70000'], /--inspect-port "70000": a port number/],
    [['--inspect', '--inspect-scopes', 'BTC(.*)'], /configuration rejected: --inspect-scopes "BTC\(\.\*\)"/],
  ];
  const runs = cases.map(([args]) => start(args)); // in parallel: each is a process start
  for (const [i, [, message]] of cases.entries()) {
    const child = runs[i]!;
    expect(await child.exited).toBe(2);
    expect(child.stderr()).toMatch(message);
    expect(child.stderr().trim().split('\n')).toHaveLength(1);
    expect(child.stdout()).not.toContain('inspector_listening');
  }
});
