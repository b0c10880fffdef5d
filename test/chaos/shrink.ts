// Shrinking a failing schedule: drop chunks of steps, then steps one by one (setup included), while the failure
// persists, i.e. a run of the smaller schedule still violates one of the same invariants. The
// service is a real process, so a failure may depend on timing: each candidate may be tried more
// than once (`attempts`) before it is judged not to fail.
import type { RunOptions, RunResult } from './runner.js';
import { runSchedule } from './runner.js';
import type { Schedule } from './schedule.js';

export interface ShrinkOptions extends RunOptions {
  /** Tries per candidate schedule (a failure that shows up once counts). */
  attempts?: number;
  /** Stop shrinking after this long (ms); the smallest failing schedule so far is returned. */
  budgetMs?: number;
  progress?: (line: string) => void;
  /** The runner (tests may replace it). */
  run?: (s: Schedule, o: RunOptions) => Promise<RunResult>;
}

export interface ShrinkResult {
  schedule: Schedule;
  result: RunResult;
  runs: number;
  /** The invariants the minimal schedule still violates. */
  invariants: string[];
}

export async function shrinkSchedule(failing: Schedule, failed: RunResult, options: ShrinkOptions = {}): Promise<ShrinkResult> {
  const run = options.run ?? runSchedule;
  const attempts = options.attempts ?? 1;
  const until = Date.now() + (options.budgetMs ?? 20 * 60_000);
  const progress = options.progress ?? (() => undefined);
  const target = new Set(failed.violations.map((v) => v.invariant));
  let best = failing;
  let bestResult = failed;
  let runs = 0;

  const stillFails = async (candidate: Schedule): Promise<RunResult | undefined> => {
    for (let i = 0; i < attempts; i++) {
      runs++;
      const r = await run(candidate, { ...options, log: undefined });
      if (r.violations.some((v) => target.has(v.invariant))) return r;
    }
    return undefined;
  };

  // First chunks (halves, quarters, …: most steps are usually not needed), then steps one by one
  // from the end (later steps depend on earlier ones less often), again while a pass removed one.
  const without = (part: 'steps' | 'setup', from: number, to: number): Schedule => ({ ...best, [part]: best[part].filter((_, j) => j < from || j >= to) });
  for (let size = Math.floor(best.steps.length / 2); size >= 2 && Date.now() < until; size = Math.floor(size / 2)) {
    for (let from = best.steps.length - size; from >= 0 && Date.now() < until; from -= size) {
      const candidate = without('steps', from, from + size);
      const r = await stillFails(candidate);
      progress(`shrink: without steps[${from}..${from + size - 1}] ${r ? 'still fails' : 'passes'}; ${candidate.setup.length + candidate.steps.length} steps left`);
      if (r) {
        best = candidate;
        bestResult = r;
      }
    }
  }
  let changed = true;
  while (changed && Date.now() < until) {
    changed = false;
    for (const part of ['steps', 'setup'] as const) {
      for (let i = best[part].length - 1; i >= 0 && Date.now() < until; i--) {
        const candidate = without(part, i, i + 1);
        const r = await stillFails(candidate);
        progress(`shrink: without ${part}[${i}] (${best[part][i]!.kind}) ${r ? 'still fails' : 'passes'}; ${candidate.setup.length + candidate.steps.length} steps left`);
        if (r) {
          best = candidate;
          bestResult = r;
          changed = true;
        }
      }
    }
  }
  const invariants = [...new Set(bestResult.violations.map((v) => v.invariant))].filter((i) => target.has(i));
  return { schedule: best, result: bestResult, runs, invariants };
}
