// AccountRuntime: one account, wired. The account statechart owns the lifecycle, one scope actor
// per symbol-side owns each workflow, and this class provides every named actor and action the
// machines declare. The service and the conformance harness run exactly this class; they differ
// only in venue, clock and store.
import { createActor, enqueueActions, fromPromise, type Actor, type AnyActorRef } from 'xstate';
import { accountMachine, shardOf } from '../../machines/account.machine.js';
import { shardMachine } from '../../machines/shard.machine.js';
import { scopeMachine } from '../../machines/scope.machine.js';
import { streamMachine } from '../../machines/stream.machine.js';
import type { ScopeKey } from '../domain/scope.js';
import type { StreamItem, Venue } from '../venues/port.js';
import type { RuntimeClock } from './clock.js';
import type { Journal } from './journal.js';
import { OrderContextStore } from './order-context-store.js';
import { PassRunner } from './pass-runner.js';
import { PrivateEventRouter } from './private-event-router.js';
import { RecoveryHydrator } from './recovery-hydrator.js';
import { RuntimeCore } from './runtime-core.js';
import type { RuntimeConfig } from './runtime-config.js';
import { SubmissionExecutor } from './submission-executor.js';
import { runCommand, type CommandName, type CommandResult } from './commands.js';
import type Keyv from 'keyv';

const MAX_RETRY_BACKOFF_MS = 30_000;

export interface AccountRuntimeOptions {
  config: RuntimeConfig;
  venue: Venue;
  store: Keyv;
  clock: RuntimeClock;
  journal: Journal;
  /** Validation of the raw configuration; a rejection stops the start before any venue call. */
  validateConfig?: () => void;
}

export class AccountRuntime {
  readonly core: RuntimeCore;
  readonly router: PrivateEventRouter;
  readonly passes: PassRunner;
  readonly executor: SubmissionExecutor;
  readonly hydrator: RecoveryHydrator;
  readonly root: Actor<typeof accountMachine>;
  private readonly stream: Actor<typeof streamMachine>;
  private afterReconnect = false;
  private resuming = false;
  private pumping = false;
  private stopped = false;

  constructor(private readonly options: AccountRuntimeOptions) {
    const { config, venue, store, clock, journal } = options;
    this.core = new RuntimeCore(config, venue, new OrderContextStore(store), journal, clock);
    this.router = new PrivateEventRouter(this.core);
    this.passes = new PassRunner(this.core);
    this.executor = new SubmissionExecutor(this.core, this.passes);
    this.hydrator = new RecoveryHydrator(this.core);
    this.root = createActor(this.accountLogic(), { clock });
    this.stream = createActor(this.streamLogic(), { clock });
    this.root.subscribe({ error: (error) => journal.record('account_failed', { reason: String((error as Error)?.message ?? error) }) });
    this.stream.subscribe({ error: (error) => journal.record('stream_failed', { reason: String((error as Error)?.message ?? error) }) });
    this.core.attach({
      ensure: (key) => this.root.send({ type: 'scope.spawn', scopeKey: key }),
      send: (key, event) => this.scopeRef(key)?.send(event),
    });
  }

  get state() {
    return this.core.state;
  }

  /** Starts the statecharts (config validation runs first) and the private stream pump. */
  boot(): void {
    this.root.start();
    this.stream.start();
    void this.pump();
  }

  hydrate(): void {
    this.root.send({ type: 'account.hydrate' });
  }

  start(): void {
    this.root.send({ type: 'account.start' });
  }

  /**
   * Resumes a service that was already running, without a startup hydration record or queued
   * work; restored pending confirmations re-arm their timeouts. Used to restore a running
   * service (the harness's `serviceReady: true`).
   */
  async resumeRunning(pending: Array<{ scopeKey: ScopeKey; action: 'place' | 'amend' | 'cancel'; slot: string; customOrderId: string; sinceMs: number }>): Promise<void> {
    if (this.configRejected()) return;
    this.stream.send({ type: 'transport.open' });
    await this.hydrator.resume();
    this.resuming = true;
    this.root.send({ type: 'account.resume' });
    this.resuming = false;
    for (const p of pending) {
      this.core.tracker.register({ ...p, state: 'accepted' });
      this.core.send(p.scopeKey, { type: 'confirmation.restored' });
    }
  }

  accountState(): string {
    return JSON.stringify(this.root.getSnapshot().value);
  }

  configRejected(): boolean {
    return this.root.getSnapshot().value === 'rejected';
  }

  async reconnectHydration(reason: string): Promise<void> {
    await this.hydrator.reconnect(reason);
  }

  async recoverScope(key: ScopeKey, reason: string): Promise<void> {
    this.core.know(key);
    try {
      await this.hydrator.recoverScope(key, reason);
    } catch (error) {
      // Evidence still unresolved: the scope stays in recovery and its owner retries with backoff.
      this.core.journal.record('recovery_incomplete', { scope: this.core.scopeOf(key), reason: String((error as Error)?.message ?? error) });
    }
    this.core.affect(key, 'recovery_hydration', true);
  }

  command(name: CommandName): CommandResult {
    return runCommand(this.core, name, this.accountState());
  }

  private readonly refs = new Map<ScopeKey, AnyActorRef>();

  /** The scope's actor (cached; scope actors live under shard actors). */
  scopeRef(key: ScopeKey): AnyActorRef | undefined {
    const cached = this.refs.get(key);
    if (cached && cached.getSnapshot().status === 'active') return cached;
    const shard = this.root.getSnapshot().children[shardOf(key)] as AnyActorRef | undefined;
    const ref = shard?.getSnapshot().children[key] as AnyActorRef | undefined;
    if (ref) this.refs.set(key, ref);
    else this.refs.delete(key);
    return ref;
  }

  scopeStateValue(key: ScopeKey): unknown {
    return this.scopeRef(key)?.getSnapshot().value;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.root.send({ type: 'account.stop' });
    this.stream.stop();
    this.root.stop();
    await this.core.venue.close();
  }

  // ---- private stream pump -------------------------------------------------------------------

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for await (const item of this.core.venue.privateRows()) {
        if (this.stopped) break;
        this.onStreamItem(item);
      }
    } catch (error) {
      if (!this.stopped) {
        this.core.journal.record('stream_failed', { reason: String((error as Error)?.message ?? error) });
        this.stream.send({ type: 'transport.closed', reason: 'stream_iterator_failed' });
      }
    } finally {
      this.pumping = false;
    }
  }

  private onStreamItem(item: StreamItem): void {
    if (item.kind === 'stream') {
      if (item.status === 'open') this.stream.send({ type: 'transport.open' });
      else this.stream.send({ type: 'transport.closed', reason: item.reason });
      return;
    }
    this.stream.send({ type: 'transport.activity' });
    if (item.kind === 'malformed') {
      this.core.journal.record('malformed_row_skipped', { reason: item.reason });
      return;
    }
    this.router.ingest(item);
  }

  // ---- machine implementations ---------------------------------------------------------------

  private streamLogic() {
    const { config } = this.core;
    return streamMachine.provide({
      guards: { watchdogEnabled: () => config.heartbeatTimeoutMs > 0 },
      delays: { HEARTBEAT_TIMEOUT: Math.max(1, config.heartbeatTimeoutMs) },
      actions: {
        notifyReady: () => {
          this.core.state.privateStreamReady = true;
          this.root.send({ type: 'stream.ready' });
        },
        notifyLost: (_args, params) => {
          this.core.state.privateStreamReady = false;
          this.root.send({ type: 'stream.lost', reason: params.reason });
          // Silence is a gap: make the venue drop and re-open the socket (its own backoff applies).
          if (params.reason === 'heartbeat_timeout') void this.core.venue.restartStream?.(params.reason).catch(() => undefined);
        },
      },
    });
  }

  private accountLogic() {
    const { core } = this;
    const { journal, config } = core;
    return accountMachine.provide({
      actors: {
        shard: shardMachine.provide({ actors: { scope: this.scopeLogic() } }),
        validateConfig: fromPromise<void, void>(async () => {
          this.options.validateConfig?.();
        }),
        startupHydration: fromPromise<void, void>(async () => {
          await this.hydrator.startup();
        }),
        reconnectHydration: fromPromise<void, void>(async () => {
          await this.hydrator.reconnect();
          this.afterReconnect = true;
        }),
        replayBuffered: fromPromise<void, void>(async () => {
          const count = this.router.replay();
          if (count > 0) journal.record('buffer_replayed', { rows: count });
        }),
      },
      actions: {
        onConfigRejected: (_args, params) => {
          const error = params.error as { field?: string; reason?: string; message?: string; value?: unknown };
          journal.record('config_rejected', { field: error?.field ?? 'config', reason: error?.reason ?? error?.message ?? String(params.error), ...(error?.value !== undefined ? { value: error.value } : {}) });
        },
        onServiceReady: () => {
          core.state.serviceReady = true;
          if (this.resuming) return;
          journal.record('service_ready', { mode: config.mode });
          if (this.afterReconnect) {
            this.afterReconnect = false;
            journal.record('stream_reconnected', {});
            for (const key of core.known.keys()) core.affect(key, 'reconnect', true);
          } else {
            for (const key of core.deferredForReadiness) core.affect(key, 'service_ready', true);
          }
          core.deferredForReadiness.clear();
        },
        onServiceNotReady: () => {
          core.state.serviceReady = false;
        },
        onStreamLost: () => {
          journal.record('stream_disconnected', {});
          core.state.baselineTrust = { ...core.state.baselineTrust, order: 'untrusted', position: 'untrusted' };
          for (const key of core.known.keys()) {
            core.state.setTrust(key, 'order', 'untrusted');
            core.state.setTrust(key, 'position', 'untrusted');
            core.requireRecovery(key, 'stream_disconnected');
          }
        },
        onScopeFailed: (_args, params) => {
          const key = params.scopeKey;
          journal.record('scope_failed', { scope: core.known.has(key) ? core.scopeOf(key) : key, reason: String((params.error as Error)?.message ?? params.error) });
          if (!core.known.has(key)) return;
          // Respawn after the current transition: a fresh owner re-plans from the settled view.
          queueMicrotask(() => {
            this.root.send({ type: 'scope.stop', scopeKey: key });
            this.root.send({ type: 'scope.spawn', scopeKey: key });
            core.affect(key, 'scope_restarted', true);
          });
        },
        onHydrationFailed: (_args, params) => {
          journal.record('hydration_failed', { reason: String((params.error as Error)?.message ?? params.error) });
        },
      },
    });
  }

  private scopeLogic() {
    const { core } = this;
    const { config } = core;
    return scopeMachine.provide({
      actors: {
        submitPlan: fromPromise<{ next: 'await_confirmation' | 'recover' | 'retry' | 'done' }, { scopeKey: string }>(async ({ input }) =>
          this.executor.submitPlanned(input.scopeKey)),
        recoverScope: fromPromise<void, { scopeKey: string }>(async ({ input }) => {
          const reason = core.tracker.ofScope(input.scopeKey).some((p) => p.state === 'unknown') ? 'unknown_outcome' : 'recovery_required';
          await this.hydrator.recoverScope(input.scopeKey, reason);
        }),
      },
      actions: {
        runPass: enqueueActions(({ context, enqueue }) => {
          try {
            enqueue.raise({ type: 'pass.done', next: this.passes.run(context.scopeKey, context.passReasons).next });
          } catch (error) {
            enqueue.raise({ type: 'pass.failed', reason: String((error as Error)?.message ?? error) });
          }
        }),
        onConfirmationTimeout: ({ context }) => {
          const overdue = core.tracker.awaitingConfirmation(context.scopeKey);
          core.journal.record('confirmation_timeout', { scope: core.scopeOf(context.scopeKey), customOrderIds: overdue.map((p) => p.customOrderId) });
          core.requireRecovery(context.scopeKey, 'confirmation_timeout');
        },
        onStepFailed: ({ context, event }, params) => {
          const e = event as { error?: Error; reason?: string };
          core.journal.record('scope_step_failed', { scope: core.scopeOf(context.scopeKey), step: params.step, reason: String(e.error?.message ?? e.reason ?? 'unknown') });
        },
      },
      delays: {
        EVENT_BURST: config.eventBurstMs,
        MAX_BURST_DELAY: config.maxBurstDelayMs,
        CONFIRMATION_TIMEOUT: ({ context }) => {
          const deadline = core.tracker.deadline(context.scopeKey, config.confirmationTimeoutMs);
          return deadline === undefined ? config.confirmationTimeoutMs : Math.max(0, deadline - core.clock.now());
        },
        RETRY_BACKOFF: ({ context }) => {
          const hint = this.executor.retryAfterMs.get(context.scopeKey);
          this.executor.retryAfterMs.delete(context.scopeKey);
          return hint ?? Math.min(MAX_RETRY_BACKOFF_MS, 1_000 * 2 ** Math.max(0, context.retries - 1));
        },
      },
    });
  }
}
