// Expected behaviour of the account (root) machine (account.machine.ts), one row per transition
// and guard outcome, written from what each transition is FOR (the header comment of
// account.machine.ts and docs/WORKFLOW_STATE_MACHINE.md). test/paths/account.paths.test.ts replays
// every transition of the real machine and checks each step against its row.
//
// The design in short: config validation comes first (a rejection ends everything); startup
// hydration, then the private stream, then replay of the buffered rows, then readiness. Readiness
// is announced once, with how it came about (startup, reconnect after a gap, an operator's
// resync, a restore), and is withdrawn on leaving `ready`. A stream loss drops readiness, makes
// the known scopes recovery-required and runs the reconnect hydration before replay. Scope
// spawns and stops go to the scope's shard (created on first use); failures and recovery
// requests are reported to the runtime. Readiness never opens while the private stream is down.
import type { AccountContext } from './account.machine.js';
import { groupOf } from './shard-group.machine.js';
import type { BehaviourRow, BehaviourTable, ObservedStep, StepView } from './common.behaviour.js';

type S = StepView<AccountContext>;

const streamUp = (s: S) => s.context.streamReady;
const streamDown = (s: S) => !s.context.streamReady;
const failed = (s: S) => ({ error: s.event.error });
const startup = { actions: ['viaStartup'], actors: ['startupHydration'] };

/**
 * How the readiness being opened came about, from the run so far: the hydration it follows
 * (startup or reconnect) and, for a reconnect, whether an operator's resync asked for it (a resync
 * stays requested until a reconnect hydration completes, even across a stream gap).
 */
export function readinessVia(history: readonly ObservedStep[]): 'startup' | 'reconnect' | 'resync' {
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i]!;
    if (h.eventType === 'xstate.done.actor.startupHydration') return 'startup';
    if (h.eventType !== 'xstate.done.actor.reconnectHydration') continue;
    for (let j = i - 1; j >= 0; j--) {
      const g = history[j]!;
      if (g.eventType === 'account.resync' && g.to === 'reconnectHydrating') return 'resync';
      if (g.eventType === 'xstate.done.actor.reconnectHydration') break;
    }
    return 'reconnect';
  }
  return 'startup';
}


/** A stream loss in a state that is about to open readiness: the reconnect snapshot runs first. */
function lossBeforeReadiness(from: 'replaying' | 'restoring'): BehaviourRow<AccountContext> {
  return {
    from, event: 'stream.lost', to: 'reconnecting', actions: ['markStreamLost', 'onStreamLost'],
    why: 'a gap before readiness: known scopes become recovery-required and the reconnect hydration runs before readiness',
  };
}

export const accountBehaviour: BehaviourTable<AccountContext> = {
  machine: 'account',
  rows: [
    { from: '(start)', event: '(start)', to: 'configuring', actors: ['validateConfig'], why: 'the configuration is validated before anything else exists' },

    // Anywhere (unless a state says otherwise).
    { from: '*', event: 'stream.ready', actions: ['markStreamReady'], why: 'remember the private stream is usable (connecting and reconnecting wait for it)' },
    { from: '*', event: 'stream.lost', actions: ['markStreamLost'], why: 'remember the stream is down; before readiness there is nothing to withdraw' },
    {
      from: '*', event: 'scope.spawn', actions: ['toShard'],
      actors: (s) => (s.children[groupOf(s.event.scopeKey)] ? [] : ['group']),
      sends: (s) => [{ to: groupOf(s.event.scopeKey), event: { type: 'scope.spawn', scopeKey: s.event.scopeKey } }],
      why: 'the scope\'s shard group hands it to its shard, which spawns its owner; the group is created on first use',
    },
    {
      from: '*', event: 'scope.stop', actions: ['toShard'],
      sends: (s) => (s.children[groupOf(s.event.scopeKey)] ? [{ to: groupOf(s.event.scopeKey), event: { type: 'scope.stop', scopeKey: s.event.scopeKey } }] : []),
      why: 'the scope\'s shard group has its shard stop the owner; a group that does not exist is not created for a stop',
    },
    { from: '*', event: 'scope.recover', actions: [(s: S) => ({ type: 'onRecoveryRequested', params: { scopeKey: s.event.scopeKey, reason: s.event.reason } })], why: 'an operator\'s scoped recovery is handed to the runtime' },
    { from: '*', event: 'scope.failed', actions: [(s: S) => ({ type: 'onScopeFailed', params: { error: s.event.error, scopeKey: s.event.scopeKey } })], why: 'a failed scope (reported by its shard) is journaled and respawned; the root keeps running' },
    { from: '*', event: 'xstate.error.actor.*', actions: [(s: S) => ({ type: 'onScopeFailed', params: { error: s.event.error, scopeKey: s.event.type.slice('xstate.error.actor.'.length) } })], why: 'a failed child (a shard) is reported the same way; the root keeps running' },
    { from: '*', event: 'account.stop', to: 'stopping', actors: ['drain'], why: 'stopping drains the answers already on their way' },

    // configuring
    { from: 'configuring', event: 'account.start', actions: ['requestStart'], why: 'a start during validation is remembered' },
    { from: 'configuring', event: 'xstate.done.actor.validateConfig', to: 'configured', why: 'a valid configuration' },
    { from: 'configuring', event: 'xstate.error.actor.validateConfig', to: 'rejected', actions: [(s: S) => ({ type: 'onConfigRejected', params: failed(s) })], why: 'a rejected configuration is journaled; nothing is hydrated, connected or planned' },

    // rejected: nothing starts.
    { from: 'rejected', event: 'account.hydrate', why: 'a rejected configuration never hydrates' },
    { from: 'rejected', event: 'account.start', why: 'a rejected configuration never starts' },
    { from: 'rejected', event: 'stream.ready', why: 'a rejected account does not take the stream' },

    // configured
    { from: 'configured', event: 'always', guard: 'start requested', when: (s) => s.context.startRequested, to: 'hydrating', ...startup, why: 'a start requested during validation hydrates at once' },
    { from: 'configured', event: 'account.restore', guard: 'stream ready', when: streamUp, to: 'restoring', actors: ['restoreHydration'], why: 'a service that was already running is restored, its state trusted as it stands' },
    { from: 'configured', event: 'account.restore', guard: 'stream down', when: streamDown, why: 'no restore (and no readiness) without a live stream' },
    { from: 'configured', event: 'account.hydrate', to: 'hydrating', ...startup, why: 'hydrate without starting (readiness waits for a start)' },
    { from: 'configured', event: 'account.start', to: 'hydrating', actions: ['requestStart', 'viaStartup'], actors: ['startupHydration'], why: 'a start runs the startup hydration' },

    // restoring
    { from: 'restoring', event: 'xstate.done.actor.restoreHydration', to: 'ready', actions: ['requestStart', 'viaResume', 'resetHydrationFailures', 'snapshotTaken', { type: 'onServiceReady', params: { via: 'resume' } }], why: 'restored: ready at once, nothing announced or queued' },
    { from: 'restoring', event: 'xstate.error.actor.restoreHydration', to: 'hydrationBackoff', actions: ['requestStart', 'countHydrationFailure', (s: S) => ({ type: 'onHydrationFailed', params: failed(s) })], timers: ['HYDRATION_RETRY'], why: 'a failed restore falls back to a startup hydration after a backoff, and still starts on its own' },
    lossBeforeReadiness('restoring'),

    // hydrating
    { from: 'hydrating', event: 'account.start', actions: ['requestStart'], why: 'a start during the hydration is remembered' },
    { from: 'hydrating', event: 'xstate.done.actor.startupHydration', guard: 'start requested', when: (s) => s.context.startRequested, to: 'connecting', actions: ['resetHydrationFailures', 'snapshotTaken'], why: 'hydrated and started: wait for the private stream (the failure streak ends; no gap since this snapshot)' },
    { from: 'hydrating', event: 'xstate.done.actor.startupHydration', guard: 'not started', when: (s) => !s.context.startRequested, to: 'hydrated', actions: ['resetHydrationFailures', 'snapshotTaken'], why: 'hydrated only: wait for a start (the failure streak ends; no gap since this snapshot)' },
    { from: 'hydrating', event: 'xstate.error.actor.startupHydration', to: 'hydrationBackoff', actions: ['countHydrationFailure', (s: S) => ({ type: 'onHydrationFailed', params: failed(s) })], timers: ['HYDRATION_RETRY'], why: 'a failed hydration is counted (longer waits in a streak), journaled and retried after a backoff' },
    { from: 'hydrationBackoff', event: 'xstate.after.HYDRATION_RETRY', to: 'hydrating', ...startup, why: 'retry the startup hydration' },

    // hydrated
    { from: 'hydrated', event: 'account.hydrate', to: 'hydrating', ...startup, why: 'hydrate again' },
    { from: 'hydrated', event: 'account.start', to: 'connecting', actions: ['requestStart'], why: 'started after hydrating: wait for the private stream' },

    // connecting
    { from: 'connecting', event: 'always', guard: 'stream ready, no gap since the snapshot', when: (s) => streamUp(s) && !s.context.gapSinceSnapshot, to: 'replaying', actors: ['replayBuffered'], why: 'the stream is usable: apply the rows buffered since the snapshot' },
    { from: 'connecting', event: 'always', guard: 'stream ready after a gap since the snapshot', when: (s) => streamUp(s) && s.context.gapSinceSnapshot, to: 'reconnectHydrating', actors: ['reconnectHydration'], why: 'the stream dropped after the startup snapshot: rows may be missing, take a fresh snapshot before readiness' },
    { from: 'connecting', event: 'account.hydrate', to: 'hydrating', ...startup, why: 'hydrate again before readiness' },

    // replaying
    { from: 'replaying', event: 'xstate.done.actor.replayBuffered', to: 'ready', actions: (s) => [{ type: 'onServiceReady', params: { via: readinessVia(s.history) } }],
      reach: { by: (s) => readinessVia(s.history), each: ['startup', 'reconnect', 'resync'] }, why: 'replayed: readiness opens, announced with how it came about' },
    { from: 'replaying', event: 'xstate.error.actor.replayBuffered', to: 'reconnecting', actions: ['markGap', (s: S) => ({ type: 'onHydrationFailed', params: failed(s) })], why: 'the buffer cannot be trusted: said, then the full reconnect snapshot' },
    lossBeforeReadiness('replaying'),

    // ready
    { from: 'ready', event: 'stream.lost', to: 'reconnecting', actions: ['onServiceNotReady', 'markStreamLost', 'onStreamLost'], why: 'a gap: readiness drops, known scopes become recovery-required' },
    { from: 'ready', event: 'account.hydrate', to: 'hydrating', actions: ['onServiceNotReady', 'viaStartup'], actors: ['startupHydration'], why: 'a full hydration withdraws readiness until it is replayed again' },
    { from: 'ready', event: 'account.resync', to: 'reconnectHydrating', actions: ['onServiceNotReady', 'markResync'], actors: ['reconnectHydration'], why: 'an operator\'s resync: readiness drops, the reconnect snapshot runs without a stream gap' },
    { from: 'ready', event: 'account.stop', to: 'stopping', actions: ['onServiceNotReady'], actors: ['drain'], why: 'stopping closes readiness first, then drains' },

    // reconnecting
    { from: 'reconnecting', event: 'always', guard: 'stream ready', when: streamUp, to: 'reconnectHydrating', actors: ['reconnectHydration'], why: 'the stream is back: take the full reconnect snapshot' },

    // reconnectHydrating
    { from: 'reconnectHydrating', event: 'stream.lost', to: 'reconnecting', actions: ['markStreamLost', 'onStreamLost'], why: 'lost again: the snapshot may predate the new gap, wait and start over' },
    { from: 'reconnectHydrating', event: 'xstate.done.actor.reconnectHydration', to: 'replaying', actions: ['viaReconnectOrResync', 'resetHydrationFailures', 'snapshotTaken'], actors: ['replayBuffered'], why: 'the snapshot is in (the failure streak ends): replay the buffered rows' },
    { from: 'reconnectHydrating', event: 'xstate.error.actor.reconnectHydration', to: 'reconnectBackoff', actions: ['countHydrationFailure', (s: S) => ({ type: 'onHydrationFailed', params: failed(s) })], timers: ['HYDRATION_RETRY'], why: 'a failed reconnect hydration is journaled and retried after a backoff' },

    // reconnectBackoff
    { from: 'reconnectBackoff', event: 'xstate.after.HYDRATION_RETRY', to: 'reconnectHydrating', actors: ['reconnectHydration'], why: 'retry the reconnect hydration (a loss during the backoff leaves for reconnecting first)' },
    { from: 'reconnectBackoff', event: 'stream.lost', to: 'reconnecting', actions: ['markStreamLost', 'onStreamLost'], why: 'lost during the backoff: wait for the stream before hydrating again' },

    // stopping
    { from: 'stopping', event: 'xstate.done.actor.drain', to: 'stopped', why: 'drained: done' },
    { from: 'stopping', event: 'xstate.error.actor.drain', to: 'stopped', why: 'a failed drain still ends the account' },
    { from: 'stopping', event: 'account.stop', why: 'already stopping: a second stop changes nothing (the drain is not restarted)' },
  ],
};
