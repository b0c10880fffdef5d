// `npm run mutation [-- TARGET... [stryker options]]`: runs Stryker (stryker.config.mjs) once per
// folder, each with its own report under reports/mutation/<name>/, then writes the summary tables
// of docs/TESTING.md (test/mutation/summary.ts).
//
//   npm run mutation                                   src/domain, machines, src/runtime, in that order
//   npm run mutation -- src/runtime                    one folder (or several)
//   npm run mutation -- src/runtime/a.ts src/runtime/b.ts   whole files of one folder (a part)
//
// A full run takes longer than a working session on 2 cores, so a folder may be run in parts:
// each file's figure in docs/TESTING.md comes from the newest run of that whole file, and stays
// there (with the commit it was run on) until the file is run again.
// Beside each report, run.json says what was run: the mutate patterns, the commit and whether the
// tree had uncommitted changes, the knobs of stryker.config.mjs in effect, the minutes taken.
// Not part of CI and never run by `npm test`. Other arguments go to Stryker unchanged.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';

const TARGETS: Record<string, { name: string; mutate: string }> = {
  'src/domain': { name: 'domain', mutate: 'src/domain/**/*.ts' },
  machines: { name: 'machines', mutate: 'machines/**/*.ts,!machines/**/*.behaviour.ts' },
  'src/runtime': { name: 'runtime', mutate: 'src/runtime/**/*.ts' },
};
const KNOBS = ['MUTATION_STATIC', 'MUTATION_TEST_TIMEOUT_MS', 'MUTATION_TESTS', 'MUTATION_ONLY_TESTS', 'MUTATION_SKIP_TESTS', 'FC_SEED'];

const strip = (a: string) => a.replace(/\/$/, '');
const folderOfFile = (a: string) => Object.keys(TARGETS).find((f) => a.startsWith(`${f}/`) && a.endsWith('.ts'));
const isFile = (a: string) => folderOfFile(a) !== undefined && existsSync(a) && statSync(a).isFile();

const args = process.argv.slice(2);
const folders = args.map(strip).filter((a) => a in TARGETS);
const files = args.filter(isFile);
const passThrough = args.filter((a) => !(strip(a) in TARGETS) && !isFile(a));

interface Run { folder: string; name: string; mutate: string }
const runs: Run[] = [];
for (const folder of folders.length > 0 || files.length > 0 ? folders : Object.keys(TARGETS)) runs.push({ folder, ...TARGETS[folder]! });
const partFolders = [...new Set(files.map((f) => folderOfFile(f)!))];
const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '');
for (const folder of partFolders) {
  const mine = files.filter((f) => folderOfFile(f) === folder);
  runs.push({ folder, name: `${TARGETS[folder]!.name}-part-${stamp}`, mutate: mine.join(',') });
}

const git = (...a: string[]) => spawnSync('git', a, { encoding: 'utf8' }).stdout.trim();
let failed = false;
for (const run of runs) {
  const started = Date.now();
  process.stdout.write(`\n== mutation: ${run.mutate} (reports/mutation/${run.name}/) ==\n`);
  const meta = {
    folder: run.folder,
    mutate: run.mutate.split(','),
    commit: git('rev-parse', 'HEAD'),
    uncommittedChanges: git('status', '--porcelain', '--untracked-files=no') !== '',
    startedAt: new Date(started).toISOString(),
    knobs: Object.fromEntries(KNOBS.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])),
    strykerArgs: passThrough,
  };
  const result = spawnSync('npx', ['stryker', 'run', '--mutate', run.mutate, ...passThrough], {
    stdio: 'inherit',
    env: { ...process.env, MUTATION_REPORT: run.name },
  });
  const minutes = (Date.now() - started) / 60_000;
  mkdirSync(`reports/mutation/${run.name}`, { recursive: true });
  writeFileSync(`reports/mutation/${run.name}/run.json`, `${JSON.stringify({ ...meta, minutes: Number(minutes.toFixed(1)), exit: result.status ?? result.signal }, null, 2)}\n`);
  process.stdout.write(`== ${run.mutate}: exit ${result.status ?? result.signal}, ${minutes.toFixed(1)} min ==\n`);
  if (result.status !== 0) failed = true;
}
const summary = spawnSync('npx', ['tsx', 'test/mutation/summary.ts'], { stdio: 'inherit' });
process.exit(failed || summary.status !== 0 ? 1 : 0);
