// npm run chaos -- --seeds 1-50 [--steps 30] [--jobs 1] [--no-shrink] [--replay FILE] [--keep] [--verbose]
//
// Plays seeded random schedules against the simulator and the real service process, checks the
// invariants on the simulator's books, prints one line of figures per run and a summary. A failing
// schedule is shrunk (steps dropped one by one while the failure persists) and the minimal one is
// printed as JSON and saved under test/chaos/found/. Exit code 1 when any run violated an invariant.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { figuresLine } from './figures.js';
import { runSchedule, type RunResult } from './runner.js';
import { generateSchedule, type Schedule } from './schedule.js';
import { REPO } from './service-process.js';
import { shrinkSchedule } from './shrink.js';

interface Args {
  seeds: number[];
  steps: number;
  jobs: number;
  shrink: boolean;
  shrinkBudgetMs: number;
  shrinkAttempts: number;
  shrinkSettleMs: number;
  replay?: string;
  keep: boolean;
  verbose: boolean;
  settleMs: number;
  maxRestarts: number;
}

function parseSeeds(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`--seeds: ${JSON.stringify(part)} is not N or N-M`);
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    for (let s = a; s <= b; s++) out.push(s);
  }
  return out;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seeds: [1, 2, 3], steps: 30, jobs: 1, shrink: true, shrinkBudgetMs: 15 * 60_000, shrinkAttempts: 1, shrinkSettleMs: 30_000, keep: false, verbose: false, settleMs: 60_000, maxRestarts: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--seeds' || a === '--seed') args.seeds = parseSeeds(value());
    else if (a === '--steps') args.steps = Number(value());
    else if (a === '--jobs') args.jobs = Math.max(1, Number(value()));
    else if (a === '--no-shrink') args.shrink = false;
    else if (a === '--shrink-budget-s') args.shrinkBudgetMs = Number(value()) * 1000;
    else if (a === '--shrink-attempts') args.shrinkAttempts = Math.max(1, Number(value()));
    else if (a === '--shrink-settle-s') args.shrinkSettleMs = Number(value()) * 1000;
    else if (a === '--replay') args.replay = value();
    else if (a === '--keep') args.keep = true;
    else if (a === '--verbose' || a === '-v') args.verbose = true;
    else if (a === '--settle-s') args.settleMs = Number(value()) * 1000;
    else if (a === '--max-restarts') args.maxRestarts = Number(value());
    else if (a === '--help' || a === '-h') {
      process.stdout.write('npm run chaos -- --seeds 1-50 [--steps 30] [--jobs 1] [--no-shrink] [--shrink-budget-s 900] [--shrink-attempts 1] [--shrink-settle-s 30] [--replay FILE] [--settle-s 60] [--max-restarts 2] [--keep] [--verbose]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

function loadSchedule(path: string): Schedule {
  const json = JSON.parse(readFileSync(path, 'utf8')) as Schedule | { schedule: Schedule };
  return 'schedule' in json ? json.schedule : json;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const schedules: Schedule[] = args.replay ? [loadSchedule(args.replay)] : args.seeds.map((s) => generateSchedule(s, { steps: args.steps, maxRestarts: args.maxRestarts }));
  const results: RunResult[] = [];
  const found: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < schedules.length) {
      const schedule = schedules[next++]!;
      const log = args.verbose ? (l: string) => process.stdout.write(`[seed ${schedule.seed}] ${l}\n`) : undefined;
      const result = await runSchedule(schedule, { settleBoundMs: args.settleMs, keep: args.keep, log });
      results.push(result);
      process.stdout.write(`${figuresLine(result)}\n`);
      for (const v of result.violations) process.stdout.write(`  VIOLATION ${v.invariant}: ${v.detail}\n`);
      for (const w of result.warnings) process.stdout.write(`  warning ${w.invariant}: ${w.detail}\n`);
      if (result.violations.length === 0) continue;
      process.stdout.write(`  books at the end: ${JSON.stringify(result.books)}\n  outputs kept in ${result.dir}\n`);
      let minimal = { schedule, result, invariants: [...new Set(result.violations.map((v) => v.invariant))], runs: 0 };
      if (args.shrink) {
        process.stdout.write(`  shrinking seed ${schedule.seed} (${schedule.setup.length + schedule.steps.length} steps, budget ${args.shrinkBudgetMs / 1000} s)…\n`);
        minimal = await shrinkSchedule(schedule, result, {
          settleBoundMs: Math.min(args.settleMs, args.shrinkSettleMs), attempts: args.shrinkAttempts, budgetMs: args.shrinkBudgetMs,
          progress: args.verbose ? (l) => process.stdout.write(`  [seed ${schedule.seed}] ${l}\n`) : undefined,
        });
      }
      const name = `seed-${schedule.seed}-${minimal.invariants.join('+') || 'failure'}`;
      const dir = join(REPO, 'test', 'chaos', 'found');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${name}.json`);
      writeFileSync(file, `${JSON.stringify({
        invariants: minimal.invariants, runsToShrink: minimal.runs, violations: minimal.result.violations, books: minimal.result.books, figures: minimal.result.figures,
        replay: `npm run chaos -- --replay test/chaos/found/${name}.json`, schedule: minimal.schedule,
      }, null, 2)}\n`);
      found.push(file);
      process.stdout.write(`  minimal schedule (${minimal.schedule.setup.length + minimal.schedule.steps.length} steps, ${minimal.runs} shrink runs), saved to ${file}:\n${JSON.stringify(minimal.schedule)}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.jobs, schedules.length) }, worker));

  const sum = (k: keyof RunResult['figures']) => results.reduce((a, r) => a + Number(r.figures[k]), 0);
  const violating = results.filter((r) => r.violations.length > 0);
  const byInvariant = new Map<string, number>();
  for (const r of results) for (const v of r.violations) byInvariant.set(v.invariant, (byInvariant.get(v.invariant) ?? 0) + 1);
  process.stdout.write(`\nchaos: ${results.length} run(s) in ${((Date.now() - t0) / 1000).toFixed(0)} s: steps=${sum('steps')} faults=${sum('faults')} kills=${sum('killsDone')} graceful=${sum('gracefulRestarts')} starts=${sum('incarnations')} orders=${sum('orders')} fills=${sum('appFills')} violations=${violating.reduce((a, r) => a + r.violations.length, 0)} in ${violating.length} run(s)\n`);
  for (const [k, n] of byInvariant) process.stdout.write(`  ${k}: ${n}\n`);
  for (const f of found) process.stdout.write(`  minimal schedule: ${f}\n`);
  return violating.length > 0 ? 1 : 0;
}

process.exitCode = await main();
