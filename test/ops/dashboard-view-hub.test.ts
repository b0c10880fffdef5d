// The machine view (view-hub.ts) on real XState actors: the real scope machine under a parent, as
// the runtime's shards hold them. Detached (nobody watching) it records nothing and handles no
// inspection event; attached it records each scope's transitions, the intermediate states of one
// step included, as values and event types only (never a context), bounded per actor and in
// actors; it stays attached a while after the last viewer leaves, then lets go and forgets.
import { createActor, enqueueActions, setup, type AnyActorRef } from 'xstate';
import { scopeMachine } from '../../machines/scope.machine.js';
import { ViewHub, type ViewedRuntime } from '../../src/ops/http/view-hub.js';

const scope = scopeMachine.provide({
  actions: { runPass: enqueueActions(({ enqueue }) => enqueue.raise({ type: 'pass.done', next: 'done' } as never)) as never },
  delays: { MAX_BURST_DELAY: 20 },
});

const parent = setup({ actors: { scope } }).createMachine({
  id: 'shard',
  on: { spawn: { actions: enqueueActions(({ enqueue, event }) => enqueue.spawnChild('scope', { id: (event as unknown as { key: string }).key, input: { scopeKey: (event as unknown as { key: string }).key } })) } },
});

function world() {
  let now = Date.UTC(2026, 0, 1);
  const root = createActor(parent).start();
  const child = (key: string) => root.getSnapshot().children[key] as AnyActorRef;
  const runtime: ViewedRuntime = { root, scopeStateValue: (key) => child(key)?.getSnapshot().value, core: { clock: { now: () => (now += 10) } } };
  const affect = (key: string, immediate = true) => child(key).send({ type: 'scope.affected', reason: 'test', immediate });
  return { root, runtime, child, affect };
}

const settle = (ms = 60) => new Promise((r) => setTimeout(r, ms));

test('detached, nothing is recorded and no inspection event is handled', async () => {
  const { root, runtime, affect } = world();
  const hub = new ViewHub(runtime);
  root.send({ type: 'spawn', key: 'A' } as never);
  affect('A');
  affect('A', false);
  await settle();
  expect(hub.stats()).toEqual({ observing: false, viewers: 0, actors: 0, inspectionEventsHandled: 0 });
  expect(hub.view('A')).toEqual({ observing: false, value: 'idle', since: null, transitions: [] });
  root.stop();
});

test('attached: each transition with time, event type, from and to, the planning a step passes through included, and no context', async () => {
  const { root, runtime, affect } = world();
  const hub = new ViewHub(runtime);
  const told: unknown[] = [];
  hub.onTransition((t) => told.push(t));
  root.send({ type: 'spawn', key: 'A' } as never);
  const release = hub.retain();
  affect('A'); // idle -> planning -> idle within one step
  affect('A', false); // idle -> settling.quiet -> (the max-delay timer: no runtime keeps a quiet window here) planning -> idle
  await settle();
  const view = hub.view('A');
  expect(view.observing).toBe(true);
  expect(view.value).toBe('idle');
  expect(view.transitions.map((t) => [t.from, t.to, t.event])).toEqual([
    ['idle', 'planning', 'scope.affected'],
    ['planning', 'idle', 'pass.done'],
    ['idle', { settling: 'quiet' }, 'scope.affected'],
    [{ settling: 'quiet' }, 'planning', 'after MAX_BURST_DELAY'],
    ['planning', 'idle', 'pass.done'],
  ]);
  expect(view.since).toBe(view.transitions[4]!.at);
  expect(told).toEqual(view.transitions);
  const text = JSON.stringify(view);
  for (const contextField of ['scopeKey', 'passReasons', 'reasons', 'retries', 'planned']) expect(text).not.toContain(contextField);
  release();
  root.stop();
});

test('bounded: 50 transitions per actor, and the least recently changed actors forgotten past the limit', async () => {
  const { root, runtime, affect } = world();
  const hub = new ViewHub(runtime, { maxActors: 2 });
  for (const key of ['A', 'B', 'C']) root.send({ type: 'spawn', key } as never);
  const release = hub.retain();
  for (let i = 0; i < 40; i++) affect('A');
  affect('B');
  affect('C');
  expect(hub.view('A').transitions).toHaveLength(0); // forgotten: B and C changed after it
  expect(hub.view('C').transitions).toHaveLength(2);
  for (let i = 0; i < 40; i++) affect('C');
  expect(hub.view('C').transitions).toHaveLength(50);
  expect(hub.stats().actors).toBe(2);
  release();
  root.stop();
});

test('it lingers after the last viewer leaves (a reload keeps the history), then detaches and forgets', async () => {
  const { root, runtime, affect } = world();
  const hub = new ViewHub(runtime, { lingerMs: 150 });
  root.send({ type: 'spawn', key: 'A' } as never);
  const a = hub.retain();
  const b = hub.retain();
  affect('A');
  a();
  a(); // a second release of the same viewer changes nothing
  expect(hub.stats()).toMatchObject({ observing: true, viewers: 1 });
  b();
  await settle(50);
  expect(hub.observing).toBe(true);
  const c = hub.retain(); // the page reloaded in time: the history is still there
  expect(hub.view('A').transitions).toHaveLength(2);
  c();
  await settle(300);
  expect(hub.stats()).toMatchObject({ observing: false, viewers: 0, actors: 0 });
  const handled = hub.handled;
  affect('A');
  expect(hub.handled).toBe(handled);
  expect(hub.view('A').transitions).toEqual([]);
  root.stop();
});
