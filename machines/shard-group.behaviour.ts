// Expected behaviour of a shard group (shard-group.machine.ts): it routes a slice of the account's
// scopes to its shards and has no logic of its own: it makes a scope's shard on first use, hands
// it the spawn or stop, and passes failures up to the account (a scope's, as its shard reported
// it; a shard's own, named by the shard). test/paths/shard-group.paths.test.ts checks every step
// of the real machine (under a recording parent, with shards that really fail) against these rows.
import type { BehaviourTable, StepView } from './common.behaviour.js';
import { shardOf } from './shard-group.machine.js';

const hasShard = (s: StepView) => s.children[shardOf(s.event.scopeKey)] === 'active';
const failedShard = (s: StepView) => s.event.type.slice('xstate.error.actor.'.length);

export const shardGroupBehaviour: BehaviourTable = {
  machine: 'shardGroup',
  rows: [
    { from: '(start)', event: '(start)', to: '(root)', why: 'a group starts empty' },
    {
      from: '*', event: 'scope.spawn', guard: 'no shard yet', when: (s) => !hasShard(s), actions: ['toShard'], actors: ['shard'],
      sends: (s) => [{ to: shardOf(s.event.scopeKey), event: { type: 'scope.spawn', scopeKey: s.event.scopeKey } }],
      why: 'the scope\'s shard is made on first use and spawns the scope\'s owner',
    },
    {
      from: '*', event: 'scope.spawn', guard: 'shard there', when: hasShard, actions: ['toShard'],
      sends: (s) => [{ to: shardOf(s.event.scopeKey), event: { type: 'scope.spawn', scopeKey: s.event.scopeKey } }],
      why: 'the scope\'s shard spawns its owner (or keeps the running one)',
    },
    {
      from: '*', event: 'scope.stop', guard: 'shard there', when: hasShard, actions: ['toShard'],
      sends: (s) => [{ to: shardOf(s.event.scopeKey), event: { type: 'scope.stop', scopeKey: s.event.scopeKey } }],
      why: 'the scope\'s shard stops its owner',
    },
    { from: '*', event: 'scope.stop', guard: 'no shard', when: (s) => !hasShard(s), actions: ['toShard'], why: 'a stop never makes a shard: nothing to stop' },
    {
      from: '*', event: 'scope.failed', actions: ['forwardFailure'], sends: (s) => [{ to: 'parent', event: s.event }],
      why: 'a failed scope, as its shard reported it, goes to the account as it is (which journals it and respawns the scope)',
    },
    {
      from: '*', event: 'xstate.error.actor.*', actions: ['reportFailure'],
      sends: (s) => [{ to: 'parent', event: { type: 'scope.failed', scopeKey: failedShard(s), error: s.event.error } }],
      why: 'a failed shard is reported like a scope, named by its id; the group keeps running',
    },
  ],
};
