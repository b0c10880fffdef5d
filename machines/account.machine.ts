// Root of one account: validates config, hydrates, connects the private stream (buffering rows),
// replays, and opens service readiness; on stream loss it drops readiness, marks known scopes
// recovery-required and runs reconnect hydration before replaying and reopening. It spawns one
// scope actor per symbol-side scope and supervises their errors.
import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import { groupOf, shardGroupMachine } from './shard-group.machine.js';

export interface AccountContext {
  streamReady: boolean;
  startRequested: boolean;
  /** Shard groups spawned so far (control state: which supervisors exist; see shard-group.machine.ts). */
  shards: Record<string, true>;
  /** How the account is coming to readiness: a startup, a reconnect after a gap, an operator's resync, or a restore. */
  readyVia: 'startup' | 'reconnect' | 'resync' | 'resume';
  /** Why the next reconnect hydration runs: the stream came back, or an operator asked for a resync. */
  resync?: { reason: string };
  /** Hydrations failed in a row: the retry waits longer each time. */
  hydrationFailures: number;
  /** The stream dropped after the last snapshot was taken: rows may be missing, replay alone is not enough. */
  gapSinceSnapshot: boolean;
}

export type AccountEvent =
  | { type: 'account.hydrate' }
  | { type: 'account.start' }
  /** Restore a service that was already running (its snapshot and contexts trusted as they stand). */
  | { type: 'account.restore'; pending: readonly unknown[] }
  /** An operator asks for a full resync: reconnect hydration without a stream gap. */
  | { type: 'account.resync'; reason: string }
  /** An operator (or a check) asks for a scoped recovery of one scope. */
  | { type: 'scope.recover'; scopeKey: string; reason: string }
  | { type: 'account.stop' }
  | { type: 'stream.ready' }
  | { type: 'stream.lost'; reason: string }
  | { type: 'scope.spawn'; scopeKey: string }
  | { type: 'scope.stop'; scopeKey: string }
  | { type: 'scope.failed'; scopeKey: string; error: unknown };

export const accountMachine = setup({
  types: {
    context: {} as AccountContext,
    events: {} as AccountEvent,
  },
  actors: {
    group: shardGroupMachine,
    validateConfig: fromPromise<void, void>(async () => {
      throw new Error('validateConfig is provided by the runtime');
    }),
    startupHydration: fromPromise<void, void>(async () => {
      throw new Error('startupHydration is provided by the runtime');
    }),
    reconnectHydration: fromPromise<void, { reason: string }>(async () => {
      throw new Error('reconnectHydration is provided by the runtime');
    }),
    replayBuffered: fromPromise<void, void>(async () => {
      throw new Error('replayBuffered is provided by the runtime');
    }),
    restoreHydration: fromPromise<void, { pending: readonly unknown[] }>(async () => {
      throw new Error('restoreHydration is provided by the runtime');
    }),
    drain: fromPromise<void, void>(async () => {}),
  },
  guards: {
    streamReady: ({ context }) => context.streamReady,
    streamReadyAfterGap: ({ context }) => context.streamReady && context.gapSinceSnapshot,
    startRequested: ({ context }) => context.startRequested,
  },
  actions: {
    /** Hands a spawn/stop to the scope's shard group, creating the group on first use. */
    // (typed loosely: enqueueActions inside setup() does not infer this machine's types)
    toShard: enqueueActions(({ enqueue, event, context }: { enqueue: any; event: AccountEvent; context: AccountContext }) => {
      const e = event as { type: 'scope.spawn' | 'scope.stop'; scopeKey: string };
      const group = groupOf(e.scopeKey);
      if (!context.shards[group]) {
        if (e.type === 'scope.stop') return;
        enqueue.spawnChild('group', { id: group });
        enqueue.assign({ shards: { ...context.shards, [group]: true } });
      }
      enqueue.sendTo(group, { type: e.type, scopeKey: e.scopeKey });
    }) as never,
    markStreamReady: assign({ streamReady: true }),
    markStreamLost: assign({ streamReady: false, gapSinceSnapshot: true }),
    snapshotTaken: assign({ gapSinceSnapshot: false }),
    markGap: assign({ gapSinceSnapshot: true }),
    requestStart: assign({ startRequested: true }),
    viaStartup: assign({ readyVia: 'startup' as const }),
    viaResume: assign({ readyVia: 'resume' as const }),
    viaReconnectOrResync: assign({ readyVia: ({ context }) => (context.resync ? 'resync' as const : 'reconnect' as const), resync: () => undefined }),
    countHydrationFailure: assign({ hydrationFailures: ({ context }) => context.hydrationFailures + 1 }),
    resetHydrationFailures: assign({ hydrationFailures: 0 }),
    markResync: assign({ resync: ({ event }) => ({ reason: (event as { reason?: string }).reason ?? 'operator' }) }),
    // Runtime hooks (journal + AccountState): provided by the runtime.
    onConfigRejected: (_args, _params: { error: unknown }) => {},
    onServiceReady: (_args, _params: { via: AccountContext['readyVia'] }) => {},
    onServiceNotReady: () => {},
    onStreamLost: () => {},
    onScopeFailed: (_args, _params: { error: unknown; scopeKey: string }) => {},
    onRecoveryRequested: (_args, _params: { scopeKey: string; reason: string }) => {},
    onHydrationFailed: (_args, _params: { error: unknown }) => {},
  },
  delays: {
    HYDRATION_RETRY: 1_000,
  },
}).createMachine({
  id: 'account',
  context: { streamReady: false, startRequested: false, shards: {}, readyVia: 'startup', hydrationFailures: 0, gapSinceSnapshot: false },
  initial: 'configuring',
  on: {
    'stream.ready': { actions: 'markStreamReady' },
    'stream.lost': { actions: 'markStreamLost' },
    'scope.spawn': { actions: 'toShard' },
    'scope.stop': { actions: 'toShard' },
    'scope.recover': { actions: { type: 'onRecoveryRequested', params: ({ event }) => ({ scopeKey: event.scopeKey, reason: event.reason }) } },
    // A failed scope actor never stops the root: its shard reports it, the runtime journals it
    // and respawns the scope. A failed shard is reported the same way.
    'scope.failed': { actions: { type: 'onScopeFailed', params: ({ event }) => ({ error: event.error, scopeKey: event.scopeKey }) } },
    'xstate.error.actor.*': {
      actions: {
        type: 'onScopeFailed',
        params: ({ event }: { event: unknown }) => {
          const e = event as { type: string; error?: unknown };
          return { error: e.error, scopeKey: e.type.slice('xstate.error.actor.'.length) };
        },
      },
    },
    'account.stop': '.stopping',
  },
  states: {
    configuring: {
      on: { 'account.start': { actions: 'requestStart' } },
      invoke: {
        id: 'validateConfig',
        src: 'validateConfig',
        onDone: 'configured',
        onError: { target: 'rejected', actions: { type: 'onConfigRejected', params: ({ event }) => ({ error: event.error }) } },
      },
    },
    rejected: {
      on: { 'account.hydrate': {}, 'account.start': {}, 'stream.ready': {} },
    },
    configured: {
      always: { guard: 'startRequested', target: 'hydrating' },
      on: {
        // A service that was already running (restored): its state is trusted as it stands.
        'account.restore': { guard: 'streamReady', target: 'restoring' },
        'account.hydrate': 'hydrating',
        'account.start': { target: 'hydrating', actions: 'requestStart' },
      },
    },
    hydrating: {
      entry: 'viaStartup',
      on: { 'account.start': { actions: 'requestStart' } },
      invoke: {
        id: 'startupHydration',
        src: 'startupHydration',
        onDone: [{ guard: 'startRequested', target: 'connecting', actions: ['resetHydrationFailures', 'snapshotTaken'] }, { target: 'hydrated', actions: ['resetHydrationFailures', 'snapshotTaken'] }],
        onError: { target: 'hydrationBackoff', actions: ['countHydrationFailure', { type: 'onHydrationFailed', params: ({ event }) => ({ error: event.error }) }] },
      },
    },
    restoring: {
      // A gap before readiness: the reconnect snapshot runs before readiness opens.
      on: { 'stream.lost': { target: 'reconnecting', actions: ['markStreamLost', 'onStreamLost'] } },
      invoke: {
        id: 'restoreHydration',
        src: 'restoreHydration',
        input: ({ event }) => ({ pending: (event as { pending?: readonly unknown[] }).pending ?? [] }),
        onDone: { target: 'ready', actions: ['requestStart', 'viaResume', 'resetHydrationFailures', 'snapshotTaken'] },
        // A restore that fails falls back to a full startup (and still starts on its own).
        onError: { target: 'hydrationBackoff', actions: ['requestStart', 'countHydrationFailure', { type: 'onHydrationFailed', params: ({ event }) => ({ error: event.error }) }] },
      },
    },
    hydrationBackoff: {
      after: { HYDRATION_RETRY: 'hydrating' },
    },
    hydrated: {
      on: {
        'account.hydrate': 'hydrating',
        'account.start': { target: 'connecting', actions: 'requestStart' },
      },
    },
    connecting: {
      // Rows may be missing when the stream dropped after the startup snapshot: take a fresh one.
      always: [{ guard: 'streamReadyAfterGap', target: 'reconnectHydrating' }, { guard: 'streamReady', target: 'replaying' }],
      on: { 'account.hydrate': 'hydrating' },
    },
    replaying: {
      on: { 'stream.lost': { target: 'reconnecting', actions: ['markStreamLost', 'onStreamLost'] } },
      invoke: {
        id: 'replayBuffered', src: 'replayBuffered', onDone: 'ready',
        // The buffer cannot be trusted: said, then the full reconnect snapshot.
        onError: { target: 'reconnecting', actions: ['markGap', { type: 'onHydrationFailed', params: ({ event }) => ({ error: event.error }) }] },
      },
    },
    ready: {
      entry: { type: 'onServiceReady', params: ({ context }) => ({ via: context.readyVia }) },
      exit: 'onServiceNotReady',
      on: {
        'stream.lost': { target: 'reconnecting', actions: ['markStreamLost', 'onStreamLost'] },
        'account.hydrate': 'hydrating',
        'account.resync': { target: 'reconnectHydrating', actions: 'markResync' },
      },
    },
    reconnecting: {
      always: { guard: 'streamReady', target: 'reconnectHydrating' },
    },
    reconnectHydrating: {
      on: { 'stream.lost': { target: 'reconnecting', actions: ['markStreamLost', 'onStreamLost'] } },
      invoke: {
        id: 'reconnectHydration',
        src: 'reconnectHydration',
        input: ({ context }) => ({ reason: context.resync?.reason ?? 'stream_reconnected' }),
        onDone: { target: 'replaying', actions: ['viaReconnectOrResync', 'resetHydrationFailures', 'snapshotTaken'] },
        onError: { target: 'reconnectBackoff', actions: ['countHydrationFailure', { type: 'onHydrationFailed', params: ({ event }) => ({ error: event.error }) }] },
      },
    },
    reconnectBackoff: {
      on: { 'stream.lost': { target: 'reconnecting', actions: ['markStreamLost', 'onStreamLost'] } },
      after: { HYDRATION_RETRY: 'reconnectHydrating' },
    },
    stopping: {
      // Already stopping: a second stop changes nothing (the drain is not restarted).
      on: { 'account.stop': {} },
      invoke: { id: 'drain', src: 'drain', onDone: 'stopped', onError: 'stopped' },
    },
    stopped: { type: 'final' },
  },
});

export type AccountMachine = typeof accountMachine;
