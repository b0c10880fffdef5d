// `affectedChangesNothing` (machines/scope.machine.ts) lets the runtime drop a `scope.affected`
// event before it reaches the scope actor. Dropping an event that would have changed the scope
// loses a row's effect (a scope that should re-plan stays put); keeping one that changes nothing
// costs an actor event per row (issue 13). So the verdict must be exact: it says "nothing" exactly
// when the real machine, sent that event, keeps its state and its context.
//
// Oracle: the real scope machine driven into every state (with follow-up reasons empty, some,
// and at the bound), then sent the event; its snapshot before and after compared.
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { affectedChangesNothing, MAX_FOLLOW_UP_REASONS, scopeMachine } from '../../machines/scope.machine.js';

const machine = scopeMachine.provide({
  actors: {
    recoverScope: fromPromise<void, { scopeKey: string }>(() => new Promise<void>(() => undefined)),
    readMark: fromPromise<void, { scopeKey: string }>(() => new Promise<void>(() => undefined)),
  },
});

type Step = { type: string; [k: string]: unknown; advance?: undefined } | { advance: number };
const affected = (reason: string, immediate = false) => ({ type: 'scope.affected', reason, ...(immediate ? { immediate } : {}) });
const fill = (n: number) => Array.from({ length: n }, (_, i) => affected(`r${i}`));

/** Ways into each state: with no follow-up reasons, with two, and with the bound reached. */
const scenarios: Record<string, Step[]> = {
  idle: [],
  'settling, one reason': [affected('r0')],
  'settling, reasons at the bound': [affected('r0'), ...fill(MAX_FOLLOW_UP_REASONS)],
  'planning, none': [affected('x', true)],
  'planning, two': [affected('x', true), ...fill(2)],
  'planning, at the bound': [affected('x', true), ...fill(MAX_FOLLOW_UP_REASONS)],
  'submitting, two': [affected('x', true), { type: 'pass.done', next: 'submit', requests: [] }, ...fill(2)],
  'pendingConfirmation, two': [affected('x', true), { type: 'pass.done', next: 'submit', requests: [] }, { type: 'submit.done', next: 'await_confirmation' }, ...fill(2)],
  'recovering, two': [affected('x', true), { type: 'pass.done', next: 'recover' }, ...fill(2)],
  'backoff, two': [affected('x', true), { type: 'pass.failed', reason: 'x' }, ...fill(2)],
  'blocked, none': [affected('x', true), { type: 'pass.done', next: 'blocked' }],
  'protectionUnplaceable, none': [affected('x', true), { type: 'pass.done', next: 'unplaceable' }],
  // Rows recorded during the pass that found the protection unplaceable stay as follow-ups.
  'protectionUnplaceable, two': [affected('x', true), ...fill(2), { type: 'pass.done', next: 'unplaceable' }],
  'checkingMark, two': [affected('x', true), ...fill(2), { type: 'pass.done', next: 'unplaceable' }, { advance: 2_000 }],
};

function drive(steps: Step[]) {
  const clock = new SimulatedClock();
  const actor = createActor(machine, { input: { scopeKey: 'binance:linear:BTCUSDT:LONG' }, clock });
  actor.start();
  for (const step of steps) {
    if (step.advance !== undefined) clock.increment(step.advance);
    else actor.send(step as never);
  }
  return actor;
}

const view = (s: { value: unknown; context: object }) => JSON.stringify({ value: s.value, context: s.context });

describe('affectedChangesNothing says "nothing" exactly when the machine would change nothing', () => {
  for (const [name, steps] of Object.entries(scenarios)) {
    test(name, () => {
      const seen = drive(steps).getSnapshot();
      const recorded = [...seen.context.reasons];
      const candidates = [...new Set([...recorded, 'r0', 'r1', 'fresh'])];
      for (const reason of candidates) for (const immediate of [false, true]) {
        const actor = drive(steps);
        const before = actor.getSnapshot();
        const verdict = affectedChangesNothing(before, reason, immediate);
        actor.send(affected(reason, immediate) as never);
        const unchanged = view(actor.getSnapshot()) === view(before);
        expect({ reason, immediate, verdict }).toEqual({ reason, immediate, verdict: unchanged });
      }
    });
  }

  test('the scenarios reach every state of the machine', () => {
    const reached = new Set(Object.values(scenarios).map((steps) => {
      const v = drive(steps).getSnapshot().value;
      return typeof v === 'string' ? v : Object.keys(v as object)[0]!;
    }));
    expect([...reached].sort()).toEqual(Object.keys(scopeMachine.config.states!).sort());
  });
});
