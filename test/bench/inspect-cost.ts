// What the Stately inspector (`exstate start --inspect`) costs in ingest throughput, measured:
// `npx tsx test/bench/inspect-cost.ts` (not part of `npm run bench`; docs/OPERATIONS.md quotes
// its figures). The ingest harness of run.ts (a bench venue, the stepping clock, rows fed to the
// router in chunks with every burst wait fired) on a fresh runtime per run, under four
// conditions: no inspector; the inspector listening with no viewer (nothing attached); one
// viewer (a WebSocket client in a child process, as a browser would be) with every scope shown;
// one viewer with `--inspect-scopes` narrowed to a few symbols. A run with a viewer ends when the
// last deferred conversion has been handed to the relay. Prints rows/s, min/median/max.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { startInspector, type Inspector } from '../../src/ops/inspect/inspector.js';
import { benchRuntime } from './bench-runtime.js';
import { rowMix, symbolsFor } from './rows.js';

const SYMBOLS = 200;
const ROWS = 20_000;
const REPEATS = 5;
const CHUNK = 2_000;

type Condition = 'no inspector' | 'inspector, no viewer' | 'one viewer, all scopes' | 'one viewer, --inspect-scopes S000*';
const CONDITIONS: Condition[] = ['no inspector', 'inspector, no viewer', 'one viewer, all scopes', 'one viewer, --inspect-scopes S000*'];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const makeRuntime = (symbols: string[]) => benchRuntime(symbols, 'dry_run');

/** A viewer in its own process (a browser is one): connects, counts what it receives, says so on exit. */
function startViewer(url: string): Promise<{ child: ChildProcess; received: () => Promise<number> }> {
  const code = `const WebSocket = require('ws'); let n = 0;
const ws = new WebSocket(${JSON.stringify(`${url.replace(/^http/, 'ws')}ws`)});
ws.on('open', () => process.stdout.write('open\\n'));
ws.on('message', () => n++);
process.stdin.on('data', () => { process.stdout.write('count ' + n + '\\n'); });`;
  const child = spawn(process.execPath, ['-e', code], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += String(c)));
  return new Promise((resolve) => {
    const check = setInterval(() => {
      if (!out.includes('open')) return;
      clearInterval(check);
      resolve({
        child,
        received: async () => {
          child.stdin!.write('?\n');
          while (!/count \d+/.test(out)) await sleep(10);
          return Number(/count (\d+)/.exec(out)![1]);
        },
      });
    }, 10);
  });
}

interface Run { rowsPerSec: number; wireEvents: number; received: number; dropped: boolean }

async function run(condition: Condition, rows: ReturnType<typeof rowMix>, symbols: string[]): Promise<Run> {
  const { runtime, journal, advance, drain } = await makeRuntime(symbols);
  let inspector: Inspector | undefined;
  let viewer: Awaited<ReturnType<typeof startViewer>> | undefined;
  let dropped = false;
  journal.subscribe((r) => {
    if (r.event === 'inspector_viewer_disconnected' && r.reason === 'slow') dropped = true;
  });
  if (condition !== 'no inspector') {
    const scopes = condition.includes('--inspect-scopes') ? 'S000*' : '*';
    inspector = await startInspector(runtime, journal, { port: 0, scopes });
    if (!inspector) throw new Error('the inspector did not start');
    if (condition.startsWith('one viewer')) {
      viewer = await startViewer(inspector.url);
      while (!inspector.attachment.attached) await sleep(5);
      await sleep(50); // the replay of the few actors that exist before the rows
    }
  }
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += CHUNK) {
    for (let j = i; j < Math.min(rows.length, i + CHUNK); j++) runtime.router.ingest(rows[j]!);
    await advance(150);
  }
  await drain();
  // With a viewer, the work is done when every deferred conversion has reached the relay.
  while (inspector && inspector.attachment.stats().forwarded > inspector.attachment.stats().delivered) await sleep(1);
  const ms = performance.now() - t0;
  const wireEvents = inspector?.attachment.stats().delivered ?? 0;
  await sleep(200); // let the viewer catch up before it is asked
  const received = viewer ? await viewer.received() : 0;
  viewer?.child.kill();
  await inspector?.close();
  await runtime.stop();
  return { rowsPerSec: rows.length / (ms / 1000), wireEvents, received, dropped };
}

const symbols = symbolsFor(SYMBOLS);
const rows = rowMix(symbols, ROWS);
process.stdout.write(`inspect-cost: ${ROWS} rows over ${SYMBOLS * 2} scopes, ${REPEATS} repeats per condition; ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()[0]!.toFixed(1)}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
// Warm-up (JIT): the figures are for a running service.
await run('no inspector', rows.slice(0, 6_000), symbols);
await run('one viewer, all scopes', rows.slice(0, 6_000), symbols);

const results = new Map<Condition, Run[]>(CONDITIONS.map((c) => [c, []]));
for (let r = 0; r < REPEATS; r++) for (const c of CONDITIONS) results.get(c)!.push(await run(c, rows, symbols));

const baseline = [...results.get('no inspector')!].map((x) => x.rowsPerSec).sort((a, b) => a - b)[Math.floor(REPEATS / 2)]!;
process.stdout.write('\n| condition | rows/s min | median | max | of no inspector (median) | wire events per run | viewer dropped |\n|---|---|---|---|---|---|---|\n');
for (const [c, runs] of results) {
  const rates = runs.map((x) => x.rowsPerSec).sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  process.stdout.write(`| ${c} | ${fmt(rates[0]!)} | ${fmt(median)} | ${fmt(rates.at(-1)!)} | ${Math.round((median / baseline) * 100)}% | ${fmt(runs[0]!.wireEvents)} | ${runs.some((x) => x.dropped) ? 'yes' : 'no'} |\n`);
}
for (const [c, runs] of results) {
  for (const x of runs) if (x.wireEvents > 0 && x.received < x.wireEvents && !x.dropped) process.stdout.write(`note: ${c}: the viewer had ${x.received} of ${x.wireEvents} events when asked\n`);
}
process.exit(0);
