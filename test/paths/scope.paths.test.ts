// Every state and every transition of the scope machine, reached on the real machine, and every
// step checked against the behaviour table (machines/scope.behaviour.ts).
import { scopeBehaviour } from '../../machines/scope.behaviour.js';
import { scopeMachine } from '../../machines/scope.machine.js';
import { assertBehaviour, coverMachine, type ReplayContext } from './path-driver.js';

const delays = { MAX_BURST_DELAY: 1000, CONFIRMATION_TIMEOUT: 5000, RETRY_BACKOFF: 1000, MARK_POLL: 2000 };

function payloads(type: string) {
  switch (type) {
    case 'scope.affected':
      return [{ type, reason: 'row' }, { type, reason: 'hydration', immediate: true }];
    case 'confirmation.resolved':
      return [{ type, remaining: 0 }, { type, remaining: 1 }];
    case 'pass.done':
      return ['submit', 'recover', 'blocked', 'unplaceable', 'done'].map((next) => ({ type, next }));
    case 'pass.failed':
      return [{ type, reason: 'stub failure' }];
    case 'submit.done':
      return ['await_confirmation', 'recover', 'retry', 'unplaceable', 'done'].map((next) => ({ type, next }));
    case 'submit.failed':
      return [{ type, reason: 'stub failure' }];
    case 'xstate.done.actor.recoverScope':
    case 'xstate.done.actor.readMark':
      return [{ type, output: undefined }];
    default:
      return type.startsWith('xstate.error.actor.') ? [{ type, error: new Error('stub failure') }] : [{ type }];
  }
}

// The max-delay timer wins while rows keep arriving (the quiet window is the runtime's: here it
// never passes unless `burst.quiet` is sent): pump one every 100 ms all the same.
function fireDelay(name: string, ctx: ReplayContext) {
  if (name !== 'MAX_BURST_DELAY') {
    ctx.clock.increment(ctx.delays[name]!);
    return;
  }
  const since = ctx.enteredAt.get('scope.settling') ?? ctx.clock.now();
  while ((ctx.actor.getSnapshot() as { matches(v: string): boolean }).matches('settling')) {
    const left = since + ctx.delays.MAX_BURST_DELAY! - ctx.clock.now();
    ctx.actor.send({ type: 'scope.affected', reason: 'row' });
    if (left <= 100) {
      ctx.clock.increment(left);
      break;
    }
    ctx.clock.increment(100);
  }
}

test('scope machine: every state and transition is reached and behaves as its table says', async () => {
  const coverage = await coverMachine({
    machine: scopeMachine,
    actors: ['recoverScope', 'readMark'],
    input: { scopeKey: 'generic:linear:BTCUSDT:LONG' },
    delays,
    payloads,
    fireDelay,
    serialize: (s: any) => JSON.stringify({ v: s.value, reasons: s.context.reasons.length > 0 }),
    table: scopeBehaviour,
  });
  const b = coverage.behaviour!;
  process.stdout.write(`scope machine coverage: states ${coverage.states.covered}/${coverage.states.total}, transitions ${coverage.transitions.covered}/${coverage.transitions.total}, behaviour rows ${b.reached}/${b.rows} over ${b.steps} steps (${coverage.paths} shortest paths, ${coverage.replays} replays)\n`);
  for (const d of b.defects) process.stdout.write(`scope machine known defect: ${d}\n`);
  assertBehaviour('scope', b);
  expect(coverage.states.missing).toEqual([]);
  expect(coverage.transitions.missing).toEqual([]);
});
