// `npm run mutation [-- FOLDER... [--incremental]]`: runs Stryker (stryker.config.mjs) once per
// folder, each with its own report under reports/mutation/<name>/, then writes the summary table
// of docs/TESTING.md (test/mutation/summary.ts). Folders: src/domain, machines, src/runtime (all
// three, in that order, by default). Other arguments go to Stryker unchanged.
// Not part of CI and never run by `npm test`: a full run takes long on 2 cores.
import { spawnSync } from 'node:child_process';

const TARGETS: Record<string, { name: string; mutate: string }> = {
  'src/domain': { name: 'domain', mutate: 'src/domain/**/*.ts' },
  machines: { name: 'machines', mutate: 'machines/**/*.ts,!machines/**/*.behaviour.ts' },
  'src/runtime': { name: 'runtime', mutate: 'src/runtime/**/*.ts' },
};

const args = process.argv.slice(2);
const folders = args.filter((a) => a.replace(/\/$/, '') in TARGETS).map((a) => a.replace(/\/$/, ''));
const passThrough = args.filter((a) => !(a.replace(/\/$/, '') in TARGETS));
let failed = false;
for (const folder of folders.length > 0 ? folders : Object.keys(TARGETS)) {
  const target = TARGETS[folder]!;
  const started = Date.now();
  process.stdout.write(`\n== mutation: ${folder} (reports/mutation/${target.name}/) ==\n`);
  const run = spawnSync('npx', ['stryker', 'run', '--mutate', target.mutate, ...passThrough], {
    stdio: 'inherit',
    env: { ...process.env, MUTATION_REPORT: target.name },
  });
  process.stdout.write(`== ${folder}: exit ${run.status ?? run.signal}, ${((Date.now() - started) / 60_000).toFixed(1)} min ==\n`);
  if (run.status !== 0) failed = true;
}
const summary = spawnSync('npx', ['tsx', 'test/mutation/summary.ts'], { stdio: 'inherit' });
process.exit(failed || summary.status !== 0 ? 1 : 0);
