// Which store the service opens, by configuration and mode:
// - STORE_PATH (default): the SQLite file; write modes write it (group commit), read-only modes
//   read a copy into memory. One host: the lock files (instance-lock.ts) keep a second process off.
// - STORE_URL=postgres://...: the shared store; write modes get the fenced store and the account
//   lease (not yet taken: the caller stands by until it can take it); read-only modes read a copy
//   of the account's entries and take no lease (they never write).
import { hostname } from 'node:os';
import type { ServiceConfig } from '../config/service-config.js';
import type { DurableEntry, DurableKv } from '../store/durable-kv.js';
import { groupCommit } from '../store/group-commit.js';
import { memoryCopy } from '../store/memory-kv.js';
import { openPostgresStore } from '../store/open-store.js';
import { PostgresAccountLease, type LeaseRow } from '../store/account-lease.js';
import { openDurableStore, openReadOnlyCopy } from './store.js';
import type { Journal } from '../runtime/journal.js';
import { errorLine } from './error-line.js';
import { abortableSleep } from './abortable-sleep.js';

export interface AccountStore {
  kv: DurableKv;
  /** Present with a shared store in a write mode: the lease to stand by for, keep and fence writes with. */
  lease?: PostgresAccountLease;
  /** Shared store only: journal records into `exstate_journal`, fenced by the lease. */
  appendJournal?: (records: readonly object[]) => Promise<void>;
  /** The lease row of another holder, for the standby's messages. */
  holder?: () => Promise<LeaseRow | undefined>;
  close(): Promise<void>;
}

/** This process's name in the lease row (the fleet view shows it). */
export function leaseOwnerName(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

export async function openAccountStore(config: ServiceConfig, writes: boolean, statusUrl?: string): Promise<AccountStore> {
  const shared = config.sharedStore;
  if (!shared) {
    const store = writes ? await openDurableStore(config.storePath) : await openReadOnlyCopy(config.storePath);
    return { kv: store.kv, close: store.close };
  }
  // A query that hangs (a partitioned database) must fail well within the lease, not after it.
  const timeoutMs = Math.max(500, Math.floor(shared.leaseMarginMs / 2));
  const pg = await openPostgresStore(shared.url, {
    account: shared.accountId, owner: leaseOwnerName(), ttlMs: shared.leaseTtlMs, marginMs: shared.leaseMarginMs,
    ...(statusUrl ? { statusUrl } : {}),
    pool: { max: 4, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: 'exstate' },
  });
  if (!writes) {
    const entries: DurableEntry[] = [];
    for await (const entry of pg.kv.entries()) entries.push(entry);
    await pg.close();
    return { kv: memoryCopy(entries), close: async () => undefined };
  }
  const kv = groupCommit(pg.kv);
  return {
    kv,
    lease: pg.lease,
    appendJournal: (records) => pg.kv.appendJournal(records),
    holder: async () => (await PostgresAccountLease.listAccounts(pg.pool)).find((row) => row.account === shared.accountId),
    close: async () => {
      await kv.close();
      await pg.close();
    },
  };
}

/**
 * The shared store may not answer yet (the database starting, a partition): a process that may
 * manage the account keeps trying, says why (once per distinct cause), and returns undefined only
 * when told to stop. A configuration error never reaches here: it was refused before.
 */
export async function openUntilReachable(open: () => Promise<AccountStore>, journal: Journal, signal: AbortSignal, retryMs = 2_000): Promise<AccountStore | undefined> {
  let told: string | undefined;
  while (!signal.aborted) {
    try {
      return await open();
    } catch (error) {
      const reason = errorLine(error);
      if (reason !== told) {
        told = reason;
        journal.record('store_unreachable', { reason, retryInMs: retryMs });
      }
      await abortableSleep(retryMs, signal);
    }
  }
  return undefined;
}
