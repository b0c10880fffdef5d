// `exstate start`: one account, until SIGINT/SIGTERM. Config is validated before any client,
// socket or store exists; write-capable modes pass the conformance gate first (the configured
// pack complete and clean, see conformance-gate.ts); shutdown drains the runtime and closes the
// store so no context is half-written. Every line it prints passes the one scrubber.
import { join, dirname, resolve as resolvePath } from 'node:path';
import { ConfigError } from '../config/config-error.js';
import { loadEnvironment, type Env } from '../config/env.js';
import { parseServiceConfig, type ServiceConfig } from '../config/service-config.js';
import { AccountRuntime } from '../runtime/account-runtime.js';
import { systemClock } from '../runtime/clock.js';
import { Journal, type JournalRecord } from '../runtime/journal.js';
import { attachLogger, createLogger } from '../runtime/logger.js';
import { scrubText } from '../runtime/redact.js';
import { WRITE_MODES } from '../runtime/runtime-config.js';
import { bannerFields, bannerOnReady } from './banner.js';
import { evaluateConformanceGate } from './conformance-gate.js';
import { OpsHttp } from './http/server.js';
import { openVenue } from './venue-factory.js';
import { accountLockPath, acquireInstanceLock } from './instance-lock.js';
import { openAccountStore, openUntilReachable, type AccountStore } from './account-store.js';
import { keepLease, waitForLease } from './lease-keeper.js';
import { sharedJournalSink } from './audit/shared-journal-sink.js';
import { AuditJournal } from './audit/audit-journal.js';
import { accountFingerprint } from './banner.js';
import { parseScopePattern } from './inspect/scope-pattern.js';
import type { InspectOptions, Inspector } from './inspect/inspector.js';
import { startRecording } from './replay/replay-baseline.js';
import { errorLine } from './error-line.js';
import { simulatedVenueOf, VENUE_NAMES } from '../venues/registry.js';

export interface StartOptions {
  profile?: string;
  /** Embedding (tests): this environment instead of the process's and `.env`. */
  env?: Env;
  /** Where log lines go (default stdout). */
  logDestination?: NodeJS.WritableStream;
  /** Where one-line operator errors go (default stderr). */
  errors?: NodeJS.WritableStream;
  /** Embedding: stops the service when aborted, instead of SIGINT/SIGTERM. */
  signal?: AbortSignal;
  /** Embedding: sees every journal record. */
  onRecord?: (record: JournalRecord) => void;
  /** Embedding (tests): the operator HTTP server listens on this port whatever HTTP_PORT says (0: a free port). */
  httpListenPort?: number;
  /** `--inspect`: the Stately inspector relay (port, scope pattern); absent: nothing is loaded or attached. */
  inspect?: InspectOptions;
  /** `--venue`: the VENUE to run; with a simulated VENUE configured, the simulator speaking that venue. */
  venue?: string;
}

export { errorLine } from './error-line.js';

/** Validates configuration; returns it, or prints the rejection (one line) and returns undefined. */
export function loadServiceConfig(options: StartOptions): ServiceConfig | undefined {
  try {
    const env = options.env ?? loadEnvironment({ profile: options.profile });
    return parseServiceConfig(options.venue === undefined ? env : { ...env, VENUE: venueAsked(options.venue, env.VENUE) });
  } catch (error) {
    const line = error instanceof ConfigError ? `${error.field}=${JSON.stringify(error.value)}: ${error.reason}` : errorLine(error);
    (options.errors ?? process.stderr).write(`exstate: configuration rejected: ${scrubText(line)}\n`);
    return undefined;
  }
}

/**
 * `--venue NAME` over the configured VENUE: where the configuration runs the built-in simulator
 * (VENUE unset, `sim` or another simulated value), the simulator speaking NAME (`bybit` ->
 * `sim-bybit`), so `npm run demo -- --venue bybit` stays on loopback; otherwise NAME itself.
 */
function venueAsked(name: string, configured: string | undefined): string {
  const configuredIsSimulated = configured === undefined || configured === '' || simulatedVenueOf(configured) === configured;
  if (!configuredIsSimulated) return name;
  const simulated = simulatedVenueOf(name);
  if (!simulated) throw new ConfigError('--venue', name, `no simulated flavour of this venue (the configured VENUE=${configured ?? 'sim'} runs the simulator); one of: ${VENUE_NAMES.filter((n) => simulatedVenueOf(n) === n).join(', ')}`);
  return simulated;
}

export async function startService(options: StartOptions): Promise<number> {
  const config = loadServiceConfig(options);
  if (!config) return 2;
  if (options.inspect) {
    // A bad `--inspect-scopes` is the operator's mistake, said before anything opens.
    try {
      parseScopePattern(options.inspect.scopes);
    } catch (error) {
      (options.errors ?? process.stderr).write(`exstate: configuration rejected: ${errorLine(error)}\n`);
      return 2;
    }
  }
  const logger = createLogger({ level: config.logLevel, pretty: config.logFormat === 'pretty', ...(options.logDestination ? { destination: options.logDestination } : {}) });
  const journal = new Journal(systemClock);
  if (options.onRecord) journal.subscribe(options.onRecord);
  attachLogger(journal, logger);
  // The operator HTTP surface follows the journal from here on (its ring and counters see the whole run).
  const httpPort = options.httpListenPort ?? (config.httpPort === 0 ? undefined : config.httpPort);
  const http = httpPort === undefined ? undefined : new OpsHttp({ journal, info: { venue: config.venue, executionMode: config.runtime.mode } });
  const writes = WRITE_MODES.has(config.runtime.mode);
  // The audit journal (write-capable modes only: dry run writes nothing): queues from here, writes once opened.
  const audit = writes ? new AuditJournal(journal, { storePath: config.storePath }) : undefined;
  journal.record('service_starting', { mode: config.runtime.mode, venue: config.venue, symbols: config.runtime.configuredSymbols?.length ? config.runtime.configuredSymbols : 'auto' });

  if (writes) {
    const gate = await evaluateConformanceGate(config.conformancePack);
    config.runtime.gates.conformancePassed = gate.open;
    journal.record('conformance_gate', {
      open: gate.open, reason: gate.reason, pack: gate.pack, passed: gate.passed, failed: gate.failed,
      ...(gate.failedFixtures.length ? { failedFixtures: gate.failedFixtures } : {}), ...(gate.missing.length ? { missing: gate.missing } : {}),
    });
    if (!gate.open) logger.warn({ reason: gate.reason }, 'conformance gate closed: venue writes stay off');
  }

  let releaseLock: () => void = () => undefined;
  let store: AccountStore | undefined;
  let handle: Awaited<ReturnType<typeof openVenue>>;
  try {
    // With a shared store the account lease keeps other processes off, on this host and others.
    if (writes && !config.sharedStore) {
      const releaseAccount = acquireInstanceLock(accountLock(config));
      try {
        const releaseStore = acquireInstanceLock(join(dirname(config.storePath), 'exstate.lock'));
        releaseLock = () => {
          releaseStore();
          releaseAccount();
        };
      } catch (error) {
        releaseAccount();
        throw error;
      }
    }
    if (config.sharedStore && writes) {
      // Told to stop while the database does not answer: nothing was opened, nothing to drain.
      const abort = stopSignal(options);
      store = await openUntilReachable(() => openAccountStore(config, writes), journal, abort.signal);
      abort.dispose();
      if (!store) {
        journal.record('service_stopped', { exitCode: 0 });
        await http?.close();
        http?.detach();
        await audit?.close().catch(() => undefined);
        logger.flush();
        return 0;
      }
    } else store = await openAccountStore(config, writes);
    handle = await openVenue(config, journal);
    await audit?.start(accountFingerprint(config.credentials.apiKey ?? handle.sim?.apiKey));
  } catch (error) {
    // An operator's problem (a second instance, an unwritable store): one line, exit code 2.
    journal.record('service_start_failed', { reason: errorLine(error) });
    (options.errors ?? process.stderr).write(`exstate: start failed: ${errorLine(error)}\n`);
    await http?.close();
    http?.detach();
    await store?.close().catch(() => undefined);
    await audit?.close().catch(() => undefined);
    releaseLock();
    logger.flush();
    return 2;
  }
  const openStore = store;
  const lease = openStore.lease;
  // Deterministic replay: where the audit journal keeps the run, it also keeps the runtime's start
  // (configuration, store) and everything that crosses the venue port (`exstate replay`). A shared
  // store changes while this process stands by, so its baseline would not be the runtime's: a
  // standby-capable run is not recorded (docs/DEPLOYMENT.md).
  const recording = audit && !lease ? await startRecording(journal, { config: config.runtime, storePath: config.storePath, venue: handle.venue }) : undefined;
  const runtime = new AccountRuntime({
    config: config.runtime, venue: recording?.venue ?? handle.venue, store: openStore.kv, clock: systemClock, journal,
    ...(recording ? { jitter: recording.jitter } : {}), ...(lease ? { writeFence: lease } : {}),
  });
  let inspector: Inspector | undefined;
  // The banner, when the service is first ready: the venue has told the balance by then.
  bannerOnReady(journal, () => bannerFields(config, { apiKey: config.credentials.apiKey ?? handle.sim?.apiKey, balances: runtime.state.balances.values() }));

  // The process never exits unless told to: whatever fails inside retries on its own timers, and
  // some of those (ccxt's, the stream backoff) do not hold the event loop, so this one does.
  const keepAlive = setInterval(() => undefined, KEEP_ALIVE_MS);
  let exitCode = 0;
  let stopping: Promise<void> | undefined;
  let stopLease: () => void = () => undefined;
  let closeSharedJournal: () => Promise<void> = async () => undefined;
  let releaseListeners: () => void = () => undefined;
  let leaseLost = false;
  const standbyAbort = new AbortController();
  const onUnhandled = (reason: unknown) => journal.record('unhandled_rejection', { reason: errorLine(reason) });
  const onUncaught = (error: unknown) => journal.record('uncaught_exception', { reason: errorLine(error) });
  const stop = (signal: string) => {
    stopping ??= (async () => {
      journal.record('service_stopping', { signal });
      standbyAbort.abort();
      stopLease();
      await http?.close();
      await inspector?.close();
      await runtime.stop();
      await handle.close();
      await closeSharedJournal().catch(() => undefined);
      // A stopping owner gives the lease up only after its in-flight work drained: a standby takes over at once.
      const epoch = lease?.epoch();
      if (lease && epoch !== undefined && !leaseLost) {
        await lease.release().then(() => journal.record('lease_released', { account: config.sharedStore!.accountId, epoch }), () => undefined);
      }
      await openStore.close().catch(() => undefined);
      releaseLock();
      clearInterval(keepAlive);
      journal.record('service_stopped', { exitCode });
      await audit?.close().catch(() => undefined);
      http?.detach();
      process.off('unhandledRejection', onUnhandled);
      process.off('uncaughtException', onUncaught);
      logger.flush();
    })();
    return stopping;
  };
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
    // Refused credentials before the service was ever ready are an operator's mistake: one line, exit 2.
    let everReady = false;
    journal.subscribe((record) => {
      if (record.event === 'service_ready') everReady = true;
      if (!everReady && record.event === 'symbols_unlisted' && exitCode === 0) {
        exitCode = 2;
        const symbols = (record.symbols as string[]).join(',');
        (options.errors ?? process.stderr).write(`exstate: configuration rejected: SYMBOLS=${JSON.stringify(config.runtime.configuredSymbols?.join(',') ?? '')}: the venue does not list ${symbols}\n`);
        void stop('symbols_unlisted').then(resolve);
      }
      if (!everReady && record.event === 'alert_raised' && record.reason === 'AUTH_FAILED' && exitCode === 0) {
        exitCode = 2;
        (options.errors ?? process.stderr).write(`exstate: start failed: the venue refused the API key or its signature (${errorLine(record.detail)}); check API_KEY, API_SECRET and the key's permissions\n`);
        void stop('auth_failed').then(resolve);
      }
    }, { level: 'info' }); // service_ready, symbols_unlisted, alert_raised: none below info
    if (options.signal) {
      const onAbort = () => void stop('abort').then(resolve);
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
      return;
    }
    const onSigint = () => void stop('SIGINT').then(resolve);
    const onSigterm = () => void stop('SIGTERM').then(resolve);
    const onExit = (code: number) => {
      if (!stopping) journal.record('process_exit_unexpected', { code });
      logger.flush();
    };
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigterm);
    // Whatever escapes is said and survived: the machines retry on their own.
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUncaught);
    process.once('exit', onExit);
    // A session that ends because its lease was lost is followed by a new one in this process:
    // its listeners go with it.
    releaseListeners = () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      process.off('exit', onExit);
    };
  });

  // Listening before the runtime boots: /readyz says "not ready" until it is. A port that cannot
  // be had is a warning (`http_failed`); the account runs on without HTTP.
  if (http && httpPort !== undefined && !stopping) await http.start(runtime, httpPort);
  // `--inspect` only: loaded here, listening before the runtime boots, attached only while a viewer is connected.
  if (options.inspect && !stopping) {
    inspector = await (await import('./inspect/inspector.js')).startInspector(runtime, journal, options.inspect);
    if (stopping) await inspector?.close(); // a stop that came while it was starting did not see it
  }
  if (lease && !stopping) {
    // Standby: /healthz answers and /readyz says not ready while another process holds the account.
    const shared = config.sharedStore!;
    const took = await waitForLease({
      lease, journal, account: shared.accountId, retryMs: Math.max(250, Math.floor(shared.leaseTtlMs / 5)), signal: standbyAbort.signal,
      ...(openStore.holder ? { holder: openStore.holder } : {}),
    });
    if (!took) {
      await done;
      return exitCode;
    }
    const shareJournal = openStore.appendJournal;
    if (shareJournal) {
      const sink = sharedJournalSink(journal, shareJournal);
      closeSharedJournal = () => sink.close();
    }
    // The fleet view reads each owner's mode and readiness from its lease row.
    const report = () => void lease.reportStatus({ mode: runtime.core.modes.mode(), ready: runtime.state.serviceReady }).catch(() => undefined);
    journal.subscribe((record) => {
      if (record.event === 'service_ready' || record.event === 'mode_changed') report();
    }, { level: 'info' });
    stopLease = keepLease({
      lease, journal, account: shared.accountId, renewEveryMs: Math.floor((shared.leaseTtlMs - shared.leaseMarginMs) / 2),
      onLost: (reason) => {
        // Nothing more is sent from here on (PAUSED); the runtime stops and this process stands by again.
        leaseLost = true;
        runtime.core.modes.raise('LEASE_LOST', reason);
        void stop('lease_lost').then(finish);
      },
    });
  }
  if (!stopping) {
    runtime.boot();
    runtime.start();
  }
  await done;
  // The process never exits unless told to: an owner that lost its lease starts over as a standby.
  if (leaseLost && exitCode === 0) {
    releaseListeners();
    return startService(options);
  }
  return exitCode;
}

/** The keep-alive timer's period (it does nothing; it only holds the event loop open). */
const KEEP_ALIVE_MS = 60_000;

/** The account's lock: the venue, where it is reached, and (hashed) which key manages it. */
export function accountLock(config: ServiceConfig): string {
  // The built-in simulator is an account of its own per store.
  return accountLockPath({ venue: config.venue, url: config.venueUrls?.rest ?? `sim:${resolvePath(config.storePath)}`, apiKey: config.credentials.apiKey ?? 'sim' });
}

/** Aborts when the service is told to stop (the embedding's signal, or SIGINT/SIGTERM) before it runs. */
function stopSignal(options: StartOptions): { signal: AbortSignal; dispose: () => void } {
  const abort = new AbortController();
  const onStop = () => abort.abort();
  if (options.signal) {
    if (options.signal.aborted) abort.abort();
    else options.signal.addEventListener('abort', onStop, { once: true });
    return { signal: abort.signal, dispose: () => options.signal!.removeEventListener('abort', onStop) };
  }
  process.once('SIGINT', onStop);
  process.once('SIGTERM', onStop);
  return { signal: abort.signal, dispose: () => { process.off('SIGINT', onStop); process.off('SIGTERM', onStop); } };
}
