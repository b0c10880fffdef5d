// Shared fast-check parameters for the property suites. Runs are bounded so the whole folder stays
// well under 60 s on 2 cores. On failure fast-check's error carries the counterexample, the number
// of shrinks, and `{ seed, path, endOnFailure: true }`; reproduce a failure exactly with
//   FC_SEED=<seed> FC_PATH=<path> node --experimental-vm-modules node_modules/jest/bin/jest.js test/property
// and scale a run up locally with FC_RUNS_FACTOR=10 (never in CI).
import fc from 'fast-check';

const factor = Number(process.env.FC_RUNS_FACTOR ?? '1');

export function fcParams<T>(numRuns: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  const params: fc.Parameters<T> = { numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(factor) && factor > 0 ? factor : 1))), verbose: 1, ...extra };
  if (process.env.FC_SEED !== undefined) {
    params.seed = Number(process.env.FC_SEED);
    if (process.env.FC_PATH !== undefined) params.path = process.env.FC_PATH;
  }
  return params;
}
