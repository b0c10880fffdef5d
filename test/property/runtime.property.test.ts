// Runtime-level properties: random interleavings of private rows (in order, reordered, duplicated,
// late, lost on a disconnect), submit outcomes (accepted, definite and rate-limit rejections,
// timeouts, socket errors, 503s and unlisted codes, applied or not), fills, venue-side cancels,
// manual position changes, disconnects and reconnects, restarts, explicit recoveries, failing
// lookups and context writes, run through the REAL runtime with the conformance harness.
//
// Checked after every step (runtime-model.ts): no amend/cancel without a matching context; no
// DCA submission while SL/TP are not shown open to the runtime; a DCA step is never placed again
// while an earlier order of the step is open or has traded. Checked once everything is answered
// and delivered and time has passed (quiescence): the runtime's open app orders are the venue's;
// at most one open app order per slot; open reduce-only remainders never exceed the position;
// an open position is protected; a flat scope has no app order left; nothing pending or in
// recovery. Checked on the official run of the generated fixture (twice): the runner's forbid
// checks find nothing, and both runs (and the step-by-step one) make the same decisions modulo
// the random custom ids.
//
// A failing run prints the generated fixture (format of docs/CONFORMANCE.md): shrunk, it goes to
// fixtures/conformance/property-found.json.
import fc from 'fast-check';
import { runScenario, scenarioArb } from './runtime-scenario.js';
import { fcParams } from './fc-params.js';

describe('runtime properties through the conformance harness', () => {
  test('random interleavings keep every invariant, converge, and replay identically', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const { failures } = await runScenario(s);
        if (failures.length > 0) throw new Error(failures.join('\n'));
      }),
      fcParams(Number(process.env.FC_RUNTIME_RUNS ?? 40), { interruptAfterTimeLimit: 25_000, markInterruptAsFailure: false }),
    );
  }, 120_000);
});

