// The gates through the real entry points: `node bin/exstate.js start` in a child process, and
// `startService` (what `start` runs) in this process with its output captured, both against the
// simulator reached through the configured URLs and the real ccxt client, and observed AT THE
// VENUE: the simulator's books and a count of every order mutation that reached it. A write mode
// whose configured pack is incomplete or unreadable plans (request_planned) but never submits;
// LIVE without the exact sentence does not start at all; the shipped pack opens the gate (the
// positive control: the same setup does place SL and TP, so "nothing" above means something).
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LIVE_CONFIRMATION_TEXT } from '../../src/config/service-config.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import type { JournalRecord } from '../../src/runtime/journal.js';
import { countMutations, envFor, runCli, runEmbedded, type Child, type Embedded } from './spawn.js';

const SHIPPED = resolve('fixtures/conformance');
const sims: Simulator[] = [];
const children: Child[] = [];
const embedded: Embedded[] = [];

afterAll(async () => {
  await Promise.all([...children.map((c) => c.stop()), ...embedded.map((e) => e.stop())]);
  await Promise.all(sims.map((s) => s.close()));
});

async function venue(): Promise<{ sim: Simulator; mutations: () => number }> {
  const sim = await startSimulator({ seed: 1, positionMode: 'hedge' });
  sim.engine.seedPosition('BTCUSDT', 'LONG', '0.01', '65000');
  sims.push(sim);
  return { sim, mutations: countMutations(sim) };
}

function onePassingFixturePack(): string {
  const doc = JSON.parse(readFileSync(join(SHIPPED, 'public-example.json'), 'utf8')) as { version: string; fixtures: Array<{ name: string }> };
  const file = join(mkdtempSync(join(tmpdir(), 'exstate-gate-')), 'one.json');
  writeFileSync(file, JSON.stringify({ version: doc.version, fixtures: doc.fixtures.slice(0, 1) }));
  return file;
}

const storePath = () => join(mkdtempSync(join(tmpdir(), 'exstate-gate-store-')), 'exstate.sqlite');

function spawnStart(sim: Simulator, extra: Record<string, string>): Child {
  const child = runCli(['start'], envFor(sim, { STORE_PATH: storePath(), ...extra }));
  children.push(child);
  return child;
}

function embed(sim: Simulator, extra: Record<string, string>): Embedded {
  const service = runEmbedded(envFor(sim, { STORE_PATH: storePath(), ...extra }));
  embedded.push(service);
  return service;
}

const appOrders = (sim: Simulator) => {
  const b = sim.engine.snapshot();
  return [...b.orders.filter((o) => o.owner === 'api'), ...b.algoOrders.filter((a) => a.owner === 'api')];
};

type Line = Record<string, unknown>;

/** Waits until the service planned the SL it would send, then a little longer: nothing reached the venue. */
async function plannedButNothingSent(records: () => Line[], waitFor: (what: string, p: (l: Line) => boolean) => Promise<Line>, sim: Simulator, mutations: () => number): Promise<Line> {
  const gate = await waitFor('conformance_gate', (l) => (l.msg ?? l.event) === 'conformance_gate');
  await waitFor('service_ready', (l) => (l.msg ?? l.event) === 'service_ready');
  await waitFor('request_planned for SL', (l) => (l.msg ?? l.event) === 'request_planned' && l.slot === 'SL');
  await new Promise((r) => setTimeout(r, 700));
  expect(mutations()).toBe(0);
  expect(appOrders(sim)).toEqual([]);
  const lines = records();
  expect(lines.filter((l) => (l.msg ?? l.event) === 'submission_sent')).toEqual([]);
  expect(lines.filter((l) => (l.msg ?? l.event) === 'request_planned').every((l) => l.wouldSubmit === false)).toBe(true);
  return gate;
}

const viaCli = (c: Child) => [() => c.lines(), (what: string, p: (l: Line) => boolean) => c.waitForLine(what, p)] as const;
const viaJournal = (e: Embedded) => [() => e.records as Line[], (what: string, p: (l: Line) => boolean) => e.waitFor(what, p as (r: JournalRecord) => boolean) as Promise<Line>] as const;
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at \S+ \(/);

test('DEMO through the command line: a pack of one passing fixture (which the old rule accepted) does not open the gate', async () => {
  const { sim, mutations } = await venue();
  const child = spawnStart(sim, { EXECUTION_MODE: 'DEMO', CONFORMANCE_PACK: onePassingFixturePack() });
  const gate = await plannedButNothingSent(...viaCli(child), sim, mutations);
  expect(gate).toMatchObject({ open: false, passed: 1, failed: 0 });
  expect(gate.reason).toMatch(/^\d+ required check\(s\) without a passing fixture: /);
  expect(child.lines().filter((l) => l.msg === 'conformance gate closed: venue writes stay off')).toHaveLength(1);
  expect(await child.stop()).toBe(0);
  noStack(child.stdout() + child.stderr());
});

test('LIVE without the exact sentence does not start: one line, exit code 2, nothing reaches the venue', async () => {
  const { sim, mutations } = await venue();
  const child = spawnStart(sim, { EXECUTION_MODE: 'LIVE', LIVE_CONFIRMATION: `${LIVE_CONFIRMATION_TEXT}.`, CONFORMANCE_PACK: SHIPPED });
  expect(await child.exited).toBe(2);
  expect(child.stderr().trim().split('\n')).toEqual([
    `exstate: configuration rejected: LIVE_CONFIRMATION="[set]": LIVE needs LIVE_CONFIRMATION set to exactly "${LIVE_CONFIRMATION_TEXT}"`,
  ]);
  expect(child.stdout()).toBe('');
  expect(mutations()).toBe(0);
  expect(appOrders(sim)).toEqual([]);
});

test('TESTNET and LIVE (confirmed) never submit with a missing, relative or incomplete pack; DEMO with the shipped pack does', async () => {
  const [testnet, live, liveRelative, control] = await Promise.all([venue(), venue(), venue(), venue()]);
  const services = {
    testnet: embed(testnet.sim, { EXECUTION_MODE: 'TESTNET', CONFORMANCE_PACK: join(tmpdir(), 'exstate-no-such-pack') }),
    live: embed(live.sim, { EXECUTION_MODE: 'LIVE', LIVE_CONFIRMATION: LIVE_CONFIRMATION_TEXT, CONFORMANCE_PACK: onePassingFixturePack() }),
    // The shipped pack named by a relative path: it would depend on the working directory.
    liveRelative: embed(liveRelative.sim, { EXECUTION_MODE: 'LIVE', LIVE_CONFIRMATION: LIVE_CONFIRMATION_TEXT, CONFORMANCE_PACK: 'fixtures/conformance' }),
    // Positive control: CONFORMANCE_PACK blank means the shipped pack.
    control: embed(control.sim, { EXECUTION_MODE: 'DEMO' }),
  };
  const [gTestnet, gLive, gRelative] = await Promise.all([
    plannedButNothingSent(...viaJournal(services.testnet), testnet.sim, testnet.mutations),
    plannedButNothingSent(...viaJournal(services.live), live.sim, live.mutations),
    plannedButNothingSent(...viaJournal(services.liveRelative), liveRelative.sim, liveRelative.mutations),
  ]);
  expect(gTestnet).toMatchObject({ open: false });
  expect(gTestnet.reason).toMatch(/^CONFORMANCE_PACK=".*exstate-no-such-pack" cannot be read \(ENOENT\)$/);
  expect(gLive).toMatchObject({ open: false, passed: 1, failed: 0 });
  expect(gRelative).toMatchObject({ open: false, reason: 'CONFORMANCE_PACK="fixtures/conformance" is not an absolute path (leave it blank for the shipped pack)' });

  const gControl = await services.control.waitFor('conformance_gate', (r) => r.event === 'conformance_gate');
  expect(gControl).toMatchObject({ open: true, failed: 0, pack: SHIPPED });
  await services.control.waitFor('SL confirmed', (r) => r.event === 'confirmation_matched' && r.slot === 'SL');
  expect(control.mutations()).toBeGreaterThanOrEqual(2);
  expect(appOrders(control.sim).length).toBeGreaterThanOrEqual(2);

  for (const s of Object.values(services)) {
    expect(await s.stop()).toBe(0);
    noStack(s.output());
  }
});
