// The account lease around a running account (shared store only): a standby waits until it can
// take the lease; an owner renews it on a timer and, the moment a renewal is refused or the safety
// margin runs out without one (a database that stopped answering does not even fail: it hangs),
// says so once. The runtime's executor asks `safeToSubmit` itself before every venue write, so a
// renewal that is merely late stops submissions before it is declared lost.
import type { Journal } from '../runtime/journal.js';
import { errorLine } from './error-line.js';
import { abortableSleep } from './abortable-sleep.js';

/** What the lease keeper needs of a lease (src/store/account-lease.ts has the PostgreSQL one). */
export interface AccountLeaseHandle {
  tryAcquire(): Promise<boolean>;
  renew(): Promise<boolean>;
  release(): Promise<void>;
  epoch(): number | undefined;
  safeToSubmit(): boolean;
}

export interface LeaseHolder {
  owner: string;
  epoch: number;
  expiresAtMs: number;
}

/**
 * Standby: tries to take the lease every `retryMs` until it has it (true) or `signal` aborts
 * (false). Says once that it waits, and again whenever the holder changes.
 */
export async function waitForLease(options: {
  lease: AccountLeaseHandle;
  journal: Journal;
  account: string;
  retryMs: number;
  signal: AbortSignal;
  holder?: () => Promise<LeaseHolder | undefined>;
}): Promise<boolean> {
  const { lease, journal, account, retryMs, signal } = options;
  let toldHolder: string | undefined;
  while (!signal.aborted) {
    try {
      if (await lease.tryAcquire()) {
        journal.record('lease_acquired', { account, epoch: lease.epoch() ?? 0 });
        return true;
      }
      const holder = await options.holder?.().catch(() => undefined);
      const who = holder ? `${holder.owner}#${holder.epoch}` : 'unknown';
      if (who !== toldHolder) {
        toldHolder = who;
        journal.record('lease_standby', { account, ...(holder ? { owner: holder.owner, epoch: holder.epoch, expiresInMs: Math.max(0, holder.expiresAtMs - Date.now()) } : {}) });
      }
    } catch (error) {
      // The database is not reachable yet: a standby keeps trying, and says why once per cause.
      const who = `error:${errorLine(error)}`;
      if (who !== toldHolder) {
        toldHolder = who;
        journal.record('store_unreachable', { reason: errorLine(error), retryInMs: retryMs });
      }
    }
    await abortableSleep(retryMs, signal);
  }
  return false;
}

/**
 * Owner: renews every `renewEveryMs`; calls `onLost(reason)` once when a renewal is refused or the
 * lease's safety margin is gone. Returns the stop function (which does not release the lease).
 */
export function keepLease(options: {
  lease: AccountLeaseHandle;
  journal: Journal;
  account: string;
  renewEveryMs: number;
  onLost: (reason: string) => void;
}): () => void {
  const { lease, journal, account, renewEveryMs, onLost } = options;
  let lost = false;
  let renewing = false;
  const declare = (reason: string) => {
    if (lost) return;
    lost = true;
    clearInterval(timer);
    journal.record('lease_lost', { account, epoch: lease.epoch() ?? 0, reason });
    onLost(reason);
  };
  let lastRenewAt = Number.NEGATIVE_INFINITY;
  const tick = () => {
    if (lost) return;
    if (!lease.safeToSubmit()) return declare('no renewal within the safety margin');
    if (renewing || performance.now() - lastRenewAt < renewEveryMs) return;
    renewing = true;
    lastRenewAt = performance.now();
    lease.renew().then(
      (ok) => {
        renewing = false;
        if (!ok) declare('the lease expired or another process took it over');
      },
      (error: unknown) => {
        renewing = false;
        journal.record('lease_renew_failed', { account, epoch: lease.epoch() ?? 0, reason: errorLine(error) });
        if (!lease.safeToSubmit()) declare(`renewal failing past the safety margin: ${errorLine(error)}`);
      },
    );
  };
  // Checked more often than renewed: the margin can run out while a renewal hangs.
  const timer = setInterval(tick, Math.max(50, Math.floor(renewEveryMs / 4)));
  return () => {
    lost = true;
    clearInterval(timer);
  };
}
