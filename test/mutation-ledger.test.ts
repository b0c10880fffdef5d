// The per-file mutation ledger (test/mutation/ledger.ts): docs/TESTING.md's figure for a folder is
// the sum of each file's newest whole-file run, kept in the doc between sessions, and says which
// files changed since their run. A wrong ledger would show a score no run produced.
import { blobHash, fileTable, folderRows, merge, parseFileTable, rowsFromReports, score, type LoadedReport, type MutantResult } from './mutation/ledger.js';

const mutant = (status: MutantResult['status']): MutantResult => ({ id: status, mutatorName: 'X', location: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } }, status });
const report = (name: string, at: string, files: Record<string, MutantResult['status'][]>, mutate?: string[]): LoadedReport => ({
  name, at,
  report: { files: Object.fromEntries(Object.entries(files).map(([f, s]) => [f, { source: `source of ${f}`, mutants: s.map(mutant) }])) },
  ...(mutate ? { meta: { mutate, commit: 'abcdef0123', knobs: { MUTATION_STATIC: 'skip' } } } : {}),
});
const present = (files: Record<string, string>) => (file: string) => files[file];

test('a file counts from its newest whole-file run; a run by line range does not stand for the file', () => {
  const rows = rowsFromReports([
    report('runtime-part-2', '2026-12-03T05:00:00Z', { 'src/runtime/a.ts': ['Killed', 'Killed'] }, ['src/runtime/a.ts']),
    report('runtime', '2026-12-01T05:00:00Z', { 'src/runtime/a.ts': ['Survived'], 'src/runtime/b.ts': ['Timeout', 'Survived'] }),
    report('runtime-e', '2026-12-04T05:00:00Z', { 'src/runtime/a.ts': ['Survived'] }, ['src/runtime/a.ts:10-20']),
  ]);
  expect(rows.get('src/runtime/a.ts')).toMatchObject({ killed: 2, survived: 0, run: 'runtime-part-2 @ abcdef0', settings: 'static skipped' });
  expect(rows.get('src/runtime/b.ts')).toMatchObject({ timeout: 1, survived: 1, run: 'runtime', settings: 'by hand (no run.json)' });
});

test('the doc\'s rows stand for files no report here covers; a deleted file\'s row goes', () => {
  const fromDoc = rowsFromReports([report('domain', '2026-12-01T00:00:00Z', { 'src/domain/x.ts': ['Killed'], 'src/domain/gone.ts': ['Killed'] })]);
  const fromHere = rowsFromReports([report('domain-part', '2026-12-03T00:00:00Z', { 'src/domain/y.ts': ['Survived'] }, ['src/domain/y.ts'])]);
  const rows = merge(fromHere, fromDoc, present({ 'src/domain/x.ts': 'source of src/domain/x.ts', 'src/domain/y.ts': 'source of src/domain/y.ts' }));
  expect(rows.map((r) => r.file).sort()).toEqual(['src/domain/x.ts', 'src/domain/y.ts']);
});

test('the table the doc holds reads back as written', () => {
  const rows = [...rowsFromReports([report('machines', '2026-12-02T06:08:00Z', { 'machines/m.ts': ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'Ignored', 'CompileError'] }, ['machines/**/*.ts'])]).values()];
  expect([...parseFileTable(fileTable(rows)).values()]).toEqual(rows);
});

test('a folder sums its files: score is detected over valid, and a file changed since its run is counted', () => {
  const rows = [...rowsFromReports([report('runtime', '2026-12-01T00:00:00Z', {
    'src/runtime/a.ts': ['Killed', 'Killed', 'Timeout', 'CompileError', 'Ignored'],
    'src/runtime/b.ts': ['Survived', 'NoCoverage', 'Killed'],
  })]).values()];
  const [folder] = folderRows(rows, () => 5, present({ 'src/runtime/a.ts': 'source of src/runtime/a.ts', 'src/runtime/b.ts': 'changed since' }));
  expect(folder).toMatchObject({ folder: 'src/runtime', filesRun: 2, filesInFolder: 5, mutants: 8, killed: 3, timeout: 1, survived: 1, noCoverage: 1, errors: 1, ignored: 1, changedSinceRun: 1 });
  expect(score(folder!)).toBeCloseTo((100 * 4) / 6, 6);
});

test('the source hash is git\'s blob hash', () => {
  // `printf 'hello\n' | git hash-object --stdin`
  expect(blobHash('hello\n')).toBe('ce01362503');
});
