// The short chaos set of CI: a few fixed seeds with short schedules against the simulator and the
// REAL service process (kill -9 and restarts included), the invariants checked on the simulator's
// books. The long run is `npm run chaos -- --seeds 1-100` (test/chaos/README.md).
import { figuresLine } from './figures.js';
import { runSchedule, type RunResult } from './runner.js';
import { generateSchedule } from './schedule.js';

// Chosen for their mix (generated with --steps 10 --max-restarts 1): 100 one-way, partial fills and
// a kill -9 right after a submission; 113 stream faults, a forgotten retention window and a kill
// right after a submission; 115 a graceful restart and a clock skew.
const SEEDS = [100, 113, 115];
const STEPS = 10;

test(`chaos: seeds ${SEEDS.join(', ')} (${STEPS} steps each) leave the venue's books within every invariant`, async () => {
  // Two at a time: each run starts a service process (conformance gate included) on 2 cores.
  const results: RunResult[] = [];
  const queue = [...SEEDS];
  await Promise.all([0, 1].map(async () => {
    for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
      results.push(await runSchedule(generateSchedule(seed, { steps: STEPS, maxRestarts: 1 }), { settleBoundMs: 45_000 }));
    }
  }));
  results.sort((a, b) => a.figures.seed - b.figures.seed);
  process.stdout.write(`${results.map(figuresLine).join('\n')}\n`);
  const violations = results.flatMap((r) => r.violations.map((v) => `seed ${r.figures.seed}: ${v.invariant}: ${v.detail} (books: ${JSON.stringify(r.books)}; outputs in ${r.dir})`));
  expect(violations).toEqual([]);
  expect(results.every((r) => r.figures.incarnations >= 1)).toBe(true);
}, 170_000);
