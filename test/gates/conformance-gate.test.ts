// The DEMO/TESTNET/LIVE gates as functions: the conformance gate opens only for a complete and
// clean pack (every required check and lesson proven by a passing fixture, nothing failing), a
// bad pack path closes it with one line, and LIVE needs the operator's exact sentence on top.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../src/config/config-error.js';
import { LIVE_CONFIRMATION_TEXT, parseServiceConfig, shippedConformancePack } from '../../src/config/service-config.js';
import { parseStrategy } from '../../src/config/strategy-config.js';
import { REQUIRED_CHECKS, REQUIRED_LESSONS, missingRequired } from '../../src/conformance/required-checks.js';
import type { ConformanceReport } from '../../src/conformance/runner.js';
import { evaluateConformanceGate } from '../../src/ops/conformance-gate.js';
import { writesEnabled, type ExecutionMode, type RuntimeConfig } from '../../src/runtime/runtime-config.js';

const SHIPPED = resolve('fixtures/conformance');
const VERSION = 'exchange-state-management.workflow.v1';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'exstate-gate-'));
}

/** The public pack's first fixture alone: it passes, and it is one of the required checks. */
function onePassingFixturePack(): string {
  const doc = JSON.parse(readFileSync(join(SHIPPED, 'public-example.json'), 'utf8')) as { fixtures: Array<{ name: string }> };
  const fixture = doc.fixtures.find((f) => f.name === 'startup_hydrated_position_queues_work_before_service_ready')!;
  const file = join(tmp(), 'one.json');
  writeFileSync(file, JSON.stringify({ version: VERSION, fixtures: [fixture] }));
  return file;
}

const failingFixture = {
  name: 'deliberately_failing_fixture',
  intent: 'Expects a protective pass where there is nothing to do.',
  scope: { exchange: 'generic', product: 'linear', symbol: 'BTCUSDT', managedSide: 'LONG' },
  initial: {},
  steps: [{ type: 'planner_tick', atMs: 1 }],
  expect: { actionFamily: 'protective' },
};

/** A report where every named fixture passed (and the `failing` ones failed). */
function report(passing: readonly string[], failing: readonly string[] = []): ConformanceReport {
  const fixtures = [
    ...passing.map((name) => ({ file: 'x.json', name, passed: true, failures: [], violations: [] })),
    ...failing.map((name) => ({ file: 'x.json', name, passed: false, failures: ['expected'], violations: [] })),
  ];
  return { passed: passing.length, failed: failing.length, fixtures };
}
const everyRequired = () => [...REQUIRED_CHECKS, ...REQUIRED_LESSONS.map((l) => `${l}fixture`)];
const fake = (r: ConformanceReport) => async () => r;

describe('the conformance gate needs the full required-check set', () => {
  test('a pack holding one passing fixture does NOT open the gate (it used to: failed === 0 and one fixture)', async () => {
    const gate = await evaluateConformanceGate(onePassingFixturePack());
    expect(gate.passed).toBe(1);
    expect(gate.failed).toBe(0);
    expect(gate.open).toBe(false);
    expect(gate.missing).toHaveLength(REQUIRED_CHECKS.length - 1 + REQUIRED_LESSONS.length);
    expect(gate.reason).toMatch(/required check\(s\) without a passing fixture/);
  });

  test('the shipped pack opens it', async () => {
    const gate = await evaluateConformanceGate(SHIPPED);
    expect(gate).toMatchObject({ open: true, failed: 0, missing: [] });
    expect(gate.passed).toBeGreaterThanOrEqual(REQUIRED_CHECKS.length + REQUIRED_LESSONS.length);
  });

  test('the shipped pack plus one failing fixture keeps it closed', async () => {
    const dir = tmp();
    for (const f of readdirSync(SHIPPED).filter((n) => n.endsWith('.json'))) copyFileSync(join(SHIPPED, f), join(dir, f));
    writeFileSync(join(dir, 'zz-failing.json'), JSON.stringify({ version: VERSION, fixtures: [failingFixture] }));
    const gate = await evaluateConformanceGate(dir);
    expect(gate.open).toBe(false);
    expect(gate.missing).toEqual([]);
    expect(gate.failedFixtures).toEqual(['deliberately_failing_fixture']);
    expect(gate.reason).toBe('1 fixture(s) failed: deliberately_failing_fixture');
  });

  test('every required check and lesson counts: any one missing keeps it closed', async () => {
    const all = everyRequired();
    expect((await evaluateConformanceGate(SHIPPED, fake(report(all)))).open).toBe(true);
    for (const dropped of all) {
      const gate = await evaluateConformanceGate(SHIPPED, fake(report(all.filter((n) => n !== dropped))));
      expect({ dropped, open: gate.open }).toEqual({ dropped, open: false });
    }
  });

  test('a required check proven only by a FAILING fixture is missing; suffixes count, prefixes of other names do not', async () => {
    const all = everyRequired();
    const [first, ...rest] = all;
    const gate = await evaluateConformanceGate(SHIPPED, fake(report(rest, [first!])));
    expect(gate.open).toBe(false);
    expect(gate.missing).toEqual([first]);
    expect(missingRequired([`${REQUIRED_CHECKS[0]}_with_suffix`])).not.toContain(REQUIRED_CHECKS[0]);
    expect(missingRequired([`${REQUIRED_CHECKS[0]}extra`])).toContain(REQUIRED_CHECKS[0]);
  });

  test('an empty pack, or a runner that throws, keeps it closed with one line', async () => {
    const empty = await evaluateConformanceGate(SHIPPED, fake(report([])));
    expect(empty.open).toBe(false);
    const thrown = await evaluateConformanceGate(SHIPPED, async () => {
      throw new Error('boom\n    at somewhere (file.ts:1:1)');
    });
    expect(thrown.open).toBe(false);
    expect(thrown.reason).toMatch(/could not be run: boom$/);
  });
});

describe('a bad pack path closes the gate with one line', () => {
  test.each([
    ['missing', () => join(tmp(), 'no-such-pack'), /cannot be read \(ENOENT\)/],
    ['relative', () => 'fixtures/conformance', /is not an absolute path/],
    ['empty', () => '', /is not an absolute path/],
  ])('%s', async (_what, path, reason) => {
    const gate = await evaluateConformanceGate(path());
    expect(gate.open).toBe(false);
    expect(gate.reason).toMatch(reason);
    expect(gate.reason).not.toContain('\n');
    expect(gate.reason).not.toMatch(/\bat .*:\d+:\d+/);
  });

  test('unreadable: a file that is not a pack', async () => {
    const file = join(tmp(), 'garbage.json');
    writeFileSync(file, '{ not json');
    const gate = await evaluateConformanceGate(file);
    expect(gate.open).toBe(false);
    expect(gate.failedFixtures).toEqual(['(file)']);
    expect(gate.reason).not.toContain('\n');
  });

  test('unreadable: a path through a file (ENOTDIR), which even root cannot read', async () => {
    const file = join(tmp(), 'plain.json');
    writeFileSync(file, '{}');
    const gate = await evaluateConformanceGate(join(file, 'pack.json'));
    expect(gate.open).toBe(false);
    expect(gate.reason).not.toContain('\n');
    expect(gate.reason).toMatch(/pack/i);
  });

  test('a blank CONFORMANCE_PACK means the shipped pack, as an absolute path', () => {
    const c = parseServiceConfig({ TAKE_PROFIT_PCT: '1', STOP_LOSS_PCT: '2', DCA_STEPS: '1:100', CONFORMANCE_PACK: ' ' });
    expect(c.conformancePack).toBe(shippedConformancePack());
    expect(c.conformancePack).toBe(SHIPPED);
  });
});

describe('writesEnabled: every gate is needed', () => {
  const config = (mode: ExecutionMode, conformancePassed: boolean, liveConfirmed: boolean): RuntimeConfig => ({
    exchange: 'binance', product: 'linear', positionMode: 'hedge', mode, configuredSymbols: [],
    strategy: parseStrategy({ takeProfitPct: '1', stopLossPct: '2', dca: [] }),
    eventBurstMs: 150, maxBurstDelayMs: 1000, confirmationTimeoutMs: 5000, heartbeatTimeoutMs: 0,
    gates: { conformancePassed, liveConfirmed },
  });
  test.each([
    ['public', true, true, false], ['read_only', true, true, false], ['dry_run', true, true, false],
    ['demo', false, true, false], ['testnet', false, true, false], ['live', false, true, false],
    ['demo', true, false, true], ['testnet', true, false, true],
    ['live', true, false, false], ['live', true, true, true],
  ] as const)('%s, conformance passed %s, live confirmed %s: writes %s', (mode, passed, confirmed, expected) => {
    expect(writesEnabled(config(mode, passed, confirmed))).toBe(expected);
  });
});

describe('LIVE needs the exact confirmation sentence', () => {
  const live = { TAKE_PROFIT_PCT: '1', STOP_LOSS_PCT: '2', DCA_STEPS: '1:100', EXECUTION_MODE: 'LIVE', VENUE: 'binanceusdm',
    VENUE_REST_URL: 'http://127.0.0.1:1', VENUE_WS_URL: 'ws://127.0.0.1:1', API_KEY: 'gate-test-key', API_SECRET: 'gate-test-secret' };
  test.each([
    ['absent', undefined],
    ['empty', ''],
    ['lower case', LIVE_CONFIRMATION_TEXT.toLowerCase()],
    ['with a full stop', `${LIVE_CONFIRMATION_TEXT}.`],
    ['with spaces around', ` ${LIVE_CONFIRMATION_TEXT} `],
    ['yes', 'yes'],
  ])('%s: rejected before anything starts, without echoing the value', (_what, value) => {
    let error: unknown;
    try {
      parseServiceConfig({ ...live, ...(value === undefined ? {} : { LIVE_CONFIRMATION: value }) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('LIVE_CONFIRMATION');
    expect((error as ConfigError).value).toBe(value ? '[set]' : undefined);
  });
  test('the exact sentence confirms LIVE; the conformance gate still starts closed until the pack is run', () => {
    const c = parseServiceConfig({ ...live, LIVE_CONFIRMATION: LIVE_CONFIRMATION_TEXT });
    expect(c.runtime.gates).toEqual({ liveConfirmed: true, conformancePassed: false });
    expect(writesEnabled(c.runtime)).toBe(false);
  });
  test('DEMO and TESTNET are never "live confirmed" by accident', () => {
    for (const mode of ['DEMO', 'TESTNET']) {
      expect(parseServiceConfig({ ...live, EXECUTION_MODE: mode }).runtime.gates.liveConfirmed).toBe(false);
    }
  });
});
