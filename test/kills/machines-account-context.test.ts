// Kills the last open machines/ survivors of the 2026-12-02 path-tests-only Stryker run
// (docs/MUTATION_SURVIVORS_MACHINES.md), written from what each piece of context is for: failed
// hydrations count up (the retry waits longer each time) and a success resets them; a reconnect
// hydration says why it runs (the stream came back, or the operator's resync with its reason,
// `operator` when none was given); a restore with no pending list restores nothing pending; a
// stopped account is final; a scope's retries reset once a step succeeds; a silent stream is a gap.
import { createActor, fromPromise, waitFor } from 'xstate';
import { accountMachine } from '../../machines/account.machine.js';
import { scopeMachine } from '../../machines/scope.machine.js';
import { streamMachine } from '../../machines/stream.machine.js';

const ok = fromPromise<void, void>(async () => {});

test('each failed startup hydration counts one more failure; the hydration that succeeds resets the count', async () => {
  let calls = 0;
  const account = createActor(accountMachine.provide({
    actors: {
      validateConfig: ok,
      startupHydration: fromPromise<void, void>(async () => {
        calls += 1;
        if (calls <= 2) throw new Error(`venue down (${calls})`);
      }),
    },
    delays: { HYDRATION_RETRY: 5 },
  })).start();
  const failures: number[] = [];
  account.subscribe((s) => {
    if (s.value === 'hydrationBackoff') failures.push(s.context.hydrationFailures);
  });
  await waitFor(account, (s) => s.value === 'configured', { timeout: 2_000 });
  account.send({ type: 'account.hydrate' });
  await waitFor(account, (s) => s.value === 'hydrated', { timeout: 2_000 });
  expect([...new Set(failures)]).toEqual([1, 2]);
  expect(account.getSnapshot().context.hydrationFailures).toBe(0);
  account.stop();
});

/** An account brought to ready with a stream; reconnect hydrations record the reason they were given. */
async function readyAccount(reasons: string[], restorePending?: unknown[][]) {
  const account = createActor(accountMachine.provide({
    actors: {
      validateConfig: ok,
      startupHydration: ok,
      replayBuffered: ok,
      reconnectHydration: fromPromise<void, { reason: string }>(async ({ input }) => {
        reasons.push(input.reason);
      }),
      restoreHydration: fromPromise<void, { pending: readonly unknown[] }>(async ({ input }) => {
        restorePending?.push([...input.pending]);
      }),
    },
  })).start();
  return account;
}

test('a reconnect hydration after a gap runs for `stream_reconnected`; an operator\'s resync for its reason, `operator` when it gave none', async () => {
  const reasons: string[] = [];
  const account = await readyAccount(reasons);
  account.send({ type: 'stream.ready' });
  account.send({ type: 'account.start' });
  await waitFor(account, (s) => s.value === 'ready', { timeout: 2_000 });
  account.send({ type: 'stream.lost', reason: 'socket closed' });
  account.send({ type: 'stream.ready' });
  await waitFor(account, (s) => s.value === 'ready', { timeout: 2_000 });
  account.send({ type: 'account.resync', reason: 'operator_cli' });
  await waitFor(account, (s) => s.value === 'ready' && reasons.length === 2, { timeout: 2_000 });
  account.send({ type: 'account.resync' } as never);
  await waitFor(account, (s) => s.value === 'ready' && reasons.length === 3, { timeout: 2_000 });
  expect(reasons).toEqual(['stream_reconnected', 'operator_cli', 'operator']);
  expect(account.getSnapshot().context.readyVia).toBe('resync');
  account.stop();
});

test('a restore that names no pending confirmations restores none', async () => {
  const pending: unknown[][] = [];
  const account = await readyAccount([], pending);
  account.send({ type: 'stream.ready' });
  await waitFor(account, (s) => s.value === 'configured', { timeout: 2_000 });
  account.send({ type: 'account.restore' } as never);
  await waitFor(account, (s) => s.value === 'ready', { timeout: 2_000 });
  expect(pending).toEqual([[]]);
  account.stop();
});

test('a stopped account is done: its drain ran and nothing runs after it', async () => {
  const account = createActor(accountMachine.provide({ actors: { validateConfig: ok } })).start();
  account.send({ type: 'account.stop' });
  await waitFor(account, (s) => s.value === 'stopped', { timeout: 2_000 });
  expect(account.getSnapshot().status).toBe('done');
});

test('a scope\'s retries reset once a step succeeds after a failure', async () => {
  const scope = createActor(scopeMachine.provide({ delays: { RETRY_BACKOFF: 5 } }), { input: { scopeKey: 'binance:linear:BTCUSDT:LONG' } }).start();
  scope.send({ type: 'scope.affected', reason: 'position', immediate: true });
  scope.send({ type: 'pass.failed', reason: 'venue down' } as never);
  expect(scope.getSnapshot().context.retries).toBe(1);
  await waitFor(scope, (s) => s.value === 'planning', { timeout: 2_000 });
  scope.send({ type: 'pass.done', next: 'done' } as never);
  expect(scope.getSnapshot().value).toBe('idle');
  expect(scope.getSnapshot().context.retries).toBe(0);
  scope.stop();
});

test('an open stream that stays silent past the heartbeat timeout is a gap (the watchdog is on unless the runtime turns it off)', async () => {
  const lost: string[] = [];
  const stream = createActor(streamMachine.provide({
    delays: { HEARTBEAT_TIMEOUT: 20, RECONNECT_BACKOFF: 60_000 },
    actions: { notifyLost: (_args, params: { reason: string }) => void lost.push(params.reason) },
  })).start();
  stream.send({ type: 'transport.open' });
  await waitFor(stream, (s) => s.value === 'backoff', { timeout: 2_000 });
  expect(lost).toEqual(['heartbeat_timeout']);
  stream.stop();
});
