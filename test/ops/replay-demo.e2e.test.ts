// Deterministic replay of a real demo run (issue 12 item 7). The real service (`startService`, what
// `exstate start --profile profiles/demo.env` runs: the built-in simulator through real ccxt, DEMO
// mode) plays the demo until the DCA step has filled and protection has been re-derived (places,
// a fill, an amend and a cancel); its audit journal then replays through the real runtime with
// zero differences, from the SQLite file (through the real command line too) and from the JSONL
// files. An edited journal is caught: a recorded submission's trigger changed is a decision
// difference at that seq, a private row removed leaves the decisions it caused missing. `--until`
// and `--scope` narrow what is compared; what cannot be replayed is exit code 2. A second run on
// the store the first left (its contexts restored and looked up) replays too. A dry run still
// writes no journal and records nothing to replay.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'dotenv';
import { auditPaths } from '../../src/ops/audit/audit-journal.js';
import { replayCommand } from '../../src/ops/replay/replay-cli.js';
import { replayJournal } from '../../src/ops/replay/replay-runner.js';
import type { JournalRecord } from '../../src/runtime/journal.js';
import { runCli, runEmbedded } from '../gates/spawn.js';

interface Line {
  seq: number;
  runId: string;
  event: string;
  body: Record<string, unknown> & { args?: { action?: string; slot?: string; intent?: Record<string, unknown> }; item?: Record<string, unknown> };
}

const demoEnv = (store: string, extra: Record<string, string> = {}) => ({ ...parse(readFileSync('profiles/demo.env', 'utf8')), STORE_PATH: store, ...extra });

let store: string;
let runId: string;
let records: JournalRecord[];
let lines: Line[];
const tmp = mkdtempSync(join(tmpdir(), 'exstate-replay-'));

beforeAll(async () => {
  store = join(tmp, 'data', 'demo.sqlite');
  const service = runEmbedded(demoEnv(store));
  try {
    // The old stop is cancelled once the DCA fill has re-derived protection (about 9 s into the demo).
    const cancel = await service.waitFor('a cancel', (r) => r.event === 'venue_request' && r.kind === 'submit' && (r.args as { action?: string }).action === 'cancel', 90_000);
    await service.waitFor('its answer', (r) => r.event === 'venue_response' && r.call === cancel.call, 15_000);
  } finally {
    expect(await service.stop()).toBe(0);
  }
  records = service.records;
  const dir = auditPaths(store).dir;
  lines = readdirSync(dir).sort().flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line));
  runId = lines[0]!.runId;
}, 150_000);

/** Writes journal lines to a new JSONL file and returns its path. */
function writeJournal(name: string, rows: Line[]): string {
  const path = join(tmp, name);
  writeFileSync(path, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return path;
}

const submits = () => lines.filter((l) => l.event === 'venue_request' && l.body.kind === 'submit');

/** The journal with the trigger of the last recorded stop placement changed. */
function tampered(): { path: string; seq: number } {
  const target = submits().filter((l) => l.body.args!.action === 'place' && l.body.args!.slot === 'SL').at(-1)!;
  const rows = lines.map((l) => (l.seq !== target.seq ? l : JSON.parse(JSON.stringify(l).replace(/"triggerPrice":\{"\$d":"[0-9.]+"\}/, '"triggerPrice":{"$d":"60000"}')) as Line));
  expect(JSON.stringify(rows)).toContain('"$d":"60000"');
  return { path: writeJournal('tampered.jsonl', rows), seq: target.seq };
}

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  return { stream: new Writable({ write(chunk, _e, done) { text += String(chunk); done(); } }), text: () => text };
}

test('the demo run recorded placements, a fill, an amend and a cancel, and replays with zero differences', async () => {
  const actions = submits().map((l) => l.body.args!.action);
  expect(actions.filter((a) => a === 'place').length).toBeGreaterThanOrEqual(4);
  expect(actions).toEqual(expect.arrayContaining(['amend', 'cancel']));
  expect(lines.some((l) => l.event === 'venue_stream_item' && l.body.item!.kind === 'execution')).toBe(true);
  expect(records.some((r) => r.event === 'dca_step_consumed')).toBe(true);
  // Every input and decision reached the audit journal as it was recorded in memory.
  expect(lines.map((l) => l.seq)).toEqual(records.map((r) => r.seq));

  const started = Date.now();
  const report = await replayJournal(auditPaths(store).db, { runId });
  expect(report.differences).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.decisions).toBe(submits().length);
  expect(report.inputs).toBe(lines.filter((l) => l.event === 'venue_stream_item' || l.event === 'venue_response').length);
  expect(Date.now() - started).toBeLessThan(15_000);

  // The JSONL directory holds the same run, and the store's path names its journal: the same report.
  expect(await replayJournal(auditPaths(store).dir, { runId })).toEqual(report);
  expect(await replayJournal(store, { runId })).toEqual(report);
});

test('the command line replays the demo journal: exit 0, zero differences', async () => {
  const cli = runCli(['replay', auditPaths(store).db, '--run', runId.slice(0, 8)], {});
  expect(await cli.exited).toBe(0);
  expect(cli.stdout()).toMatch(/^replay: OK: run [0-9a-f-]+, seq \d+\.\.\d+, \d+ inputs fed, \d+ decisions and \d+ reads compared, 0 difference\(s\)\n$/);
  expect(cli.stderr()).toBe('');
}, 60_000);

test('a recorded submission edited in the journal is a decision difference at its seq (exit 1)', async () => {
  const { path, seq } = tampered();
  const out = capture();
  expect(await replayCommand(path, {}, out.stream, out.stream)).toBe(1);
  expect(out.text()).toContain(`seq ${seq} binance:linear:BTCUSDT:LONG: decision differs: the run made "place SL SELL STOP_MARKET trigger 60000`);
  const report = await replayJournal(path);
  expect(report.differences).toEqual([expect.objectContaining({ seq, kind: 'decision', what: 'differs', call: 'submit', scope: 'binance:linear:BTCUSDT:LONG' })]);
  expect(report.differences[0]!.actual).not.toContain('60000');
});

test('a private row removed from the journal leaves the decisions it caused missing', async () => {
  // The position row that says the DCA step doubled the position: protection is re-derived from it.
  const removed = lines.find((l) => l.event === 'venue_stream_item' && l.body.item!.kind === 'position' && JSON.stringify(l.body.item).includes('"size":{"$d":"0.02"}'))!;
  expect(removed).toBeDefined();
  const report = await replayJournal(writeJournal('removed.jsonl', lines.filter((l) => l !== removed)));
  expect(report.ok).toBe(false);
  expect(report.differences.length).toBeGreaterThan(0);
  for (const d of report.differences) expect(d.seq).toBeGreaterThan(removed.seq);
  expect(report.differences).toContainEqual(expect.objectContaining({ kind: 'decision', what: 'missing', expected: expect.stringMatching(/^place SL /) }));
});

test('--until feeds the record up to a seq: before the edit nothing differs, from it the edit shows', async () => {
  const { path, seq } = tampered();
  const before = await replayJournal(path, { until: seq - 1 });
  expect(before).toMatchObject({ ok: true, differences: [], toSeq: seq - 1 });
  expect(before.decisions).toBe(submits().filter((l) => l.seq < seq).length);
  const upTo = await replayJournal(path, { until: seq });
  expect(upTo.differences).toEqual([expect.objectContaining({ seq, what: 'differs' })]);
});

test('--scope compares only that scope\'s calls', async () => {
  const { path, seq } = tampered();
  const other = await replayJournal(path, { scope: 'ETHUSDT' });
  expect(other).toMatchObject({ ok: true, decisions: 0, differences: [] });
  const mine = await replayJournal(path, { scope: 'BTCUSDT:LONG' });
  expect(mine.decisions).toBe(submits().length);
  expect(mine.differences).toEqual([expect.objectContaining({ seq })]);
});

test('what cannot be replayed is exit code 2 with one line on stderr', async () => {
  const noBaseline = writeJournal('no-baseline.jsonl', lines.filter((l) => l.event !== 'replay_baseline'));
  for (const [path, opts, message] of [
    [join(tmp, 'nothing-here.sqlite'), {}, /no audit journal at/],
    [noBaseline, {}, /recorded a replay baseline/],
    [auditPaths(store).db, { until: 'soon' }, /--until "soon": not a sequence number/],
    [auditPaths(store).db, { run: 'no-such-run' }, /no run no-such-run/],
  ] as const) {
    const out = capture();
    const err = capture();
    expect(await replayCommand(path, opts, out.stream, err.stream)).toBe(2);
    expect(out.text()).toBe('');
    expect(err.text()).toMatch(message);
    expect(err.text().trim().split('\n')).toHaveLength(1);
  }
});

test('a dry run still writes no journal and records nothing to replay', async () => {
  const root = mkdtempSync(join(tmpdir(), 'exstate-replay-dry-'));
  const dryStore = join(root, 'data', 'demo.sqlite');
  const service = runEmbedded(demoEnv(dryStore, { EXECUTION_MODE: 'DRY_RUN_PRIVATE' }));
  await service.waitFor('service_ready', (r) => r.event === 'service_ready', 60_000);
  expect(await service.stop()).toBe(0);
  expect(service.records.filter((r) => ['replay_baseline', 'venue_request', 'venue_response', 'venue_stream_item', 'replay_jitter'].includes(r.event))).toEqual([]);
  expect(existsSync(auditPaths(dryStore).db)).toBe(false);
  expect(readdirSync(root)).toEqual([]);
}, 90_000);

// Last: it adds a second run to the journal the tests above read (they name the first run anyway).
test('a run that starts on the store an earlier run left (contexts to look up) replays with zero differences', async () => {
  const service = runEmbedded(demoEnv(store));
  try {
    await service.waitFor('the new stop and take-profit answered', () => service.records.filter((r) => r.event === 'venue_response' && r.kind === 'submit').length >= 2, 90_000);
  } finally {
    expect(await service.stop()).toBe(0);
  }
  const baseline = service.records.find((r) => r.event === 'replay_baseline')!;
  expect((baseline.store as unknown[]).length).toBeGreaterThan(0);
  const lookups = service.records.filter((r) => r.event === 'venue_request' && r.kind === 'lookup').length;
  expect(lookups).toBeGreaterThan(1);
  const report = await replayJournal(store);
  expect(report.runId).not.toBe(runId);
  expect(report).toMatchObject({ ok: true, differences: [] });
  expect(report.reads).toBeGreaterThan(lookups);
}, 120_000);
