// Mutation testing (issue 9, section 4): `npm run mutation` (test/mutation/run.ts) runs Stryker
// once per folder (src/domain, machines, src/runtime) and writes the summary table of
// docs/TESTING.md. Not part of CI: it takes long.
//
// Run one folder by hand:
//   MUTATION_REPORT=domain npx stryker run --mutate 'src/domain/**/*.ts'
// MUTATION_REPORT names the report folder (reports/mutation/<name>/): HTML, JSON
// (mutation-testing-report-schema) and the incremental file (used only with `--incremental`).
const name = process.env.MUTATION_REPORT || 'all';
const out = `reports/mutation/${name}`;
// Stryker refuses to start when a test fails in its first run. On a shared tree where someone's
// test is red for a while, MUTATION_SKIP_TESTS (comma-separated path regexes) leaves such test
// files out; say so next to any figure obtained that way.
const skipTests = (process.env.MUTATION_SKIP_TESTS || '').split(',').map((s) => s.trim()).filter(Boolean);
// MUTATION_ONLY_TESTS (comma-separated globs under <rootDir>) runs only those test files: a quick,
// honest lower bound for a folder whose mutants are almost all static (machines/: every static
// mutant runs every related test). A figure obtained that way names the tests it used.
const onlyTests = (process.env.MUTATION_ONLY_TESTS || '').split(',').map((s) => s.trim()).filter(Boolean);
// Suites that start servers or child processes (end-to-end stack, simulator, CLI and start
// gates, secrets scan over every output path, chaos) take a minute or more together: every
// static mutant (and every mutant they cover) would pay for them. They are left out unless
// MUTATION_TESTS=all, so the figures are a lower bound: a mutant only they would kill counts as
// surviving.
// With a short jest timeout (MUTATION_TEST_TIMEOUT_MS, below) the suites that start the service or
// the CLI as processes (*.e2e.test.ts outside test/e2e/) would fail on a loaded machine: left out too.
const processSuites = process.env.MUTATION_TEST_TIMEOUT_MS ? ['\\.e2e\\.test\\.ts$'] : [];
const slowSuites = process.env.MUTATION_TESTS === 'all' ? [] : [...processSuites,
  '<rootDir>/test/e2e/', '<rootDir>/test/sim/', '<rootDir>/test/secrets/', '<rootDir>/test/chaos/',
  '<rootDir>/test/gates/start-gate\\.test\\.ts$', '<rootDir>/test/config\\.test\\.ts$',
];

// Property tests (fast-check) draw a new seed per run unless FC_SEED is set: a mutation run needs
// the same tests every time (a mutant must not be "killed" by a lucky draw), so it fixes the seed.
// The test runner processes inherit this environment.
process.env.FC_SEED ??= '1';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // Jest runs the TypeScript sources as native ES modules: the runner's child process needs the
  // flag `npm test` gives node.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.ts',
    enableFindRelatedTests: true,
    config: {
      // The docs drift test compares the generated diagrams with docs/: it fails on ANY change to a
      // machine definition, so it would "kill" every machine mutant without saying anything about
      // behaviour. It stays in `npm test`; mutation scores count behaviour only.
      // The journal catalogue's source scan reads the text of src/ (every event recorded is
      // declared, every declared one is recorded): in Stryker's sandbox that text is instrumented,
      // so the scan fails in the initial run and Stryker refuses to start. It stays in `npm test`;
      // the catalogue's behaviour tests (journal-catalogue.test.ts: levels, LOG_LEVEL) stay in.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/docs\\.test\\.ts$', '<rootDir>/test/runtime/journal-catalogue-sources\\.test\\.ts$', ...slowSuites, ...skipTests],
      // MUTATION_TEST_TIMEOUT_MS: jest's per-test timeout inside a mutation run (npm test: 60 s). A
      // mutant that stops a runtime from doing what a test waits for otherwise hangs that test
      // until Stryker's own timeout, which also restarts the test runner process (tens of
      // seconds): most of a runtime run's time. With a short jest timeout the test fails and the
      // mutant counts as killed, at once.
      ...(process.env.MUTATION_TEST_TIMEOUT_MS ? { testTimeout: Number(process.env.MUTATION_TEST_TIMEOUT_MS) } : {}),
      ...(onlyTests.length > 0 ? { testMatch: onlyTests.map((g) => `<rootDir>/${g}`) } : {}),
    },
  },
  checkers: ['typescript'],
  // One folder's run checks that folder's files only (test/mutation/tsconfig.<name>.json): a
  // program with ccxt's types takes seconds per check and starves the test runners.
  tsconfigFile: ['domain', 'machines', 'runtime'].includes(name.split('-')[0]) ? `test/mutation/tsconfig.${name.split('-')[0]}.json` : 'test/mutation/tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // A static mutant (module-level code: the machine definitions, the venue error tables) runs every
  // related test, ~20-60 s each on this machine. MUTATION_STATIC=skip reports them as Ignored
  // instead, for a quick pass; the full run (the default) tests them.
  ignoreStatic: process.env.MUTATION_STATIC === 'skip',
  mutate: [
    'src/domain/**/*.ts',
    'src/runtime/**/*.ts',
    'machines/**/*.ts',
    '!machines/**/*.behaviour.ts',
  ],
  // The machine has 2 cores and is shared.
  concurrency: 2,
  // Module-level code (machine definitions above all) is covered only while a file loads: such
  // "static" mutants run every related test, which the first run needs minutes for.
  dryRunTimeoutMinutes: 20,
  timeoutMS: 10_000,
  timeoutFactor: 2,
  reporters: ['progress', 'clear-text', 'html', 'json'],
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0, reportScoreTable: true },
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  incrementalFile: `${out}/incremental.json`,
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['/reports', '/coverage', '/dist', '/data', '/logs', '/.jest-cache', '*.sqlite', '*.log'],
  thresholds: { high: 90, low: 85, break: null },
};
