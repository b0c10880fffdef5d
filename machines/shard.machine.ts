// A shard supervises a slice of the account's scope actors. XState copies a parent's children
// map on every spawn and stop, so one flat parent of N scopes costs O(N^2); 256 shards keep each
// copy small. A shard has no logic of its own: it spawns, stops, and reports failed scopes up.
import { sendParent, setup, spawnChild, stopChild } from 'xstate';
import { scopeMachine } from './scope.machine.js';

export type ShardEvent =
  | { type: 'scope.spawn'; scopeKey: string }
  | { type: 'scope.stop'; scopeKey: string };

export const shardMachine = setup({
  types: { events: {} as ShardEvent },
  actors: { scope: scopeMachine },
  actions: {
    spawnScope: spawnChild('scope', {
      id: ({ event }) => (event as { scopeKey: string }).scopeKey,
      input: ({ event }) => ({ scopeKey: (event as { scopeKey: string }).scopeKey }),
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
