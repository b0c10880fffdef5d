// The per-file mutation ledger behind docs/TESTING.md's tables. A full `npm run mutation` takes
// longer than one working session on 2 cores, and reports/ is not kept between machines, so each
// file's figure is written into the doc (with the run it came from and a hash of the source it
// was run on) and read back as the fallback for files no report on this machine covers. A folder's
// figure is the sum over its files; a file changed since its run is counted and flagged.
// Pure: summary.ts does the reading and writing.
import { createHash } from 'node:crypto';

/** The part of mutation-testing-report-schema (v2) read here. */
export interface MutantResult {
  id: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  status: 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';
  static?: boolean;
}
export interface FileResult {
  source: string;
  mutants: MutantResult[];
}
export interface Report {
  files: Record<string, FileResult>;
}
/** run.json, written by run.ts beside each report. */
export interface RunMeta {
  mutate: string[];
  commit?: string;
  uncommittedChanges?: boolean;
  knobs?: Record<string, string>;
}
export interface LoadedReport {
  name: string;
  /** When the report was written (ISO). */
  at: string;
  report: Report;
  meta?: RunMeta;
}

export interface Counts {
  mutants: number;
  killed: number;
  survived: number;
  timeout: number;
  noCoverage: number;
  ignored: number;
  errors: number;
}
export interface FileRow extends Counts {
  file: string;
  /** Report name and date, commit, knobs: where the figure comes from. */
  run: string;
  at: string;
  settings: string;
  /** Git blob hash (10 hex) of the source the mutants were made from. */
  source: string;
}
export interface FolderRow extends Counts {
  folder: string;
  filesRun: number;
  filesInFolder: number;
  changedSinceRun: number;
  oldest: string;
  newest: string;
}

export const FOLDERS = ['src/domain', 'machines', 'src/runtime'] as const;
export const folderOf = (file: string) => FOLDERS.find((f) => file.startsWith(`${f}/`));

/** Git's blob hash of a text, as `git hash-object` prints it (first 10 digits). */
export const blobHash = (text: string) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex').slice(0, 10);

/** detected / valid, as mutation-testing-metrics counts it (errors and ignored are not valid). */
export function score(c: Counts): number {
  const detected = c.killed + c.timeout;
  const valid = detected + c.survived + c.noCoverage;
  return valid === 0 ? 100 : (100 * detected) / valid;
}

function count(mutants: readonly MutantResult[]): Counts {
  const c: Counts = { mutants: 0, killed: 0, survived: 0, timeout: 0, noCoverage: 0, ignored: 0, errors: 0 };
  for (const m of mutants) {
    c.mutants += 1;
    if (m.status === 'Killed') c.killed += 1;
    else if (m.status === 'Survived') c.survived += 1;
    else if (m.status === 'Timeout') c.timeout += 1;
    else if (m.status === 'NoCoverage') c.noCoverage += 1;
    else if (m.status === 'Ignored') c.ignored += 1;
    else c.errors += 1;
  }
  return c;
}

/** A run by line range (`file:10-20`) measured part of a file: it does not stand for the file. */
export const coversWholeFiles = (r: LoadedReport) => !(r.meta?.mutate ?? []).some((p) => /:\d/.test(p));

function settingsOf(r: LoadedReport): string {
  if (!r.meta) return 'by hand (no run.json)';
  const k = r.meta.knobs ?? {};
  const parts = [k.MUTATION_STATIC === 'skip' ? 'static skipped' : 'static tested'];
  if (k.MUTATION_TEST_TIMEOUT_MS) parts.push(`test timeout ${k.MUTATION_TEST_TIMEOUT_MS} ms`);
  if (k.MUTATION_TESTS === 'all') parts.push('every suite');
  if (k.MUTATION_ONLY_TESTS) parts.push(`only ${k.MUTATION_ONLY_TESTS}`);
  if (k.MUTATION_SKIP_TESTS) parts.push(`skipped ${k.MUTATION_SKIP_TESTS}`);
  if (r.meta.uncommittedChanges) parts.push('uncommitted changes');
  return parts.join('; ');
}

/** Per file, the newest whole-file report that mutated it. */
export function rowsFromReports(reports: readonly LoadedReport[]): Map<string, FileRow> {
  const out = new Map<string, FileRow>();
  for (const r of [...reports].sort((a, b) => a.at.localeCompare(b.at))) {
    if (!coversWholeFiles(r)) continue;
    for (const [file, result] of Object.entries(r.report.files)) {
      if (!folderOf(file)) continue;
      const run = `${r.name}${r.meta?.commit ? ` @ ${r.meta.commit.slice(0, 7)}` : ''}`;
      out.set(file, { file, ...count(result.mutants), run, at: r.at.slice(0, 16).replace('T', ' '), settings: settingsOf(r), source: blobHash(result.source) });
    }
  }
  return out;
}

const FILE_HEADER = '| file | mutants | killed | survived | timeout | no coverage | ignored | errors | score | run | run at | settings | source |';
export function fileTable(rows: readonly FileRow[]): string {
  return [FILE_HEADER, '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|',
    ...[...rows].sort((a, b) => a.file.localeCompare(b.file)).map((r) =>
      `| \`${r.file}\` | ${r.mutants} | ${r.killed} | ${r.survived} | ${r.timeout} | ${r.noCoverage} | ${r.ignored} | ${r.errors} | ${score(r).toFixed(2)}% | ${r.run} | ${r.at} | ${r.settings} | \`${r.source}\` |`),
  ].join('\n');
}

/** Reads back the rows fileTable wrote. */
export function parseFileTable(text: string): Map<string, FileRow> {
  const out = new Map<string, FileRow>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const file = /^`([^`]+)`$/.exec(cells[0] ?? '')?.[1];
    if (!file || cells.length !== 13) continue;
    const n = (i: number) => Number(cells[i]);
    out.set(file, {
      file, mutants: n(1), killed: n(2), survived: n(3), timeout: n(4), noCoverage: n(5), ignored: n(6), errors: n(7),
      run: cells[9]!, at: cells[10]!, settings: cells[11]!, source: cells[12]!.replace(/`/g, ''),
    });
  }
  return out;
}

/**
 * The ledger: rows from this machine's reports win over the doc's; the doc's rows of files that
 * no longer exist are dropped. `current` gives a file's present source (undefined: gone).
 */
export function merge(fromReports: Map<string, FileRow>, fromDoc: Map<string, FileRow>, current: (file: string) => string | undefined): FileRow[] {
  const all = new Map(fromDoc);
  for (const [file, row] of fromReports) all.set(file, row);
  return [...all.values()].filter((r) => current(r.file) !== undefined);
}

export function folderRows(rows: readonly FileRow[], filesInFolder: (folder: string) => number, current: (file: string) => string | undefined): FolderRow[] {
  const out: FolderRow[] = [];
  for (const folder of FOLDERS) {
    const mine = rows.filter((r) => folderOf(r.file) === folder);
    if (mine.length === 0) continue;
    const row: FolderRow = { folder, mutants: 0, killed: 0, survived: 0, timeout: 0, noCoverage: 0, ignored: 0, errors: 0, filesRun: mine.length, filesInFolder: filesInFolder(folder), changedSinceRun: 0, oldest: mine[0]!.at, newest: mine[0]!.at };
    for (const r of mine) {
      for (const k of ['mutants', 'killed', 'survived', 'timeout', 'noCoverage', 'ignored', 'errors'] as const) row[k] += r[k];
      const now = current(r.file);
      if (now !== undefined && blobHash(now) !== r.source) row.changedSinceRun += 1;
      if (r.at < row.oldest) row.oldest = r.at;
      if (r.at > row.newest) row.newest = r.at;
    }
    out.push(row);
  }
  return out;
}

export function folderTable(rows: readonly FolderRow[]): string {
  return ['| folder | files run | mutants | killed | survived | timeout | no coverage | ignored (static, skipped) | compile/runtime errors | score | files changed since their run | runs |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) =>
      `| \`${r.folder}\` | ${r.filesRun} of ${r.filesInFolder} | ${r.mutants} | ${r.killed} | ${r.survived} | ${r.timeout} | ${r.noCoverage} | ${r.ignored} | ${r.errors} | ${score(r).toFixed(2)}% | ${r.changedSinceRun} | ${r.oldest === r.newest ? r.oldest : `${r.oldest} to ${r.newest}`} |`),
  ].join('\n');
}
