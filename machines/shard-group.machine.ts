// A shard group routes a slice of the account's scopes to its shards (shard.machine.ts). XState
// copies a parent's children map on every spawn and stop (and a stopping parent stops its
// children one copy at a time), so a parent of k children costs O(k^2): at 100,000 scopes one
// level of 256 shards held ~390 scopes each and stopping the account took minutes. Two levels
// (GROUP_COUNT groups of SHARDS_PER_GROUP shards) keep every parent small. A group has no logic of
// its own: it makes the shard a scope belongs to on first use, forwards spawn and stop, and
// reports failures up.
import { enqueueActions, sendParent, setup } from 'xstate';
import { shardMachine, type ShardEvent } from './shard.machine.js';

/** Shard groups under the account. */
export const GROUP_COUNT = 256;
/** Shards under each group: GROUP_COUNT x SHARDS_PER_GROUP shards in all. */
export const SHARDS_PER_GROUP = 32;

/** FNV-1a of the scope key: the group takes its low bits, the shard the bits above them. */
function hashOf(scopeKey: string): number {
  let h = 2166136261;
  for (let i = 0; i < scopeKey.length; i++) h = Math.imul(h ^ scopeKey.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The group that owns a scope (a child of the account). */
export function groupOf(scopeKey: string): string {
  return `group-${hashOf(scopeKey) % GROUP_COUNT}`;
}

/** The shard that owns a scope, within its group. */
export function shardOf(scopeKey: string): string {
  return `shard-${Math.floor(hashOf(scopeKey) / GROUP_COUNT) % SHARDS_PER_GROUP}`;
}

export type ShardGroupEvent = ShardEvent | { type: 'scope.failed'; scopeKey: string; error: unknown };

export const shardGroupMachine = setup({
  types: { events: {} as ShardGroupEvent },
  actors: { shard: shardMachine },
  actions: {
    /** Hands a spawn or stop to the scope's shard, making the shard on first use (a stop never makes one). */
    toShard: enqueueActions(({ enqueue, event, self }) => {
      const e = event as { type: 'scope.spawn' | 'scope.stop'; scopeKey: string };
      const shard = shardOf(e.scopeKey);
      if (!(self.getSnapshot() as { children?: Record<string, unknown> } | undefined)?.children?.[shard]) {
        if (e.type === 'scope.stop') return;
        enqueue.spawnChild('shard', { id: shard });
      }
      enqueue.sendTo(shard, { type: e.type, scopeKey: e.scopeKey });
    }),
    /** A shard reported a failed scope: the account hears it as it is. */
    forwardFailure: sendParent(({ event }) => event as Extract<ShardGroupEvent, { type: 'scope.failed' }>),
    /** A shard itself failed: reported like a scope, named by the shard's id. */
    reportFailure: sendParent(({ event }) => {
      const e = event as unknown as { type: string; error?: unknown };
      return { type: 'scope.failed' as const, scopeKey: e.type.slice('xstate.error.actor.'.length), error: e.error };
    }),
  },
}).createMachine({
  id: 'shardGroup',
  on: {
    'scope.spawn': { actions: 'toShard' },
    'scope.stop': { actions: 'toShard' },
    'scope.failed': { actions: 'forwardFailure' },
    'xstate.error.actor.*': { actions: 'reportFailure' },
  },
});
