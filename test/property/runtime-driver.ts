// Drives ONE fixture through the real runtime step by step, so a property's generator can look at
// what the runtime did (its submissions, its view) before it chooses the next step. The harness
// exposes only `run()` (all steps at once); stepping uses its set-up and step methods as they
// stand. If those are renamed (the harness is being reworked), the driver falls back to replaying
// the growing prefix with `run()`, which is slower (quadratic) but uses the public API only.
import { FixtureError, FixtureHarness, type FixtureRun } from '../../src/conformance/harness.js';
import { readFixture, type Fixture, type FixtureStep, type JsonObject } from '../../src/conformance/fixture-format.js';
import { observe, type Observed } from '../../src/conformance/observe.js';

/** An invalid step: the generator's fault, never a property failure of the runtime. */
export class GeneratorError extends Error {}

interface SteppableHarness {
  setUp(): Promise<void>;
  step(step: FixtureStep): Promise<void>;
  records: unknown[];
  runtime: { stop(): Promise<void> };
  venue: unknown;
  fixtureKey: string;
  commands: unknown[];
}

/** A fixture without its steps, as plain JSON (read through the format module, so defaults apply). */
export type FixtureBase = { name: string } & JsonObject;

/** The base read by the format module (defaults filled in), with no steps yet. */
function readBase(base: FixtureBase): Fixture {
  const full = readFixture(JSON.parse(JSON.stringify({ ...base, steps: [{ type: 'planner_tick' }] })), 0);
  return { ...full, steps: [] };
}

export class LiveFixture {
  readonly steps: FixtureStep[] = [];
  private harness: SteppableHarness | undefined;
  private lastObserved: Observed | undefined;
  readonly stepwise: boolean;

  constructor(private readonly base: FixtureBase) {
    const probe = new FixtureHarness(readBase(base)) as unknown as Partial<SteppableHarness>;
    this.stepwise = typeof probe.setUp === 'function' && typeof probe.step === 'function';
  }

  async start(): Promise<void> {
    if (!this.stepwise) return;
    this.harness = new FixtureHarness(readBase(this.base)) as unknown as SteppableHarness;
    await this.harness.setUp();
  }

  /** Runs one more step; an invalid step is a GeneratorError. */
  async step(step: FixtureStep): Promise<void> {
    this.steps.push(step);
    this.lastObserved = undefined;
    if (!this.harness) return;
    try {
      await this.harness.step(step);
    } catch (error) {
      throw new GeneratorError(`step ${this.steps.length - 1} ${JSON.stringify(step)}: ${(error as Error).message}\n${this.json()}`);
    }
  }

  /** What the runtime shows now (the same observation `run()` ends with, without the forbid checks). */
  async observed(): Promise<Observed> {
    if (this.lastObserved) return this.lastObserved;
    if (this.harness) {
      const h = this.harness;
      this.lastObserved = observe({
        records: h.records, runtime: h.runtime, venue: h.venue, fixtureKey: h.fixtureKey, commands: h.commands,
        expectedCountKeys: { requestCounts: [], submissionCounts: [] },
      } as unknown as Parameters<typeof observe>[0]);
    } else {
      this.lastObserved = (await runFixture(this.fixture())).observed;
    }
    return this.lastObserved;
  }

  async stop(): Promise<void> {
    await this.harness?.runtime.stop();
  }

  fixture(name = this.base.name): Fixture {
    return readFixture(JSON.parse(JSON.stringify({ ...this.base, name, steps: this.steps })), 0);
  }

  json(name = this.base.name): string {
    return JSON.stringify({ ...this.base, name, steps: this.steps }, null, 1);
  }
}

/** The official run: a fresh harness over all steps. A FixtureError is the generator's fault. */
export async function runFixture(fixture: Fixture): Promise<FixtureRun> {
  try {
    return await new FixtureHarness(fixture).run();
  } catch (error) {
    if (error instanceof FixtureError) throw new GeneratorError(`${error.message}\n${JSON.stringify(fixture, null, 1)}`);
    throw error;
  }
}

/** Replaces every runtime-made custom id by its order of first appearance: runs compare modulo ids. */
export function canonicalIds(value: unknown): unknown {
  const ids = new Map<string, string>();
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'string' && /^xs[0-9A-Za-z]{18}$/.test(v)) {
      if (!ids.has(v)) ids.set(v, `id#${ids.size + 1}`);
      return ids.get(v);
    }
    return v;
  });
  return JSON.parse(text) as unknown;
}

export type { JsonObject };
