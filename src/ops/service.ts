// `exstate start`: one account, until SIGINT/SIGTERM. Config is validated before any client,
// socket or store exists; write-capable modes pass the conformance gate first; shutdown drains
// the runtime and closes the store so no context is half-written.
import { join, dirname } from 'node:path';
import { ConfigError } from '../config/config-error.js';
import { loadEnvironment } from '../config/env.js';
import { parseServiceConfig, type ServiceConfig } from '../config/service-config.js';
import { runConformance } from '../conformance/runner.js';
import { AccountRuntime } from '../runtime/account-runtime.js';
import { systemClock } from '../runtime/clock.js';
import { Journal } from '../runtime/journal.js';
import { attachLogger, createLogger } from '../runtime/logger.js';
import { WRITE_MODES } from '../runtime/runtime-config.js';
import { openVenue } from './venue-factory.js';
import { acquireInstanceLock } from './instance-lock.js';
import { openDurableStore, openReadOnlyCopy } from './store.js';

export interface StartOptions {
  profile?: string;
}

/** Validates configuration; returns it, or prints the rejection and returns undefined. */
export function loadServiceConfig(options: StartOptions): ServiceConfig | undefined {
  try {
    return parseServiceConfig(loadEnvironment({ profile: options.profile }));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`exstate: configuration rejected: ${error.field}=${JSON.stringify(error.value)}: ${error.reason}\n`);
      return undefined;
    }
    throw error;
  }
}

export async function startService(options: StartOptions): Promise<number> {
  const config = loadServiceConfig(options);
  if (!config) return 2;
  const logger = createLogger({ level: config.logLevel, pretty: config.logFormat === 'pretty' });
  const journal = new Journal(systemClock);
  attachLogger(journal, logger);
  const writes = WRITE_MODES.has(config.runtime.mode);
  journal.record('service_starting', { mode: config.runtime.mode, venue: config.venue, symbols: config.runtime.configuredSymbols?.length ? config.runtime.configuredSymbols : 'auto' });

  if (writes) {
    const report = await runConformance(config.conformancePack);
    const required = report.fixtures.length > 0 && report.failed === 0;
    config.runtime.gates.conformancePassed = required;
    journal.record('conformance_gate', { passed: report.passed, failed: report.failed, open: required });
    if (!required) logger.warn({ failed: report.fixtures.filter((f) => !f.passed).map((f) => f.name) }, 'conformance gate closed: venue writes stay off');
  }

  const releaseLock = writes ? acquireInstanceLock(join(dirname(config.storePath), 'exstate.lock')) : () => undefined;
  const store = writes ? await openDurableStore(config.storePath) : await openReadOnlyCopy(config.storePath);
  const handle = await openVenue(config, journal);
  const runtime = new AccountRuntime({ config: config.runtime, venue: handle.venue, store: store.keyv, clock: systemClock, journal });

  let stopping: Promise<void> | undefined;
  const stop = (signal: string) => {
    stopping ??= (async () => {
      journal.record('service_stopping', { signal });
      await runtime.stop();
      await handle.close();
      await store.close();
      releaseLock();
      journal.record('service_stopped', {});
      logger.flush();
    })();
    return stopping;
  };
  const done = new Promise<void>((resolve) => {
    process.once('SIGINT', () => void stop('SIGINT').then(resolve));
    process.once('SIGTERM', () => void stop('SIGTERM').then(resolve));
  });
  process.on('unhandledRejection', (reason) => journal.record('unhandled_rejection', { reason: String((reason as Error)?.message ?? reason) }));

  runtime.boot();
  runtime.start();
  await done;
  return 0;
}
