// Kills machines/ survivors of the 2026-12-02 path-tests-only Stryker run in the scope machine's
// context (docs/MUTATION_SURVIVORS_MACHINES.md), written from what the context is for: a pass says
// why it runs (the rows that affected the scope, bounded and without repeats, or `follow_up` when
// it runs on its own), retries count up, and the planned requests are exactly what the pass
// returned. The runtime's hooks are left as the machine's no-op defaults: only context is judged.
import { createActor } from 'xstate';
import { MAX_FOLLOW_UP_REASONS, scopeMachine } from '../../machines/scope.machine.js';

const start = () => createActor(scopeMachine, { input: { scopeKey: 'binance:linear:BTCUSDT:LONG' } }).start();

test('a new scope has no reasons, no pass reasons, no retries and nothing planned', () => {
  const scope = start();
  expect(scope.getSnapshot().context).toEqual({ scopeKey: 'binance:linear:BTCUSDT:LONG', reasons: [], passReasons: [], retries: 0, planned: [] });
  scope.stop();
});

test('a pass runs for the reasons that affected the scope; reasons recorded meanwhile are bounded and never repeated', () => {
  const scope = start();
  scope.send({ type: 'scope.affected', reason: 'position', immediate: true });
  expect(scope.getSnapshot().value).toBe('planning');
  expect(scope.getSnapshot().context).toMatchObject({ passReasons: ['position'], reasons: [] });
  for (const reason of ['order', 'order', 'execution', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10']) scope.send({ type: 'scope.affected', reason });
  const reasons = scope.getSnapshot().context.reasons;
  expect(reasons).toHaveLength(MAX_FOLLOW_UP_REASONS);
  expect(new Set(reasons).size).toBe(reasons.length);
  expect(reasons.slice(0, 3)).toEqual(['order', 'execution', 'r3']);
  scope.stop();
});

test('a pass that runs on its own (after a submission asks to recover) says follow_up; planned requests are what the pass returned, cleared after', () => {
  const scope = start();
  scope.send({ type: 'scope.affected', reason: 'position', immediate: true });
  scope.send({ type: 'pass.done', next: 'submit', requests: [{ slot: 'SL' }] } as never);
  expect(scope.getSnapshot().value).toBe('submitting');
  expect(scope.getSnapshot().context.planned).toEqual([{ slot: 'SL' }]);
  scope.send({ type: 'submit.done', next: 'recover' });
  expect(scope.getSnapshot().value).toBe('planning');
  expect(scope.getSnapshot().context).toMatchObject({ passReasons: ['follow_up'], planned: [] });
  scope.send({ type: 'pass.done', next: 'submit' } as never);
  expect(scope.getSnapshot().context.planned).toEqual([]);
  scope.stop();
});

test('each failed step counts one retry', () => {
  const scope = start();
  scope.send({ type: 'scope.affected', reason: 'position', immediate: true });
  scope.send({ type: 'pass.done', next: 'submit', requests: [{ slot: 'SL' }] } as never);
  scope.send({ type: 'submit.failed', reason: 'boom' });
  expect(scope.getSnapshot().value).toBe('backoff');
  expect(scope.getSnapshot().context.retries).toBe(1);
  scope.stop();
});
