// The account machine's implementation: config validation, startup and reconnect hydration,
// replay of buffered rows, readiness, stream loss, scope supervision, and the drain a stopping
// account runs before the process exits.
import { fromPromise, type AnyActorLogic } from 'xstate';
import { accountMachine, type AccountEvent } from '../../../machines/account.machine.js';
import { shardGroupMachine } from '../../../machines/shard-group.machine.js';
import { shardMachine } from '../../../machines/shard.machine.js';
import type { PrivateEventRouter } from '../private-event-router.js';
import { scrubText } from '../redact.js';
import type { RecoveryHydrator } from '../recovery-hydrator.js';
import type { RuntimeCore } from '../runtime-core.js';
import { doublingBackoffMs } from '../backoff.js';
import type { SubmissionExecutor } from '../submission-executor.js';
import type { ModeEvidence } from '../../venues/plugin.js';

/** ccxt's classes for a refused key, signature or permission, whatever the venue. */
const AUTH_ERROR_CLASS = /AuthenticationError|PermissionDenied/;

/**
 * What a failed hydration says about the account's mode, by the venue's own evidence (its
 * plug-in's codes and HTTP statuses): refused credentials, or a refused timestamp. The codes are
 * read from the error's fields, else from its text (the conformance harness throws plain errors).
 */
function hydrationEvidence(error: unknown, reason: string, evidence: ModeEvidence): 'AUTH_FAILED' | 'CLOCK_SKEW' | undefined {
  const e = (error ?? {}) as { code?: unknown; httpStatus?: unknown };
  const codes = new Set<number>([...reason.matchAll(/(?<![\w.])-?\d{4,6}\b/g)].map((m) => Number(m[0])));
  if (typeof e.code === 'number') codes.add(e.code);
  const statuses = new Set<number>([...reason.matchAll(/HTTP (\d{3})\b/g)].map((m) => Number(m[1])));
  if (typeof e.httpStatus === 'number') statuses.add(e.httpStatus);
  if (AUTH_ERROR_CLASS.test(reason) || evidence.authCodes.some((c) => codes.has(c)) || evidence.authHttpStatuses.some((s) => statuses.has(s))) return 'AUTH_FAILED';
  if (evidence.clockSkewCodes.some((c) => codes.has(c))) return 'CLOCK_SKEW';
  return undefined;
}

/** A pending confirmation a restored service still waits for. */
export interface RestoredPending {
  scopeKey: string;
  action: 'place' | 'amend' | 'cancel';
  slot: string;
  customOrderId: string;
  sinceMs: number;
}

export interface AccountLogicDeps {
  core: RuntimeCore;
  hydrator: RecoveryHydrator;
  router: PrivateEventRouter;
  executor: SubmissionExecutor;
  scope: AnyActorLogic;
  toAccount: (event: AccountEvent) => void;
  /** Validation of the raw configuration; a rejection stops the start before any venue call. */
  validateConfig?: () => void;
  /** How long a stopping account waits for venue calls already sent (0: not at all). */
  drainTimeoutMs: number;
  /** A number in [0, 1) for backoff jitter (the harness makes it constant). */
  jitter: () => number;
}

const MAX_HYDRATION_RETRY_MS = 60_000;

export function accountLogic(deps: AccountLogicDeps) {
  const { core, hydrator, router, executor } = deps;
  const { journal, config } = core;
  return accountMachine.provide({
    actors: {
      group: shardGroupMachine.provide({ actors: { shard: shardMachine.provide({ actors: { scope: deps.scope as never } }) } }),
      validateConfig: fromPromise<void, void>(async () => {
        deps.validateConfig?.();
      }),
      startupHydration: fromPromise<void, void>(async () => {
        await hydrator.startup();
      }),
      reconnectHydration: fromPromise<void, { reason: string }>(async ({ input }) => {
        await hydrator.reconnect(input.reason);
      }),
      restoreHydration: fromPromise<void, { pending: readonly unknown[] }>(async ({ input }) => {
        // A service that was already running: its snapshot and contexts are trusted as they stand;
        // its pending confirmations re-arm their timeouts against their own age.
        await hydrator.resume();
        for (const p of input.pending as readonly RestoredPending[]) {
          core.tracker.register({ ...p, state: 'accepted' });
          core.send(p.scopeKey, { type: 'confirmation.restored' });
        }
      }),
      replayBuffered: fromPromise<void, void>(async () => {
        const count = router.replay();
        if (count > 0) journal.record('buffer_replayed', { rows: count });
      }),
      drain: fromPromise<void, void>(async () => {
        // Answers to requests already sent decide their contexts: wait for them (bounded), then
        // for the context writes they caused. Nothing new is sent: readiness is already closed.
        const pending = core.tracker.ofScopeCount();
        journal.record('account_draining', { pendingConfirmations: pending });
        if (deps.drainTimeoutMs > 0) {
          // Real time on purpose, not the injected clock: this bounds the process's shutdown
          // against its supervisor's stop deadline (systemd, Kubernetes), which counts wall time;
          // a simulated clock that nobody steps during a stop must not hold the stop forever.
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), deps.drainTimeoutMs)));
          const result = await Promise.race([executor.settled().then(() => 'settled' as const), timeout]);
          clearTimeout(timer);
          if (result === 'timeout') journal.record('drain_timeout', { waitedMs: deps.drainTimeoutMs });
        }
        await core.contexts.flush();
      }),
    },
    delays: {
      // 1 s doubling to 60 s, with jitter: a venue that refuses us is not asked once a second.
      HYDRATION_RETRY: ({ context }) => {
        const cap = doublingBackoffMs(context.hydrationFailures, MAX_HYDRATION_RETRY_MS);
        return Math.round(cap / 2 + deps.jitter() * (cap / 2));
      },
    },
    actions: {
      onConfigRejected: (_args, params) => {
        const error = params.error as { field?: string; reason?: string; message?: string; value?: unknown };
        journal.record('config_rejected', { field: error?.field ?? 'config', reason: error?.reason ?? error?.message ?? String(params.error), ...(error?.value !== undefined ? { value: error.value } : {}) });
      },
      onServiceReady: (_args, params) => {
        core.state.serviceReady = true;
        // A hydration just succeeded with a live stream: the venue takes our signature again
        // (cleared after the scopes are queued, so their passes say why they run).
        const clearModeReasons = () => {
          for (const reason of ['STREAM_DOWN', 'STREAM_STALE', 'AUTH_FAILED', 'CLOCK_SKEW'] as const) core.modes.clear(reason);
        };
        // A restored service was already running: nothing to announce, nothing to queue.
        if (params.via === 'resume') return clearModeReasons();
        journal.record('service_ready', { mode: config.mode });
        if (params.via === 'reconnect' || params.via === 'resync') {
          journal.record(params.via === 'reconnect' ? 'stream_reconnected' : 'resync_completed', {});
          for (const key of core.known.keys()) core.affect(key, 'reconnect', true);
        } else {
          for (const key of core.deferredForReadiness) core.affect(key, 'service_ready', true);
        }
        core.deferredForReadiness.clear();
        clearModeReasons();
      },
      onServiceNotReady: () => {
        core.state.serviceReady = false;
      },
      onStreamLost: ({ event }) => {
        const reason = (event as { reason?: string }).reason ?? 'unknown';
        journal.record('stream_disconnected', { reason: scrubText(reason) });
        if (reason === 'heartbeat_timeout') core.modes.raise('STREAM_STALE', 'no private row or heartbeat within HEARTBEAT_TIMEOUT_MS');
        else core.modes.raise('STREAM_DOWN', scrubText(reason).slice(0, 200));
        core.state.baselineTrust = { ...core.state.baselineTrust, order: 'untrusted', position: 'untrusted' };
        for (const key of core.known.keys()) {
          core.state.setTrust(key, 'order', 'untrusted');
          core.state.setTrust(key, 'position', 'untrusted');
          core.requireRecovery(key, 'stream_disconnected');
        }
      },
      onScopeFailed: (_args, params) => {
        const key = params.scopeKey;
        journal.record('scope_failed', { ...(core.known.has(key) ? { scope: core.scopeOf(key) } : { scopeKey: key }), reason: scrubText(String((params.error as Error)?.message ?? params.error)) });
        if (!core.known.has(key)) return;
        // Respawn after the current transition: a fresh owner re-plans from the settled view.
        queueMicrotask(() => {
          deps.toAccount({ type: 'scope.stop', scopeKey: key });
          deps.toAccount({ type: 'scope.spawn', scopeKey: key });
          core.affect(key, 'scope_restarted', true);
        });
      },
      onRecoveryRequested: (_args, params) => {
        core.know(params.scopeKey);
        core.requireRecovery(params.scopeKey, params.reason);
        core.affect(params.scopeKey, params.reason, true);
      },
      onHydrationFailed: (_args, params) => {
        const reason = scrubText(String((params.error as Error)?.message ?? params.error));
        journal.record('hydration_failed', { reason });
        const mode = hydrationEvidence(params.error, reason, core.venueRules.modeEvidence);
        if (mode) core.modes.raise(mode, reason.slice(0, 200));
      },
    },
  });
}
