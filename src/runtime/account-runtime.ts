// AccountRuntime: one account, wired (the composition root). The account statechart owns the
// lifecycle, one scope actor per symbol-side owns each workflow, and the modules in logic/
// provide every named actor, action and delay the machines declare. The service and the
// conformance harness run exactly this class; they differ only in venue, clock, store and
// configuration source. Everything else reaches it as a machine event on `root` (start, restore,
// resync, scoped recovery, stop), the same events an operator's control plane sends.
import { createActor, waitFor, type Actor, type AnyActorRef } from 'xstate';
import { accountMachine, type AccountEvent } from '../../machines/account.machine.js';
import { groupOf, shardOf } from '../../machines/shard-group.machine.js';
import { modeMachine } from '../../machines/mode.machine.js';
import { affectedChangesNothing } from '../../machines/scope.machine.js';
import { streamMachine } from '../../machines/stream.machine.js';
import type { ScopeKey } from '../domain/scope.js';
import type { Venue } from '../venues/port.js';
import type { RuntimeClock } from './clock.js';
import { runCommand, type CommandName, type CommandResult } from './commands.js';
import type { Journal } from './journal.js';
import { accountLogic } from './logic/account-logic.js';
import { scopeLogic } from './logic/scope-logic.js';
import { streamLogic } from './logic/stream-logic.js';
import { OrderContextStore } from './order-context-store.js';
import type { DurableKv } from '../store/durable-kv.js';
import type { WriteFence } from './write-fence.js';
import { PassRunner } from './pass-runner.js';
import { PrivateEventRouter } from './private-event-router.js';
import { RecoveryHydrator } from './recovery-hydrator.js';
import { scrubText } from './redact.js';
import { RuntimeCore } from './runtime-core.js';
import type { RuntimeConfig } from './runtime-config.js';
import { StreamPump } from './stream-pump.js';
import { SubmissionExecutor } from './submission-executor.js';
import { scheduleSummaries, summaryOf } from './summary.js';
import type Keyv from 'keyv';

/** How long a stopping service waits for venue calls already sent, unless configured. */
const DEFAULT_DRAIN_TIMEOUT_MS = 5_000;
/** How long a paused account waits before asking the venue again whether it takes our key. */
const DEFAULT_PAUSED_PROBE_MS = 30_000;

export interface AccountRuntimeOptions {
  config: RuntimeConfig;
  venue: Venue;
  store: Keyv | DurableKv;
  clock: RuntimeClock;
  journal: Journal;
  /** Validation of the raw configuration; a rejection stops the start before any venue call. */
  validateConfig?: () => void;
  /** The account lease when the store is shared: no venue write starts without its margin. */
  writeFence?: WriteFence;
  /** Backoff jitter in [0, 1) (default Math.random; the harness injects a constant). */
  jitter?: () => number;
}

export class AccountRuntime {
  readonly core: RuntimeCore;
  readonly router: PrivateEventRouter;
  readonly passes: PassRunner;
  readonly executor: SubmissionExecutor;
  readonly hydrator: RecoveryHydrator;
  readonly root: Actor<typeof accountMachine>;
  /** The private stream machine (transport state and the heartbeat watchdog). */
  readonly stream: Actor<typeof streamMachine>;
  /** The account's system mode (NORMAL, DEGRADED, PAUSED), as operators and the inspector see it. */
  readonly mode: Actor<typeof modeMachine>;
  private readonly pump: StreamPump;
  private stopped = false;
  /** Cancels the paused account's next probe (a stopped account asks nothing). */
  private cancelProbe: () => void = () => undefined;
  private stopSummaries: () => void = () => undefined;

  constructor(private readonly options: AccountRuntimeOptions) {
    const { config, venue, store, clock, journal } = options;
    this.core = new RuntimeCore(config, venue, new OrderContextStore(store), journal, clock);
    this.core.writeFence = options.writeFence;
    this.router = new PrivateEventRouter(this.core);
    this.passes = new PassRunner(this.core);
    this.executor = new SubmissionExecutor(this.core);
    this.hydrator = new RecoveryHydrator(this.core);
    const toAccount = (event: AccountEvent) => this.root.send(event);
    this.root = createActor(accountLogic({
      core: this.core, hydrator: this.hydrator, router: this.router, executor: this.executor, toAccount,
      scope: scopeLogic(this.core, this.passes, this.executor, this.hydrator),
      validateConfig: options.validateConfig, drainTimeoutMs: config.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS, jitter: options.jitter ?? Math.random,
    }), { clock });
    this.stream = createActor(streamLogic(this.core, toAccount), { clock });
    this.pump = new StreamPump(this.core, this.router, (event) => this.stream.send(event));
    this.mode = createActor(modeMachine.provide({
      actions: {
        onModeChanged: ({ context, event }, params) => {
          if (event.type === 'mode.set') journal.record('mode_changed', { mode: params.mode, reasons: event.reasons, since: context.sinceMs });
        },
      },
    }));
    // No clock for the mode actor: its machine has no delayed transitions (since comes from the event).
    this.core.modes.attach((event) => this.mode.send(event));
    // Refused credentials or signatures pause the account; it asks the venue again, slowly (a
    // resync is a signed read), until an answer clears them.
    let probe: unknown;
    this.cancelProbe = () => clock.clearTimeout(probe);
    this.core.modes.onRaised = (reason) => {
      if ((reason !== 'AUTH_FAILED' && reason !== 'CLOCK_SKEW') || probe !== undefined || this.stopped) return;
      probe = clock.setTimeout(() => {
        probe = undefined;
        if (this.core.modes.has('AUTH_FAILED') || this.core.modes.has('CLOCK_SKEW')) this.root.send({ type: 'account.resync', reason: `probe_${reason.toLowerCase()}` });
      }, config.pausedProbeMs ?? DEFAULT_PAUSED_PROBE_MS);
    };
    const reason = (error: unknown) => scrubText(String((error as Error)?.message ?? error));
    this.root.subscribe({ error: (error) => journal.record('account_failed', { reason: reason(error) }) });
    this.stream.subscribe({ error: (error) => journal.record('stream_failed', { reason: reason(error) }) });
    this.core.attach({
      ensure: (key) => this.spawnScope(key),
      send: (key, event) => this.scopeRef(key)?.send(event),
      changesNothing: (key, reason, immediate) => {
        const snapshot = this.scopeRef(key)?.getSnapshot();
        return snapshot?.status === 'active' && affectedChangesNothing(snapshot, reason, immediate);
      },
    });
  }

  get state() {
    return this.core.state;
  }

  /** Starts the statecharts (config validation runs first) and the private stream pump. */
  boot(): void {
    this.mode.start();
    this.root.start();
    this.stream.start();
    this.pump.start();
    // The periodic summary line, on the injected clock (off unless configured).
    this.stopSummaries = scheduleSummaries(this.options.clock, this.options.config.summaryIntervalMs ?? 0, () =>
      this.options.journal.record('summary', summaryOf(this.core, this.readiness().service)));
  }

  hydrate(): void {
    this.root.send({ type: 'account.hydrate' });
  }

  start(): void {
    this.root.send({ type: 'account.start' });
  }

  /** Readiness as the machines hold it: the account in `ready`, the private stream `open`. */
  readiness(): { service: boolean; stream: boolean } {
    return { service: this.root.getSnapshot().matches('ready'), stream: this.stream.getSnapshot().matches('open') };
  }

  /** The private stream as operators see it: its machine state, rows handed on, when it last said anything. */
  streamStats(): { state: unknown; rows: number; lastItemAtMs: number | undefined } {
    return { state: this.stream.getSnapshot().value, rows: this.pump.rows, lastItemAtMs: this.pump.lastItemAtMs };
  }

  accountState(): string {
    return JSON.stringify(this.root.getSnapshot().value);
  }

  configRejected(): boolean {
    return this.root.getSnapshot().value === 'rejected';
  }

  command(name: CommandName): CommandResult {
    return runCommand(this.core, name, this.accountState());
  }

  private readonly refs = new Map<ScopeKey, AnyActorRef>();
  private readonly shardRefs = new Map<string, AnyActorRef>();

  /**
   * Spawns a scope's actor. When its shard already runs, the shard is told directly: one actor
   * step instead of three (account, group, shard), which is most of a spawn's cost at 100,000
   * scopes. Otherwise the account makes the group and the shard on the way (the same event, so a
   * spawn after the account stopped is dropped either way: a stopped shard is never used).
   */
  private spawnScope(key: ScopeKey): void {
    const event = { type: 'scope.spawn' as const, scopeKey: key };
    const shard = this.shardRef(key);
    if (shard) shard.send(event);
    else this.root.send(event);
  }

  /** The running shard that owns a scope (cached by group and shard id), if it exists yet. */
  private shardRef(key: ScopeKey): AnyActorRef | undefined {
    const group = groupOf(key);
    const shard = shardOf(key);
    const id = `${group}/${shard}`;
    const cached = this.shardRefs.get(id);
    if (cached?.getSnapshot().status === 'active') return cached;
    const groupRef = this.root.getSnapshot().children[group] as AnyActorRef | undefined;
    const ref = groupRef?.getSnapshot().children[shard] as AnyActorRef | undefined;
    if (ref?.getSnapshot().status === 'active') {
      this.shardRefs.set(id, ref);
      return ref;
    }
    this.shardRefs.delete(id);
    return undefined;
  }

  /** The scope's actor (cached; scope actors live under shards, shards under shard groups). */
  scopeRef(key: ScopeKey): AnyActorRef | undefined {
    const cached = this.refs.get(key);
    if (cached && cached.getSnapshot().status === 'active') return cached;
    const ref = this.shardRef(key)?.getSnapshot().children[key] as AnyActorRef | undefined;
    if (ref) this.refs.set(key, ref);
    else this.refs.delete(key);
    return ref;
  }

  scopeStateValue(key: ScopeKey): unknown {
    return this.scopeRef(key)?.getSnapshot().value;
  }

  /**
   * Stops the account: the machine leaves readiness (nothing new is sent), drains what is in
   * flight (bounded), and only then do the actors and the venue close.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopSummaries();
    this.cancelProbe();
    this.core.stopQuietWindows();
    this.pump.stop();
    this.root.send({ type: 'account.stop' });
    if (this.root.getSnapshot().status === 'active') {
      await waitFor(this.root, (s) => s.status !== 'active' || s.value === 'stopped').catch(() => undefined);
    }
    this.stream.stop();
    this.root.stop();
    this.mode.stop();
    await this.core.venue.close();
  }
}
