// Every transition of a shard group, reached on the real machine under a recording parent (its
// failure reports go there), and every step checked against the behaviour table
// (machines/shard-group.behaviour.ts). Its shards are stand-ins that fail for real on demand (the
// shard machine's own path test covers the real shard).
import { setup } from 'xstate';
import { shardGroupBehaviour } from '../../machines/shard-group.behaviour.js';
import { shardGroupMachine, shardOf } from '../../machines/shard-group.machine.js';
import { assertBehaviour, coverMachine } from './path-driver.js';

// Two keys on two different shards of whatever group: the group under test routes by shard only.
const KEYS = ['generic:linear:BTCUSDT:LONG', 'generic:linear:ETHUSDT:SHORT'];
const failure = new Error('shard threw');
/** A shard that takes spawns and stops and fails when told to. */
const failingShard = setup({ actions: { boom: () => { throw failure; } } }).createMachine({
  id: 'shard', on: { 'scope.spawn': {}, 'scope.stop': {}, fail: { actions: 'boom' } },
});
const activeShards = (snapshot: any) => Object.entries(snapshot.children).filter(([, c]: [string, any]) => c?.getSnapshot().status === 'active').map(([id]) => id);

function payloads(type: string, snapshot: any) {
  switch (type) {
    case 'scope.spawn':
    case 'scope.stop':
      return KEYS.map((scopeKey) => ({ type, scopeKey }));
    case 'scope.failed':
      return [{ type, scopeKey: KEYS[0], error: failure }];
    case 'xstate.error.actor.*':
      // Only a running shard can fail.
      return activeShards(snapshot).map((id) => ({ type: `xstate.error.actor.${id}`, error: failure }));
    default:
      return [{ type }];
  }
}

test('the keys of this test are on two shards', () => {
  expect(shardOf(KEYS[0]!)).not.toBe(shardOf(KEYS[1]!));
});

test('shard group machine: every transition is reached and behaves as its table says', async () => {
  const coverage = await coverMachine({
    machine: shardGroupMachine,
    actors: [],
    delays: {},
    payloads,
    provide: { actors: { shard: failingShard } },
    // A failure report needs a parent, which the graph's pure transitions do not have.
    graphSkip: ['xstate.error.actor.*', 'scope.failed'],
    withParent: true,
    // Make the shard fail for real instead of forging its error event.
    deliver: (e, ctx) => {
      if (!e.type.startsWith('xstate.error.actor.')) return false;
      const child = (ctx.actor.getSnapshot() as any).children[e.type.slice('xstate.error.actor.'.length)];
      child.send({ type: 'fail' });
      return true;
    },
    serialize: (s: any) => JSON.stringify(Object.keys(s.children).sort()),
    table: shardGroupBehaviour,
  });
  const b = coverage.behaviour!;
  process.stdout.write(`shard group machine coverage: states ${coverage.states.covered}/${coverage.states.total}, transitions ${coverage.transitions.covered}/${coverage.transitions.total}, behaviour rows ${b.reached}/${b.rows} over ${b.steps} steps (${coverage.paths} shortest paths, ${coverage.replays} replays)\n`);
  for (const d of b.defects) process.stdout.write(`shard group machine known defect: ${d}\n`);
  assertBehaviour('shardGroup', b);
  expect(coverage.states.missing).toEqual([]);
  expect(coverage.transitions.missing).toEqual([]);
});
