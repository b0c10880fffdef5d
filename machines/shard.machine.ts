// A shard supervises a slice of the account's scope actors, under its shard group
// (shard-group.machine.ts). XState copies a parent's children map on every spawn and stop, so one
// flat parent of N scopes costs O(N^2); two levels keep each copy small. A shard has no logic of
// its own: it spawns, stops, and reports failed scopes up.
import { enqueueActions, sendParent, setup, stopChild } from 'xstate';
import { scopeMachine } from './scope.machine.js';

export type ShardEvent =
  | { type: 'scope.spawn'; scopeKey: string }
  | { type: 'scope.stop'; scopeKey: string };

export const shardMachine = setup({
  types: { events: {} as ShardEvent },
  actors: { scope: scopeMachine },
  actions: {
    /** One owner per scope: a second spawn of a running key keeps the owner it has. */
    spawnScope: enqueueActions(({ enqueue, event, self }) => {
      const scopeKey = (event as { scopeKey: string }).scopeKey;
      if ((self.getSnapshot() as { children?: Record<string, unknown> } | undefined)?.children?.[scopeKey]) return;
      enqueue.spawnChild('scope', { id: scopeKey, input: { scopeKey } });
    }),
    stopScope: stopChild(({ event }) => (event as { scopeKey: string }).scopeKey),
    reportFailure: sendParent(({ event }) => {
      const e = event as unknown as { type: string; error?: unknown };
      return { type: 'scope.failed' as const, scopeKey: e.type.slice('xstate.error.actor.'.length), error: e.error };
    }),
  },
}).createMachine({
  id: 'shard',
  on: {
    'scope.spawn': { actions: 'spawnScope' },
    'scope.stop': { actions: 'stopScope' },
    'xstate.error.actor.*': { actions: 'reportFailure' },
  },
});
