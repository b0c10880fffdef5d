// The fenced account lease: one row per account in exstate_lease (owner, epoch, expiry). At most
// one process holds an account at a time; every takeover increments the epoch, and every durable
// write checks the epoch it holds (postgres-kv.ts), so a stale owner that wakes up after a pause
// cannot write. Exchanges accept no fencing token, so the venue side is protected by time instead:
// a process submits only while its lease has a safety margin left on its own monotonic clock.
//
// Expiry is compared in SQL against the database's clock (clock_timestamp(), the time at which the
// row is examined, so a statement that waited for a row lock does not judge by the moment it
// started); no host's wall clock is ever compared with another's.
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';

/** The lease as the fenced store sees it. */
export interface FencingLease {
  readonly account: string;
  readonly owner: string;
  epoch(): number | undefined;
  /** Told by the store when the database refused a write of this epoch: the lease is gone. */
  markLost?(epoch: number): void;
}

export interface AccountLeaseOptions {
  pool: Pool;
  account: string;
  /** This process's identity (host + pid + start, say); shown in the fleet view. */
  owner: string;
  ttlMs: number;
  /** Submitting stops this long before the lease could expire. */
  marginMs: number;
  /** Where this owner serves its status, for the fleet view. */
  statusUrl?: string;
  /** A monotonic clock in milliseconds. */
  now?: () => number;
}

export interface LeaseRow {
  account: string;
  owner: string;
  epoch: number;
  expiresAtMs: number;
  renewedAtMs: number;
  /** Judged by the database's clock when the rows were read. */
  expired: boolean;
  statusUrl: string | null;
  mode: string | null;
  ready: boolean | null;
}

/** A lease duration in SQL, from a parameter in milliseconds. */
const ttl = (param: string): string => `${param}::double precision * interval '1 millisecond'`;

/**
 * Insert the row, or take it over only once it has expired; a takeover always increments the
 * epoch, even by the same owner (a restarted process cannot know that its old self is gone).
 * ON CONFLICT DO UPDATE locks the row before judging the WHERE, so it waits for fenced writes in
 * flight (they hold FOR SHARE) and judges expiry after they have committed.
 */
export const ACQUIRE_SQL = `
insert into exstate_lease as lease (account, owner, epoch, expires_at, renewed_at, status_url, mode, ready)
values ($1, $2, 1, clock_timestamp() + ${ttl('$3')}, clock_timestamp(), $4, null, null)
on conflict (account) do update
  set owner = excluded.owner, epoch = lease.epoch + 1, expires_at = clock_timestamp() + ${ttl('$3')},
      renewed_at = clock_timestamp(), status_url = excluded.status_url, mode = null, ready = null
  where lease.expires_at <= clock_timestamp()
returning epoch`;

/** Extend the lease; only the same owner and epoch, and only while it is unexpired. */
export const RENEW_SQL = `
update exstate_lease set expires_at = clock_timestamp() + ${ttl('$4')}, renewed_at = clock_timestamp()
where account = $1 and owner = $2 and epoch = $3 and expires_at > clock_timestamp()
returning epoch`;

/** Expire it now, so a standby can take over at once; same owner and epoch only. */
const RELEASE_SQL = `
update exstate_lease set expires_at = clock_timestamp(), mode = null, ready = null
where account = $1 and owner = $2 and epoch = $3 and expires_at > clock_timestamp()`;

const REPORT_STATUS_SQL = `
update exstate_lease set mode = $4, ready = $5
where account = $1 and owner = $2 and epoch = $3 and expires_at > clock_timestamp()`;

const LIST_SQL = `
select account, owner, epoch, expires_at, renewed_at, status_url, mode, ready,
       expires_at <= clock_timestamp() as expired
from exstate_lease order by account`;

interface Held {
  epoch: number;
  /** Monotonic time until which submitting is safe. */
  submitUntil: number;
}

export class PostgresAccountLease implements FencingLease {
  readonly account: string;
  readonly owner: string;
  private readonly pool: Pool;
  private readonly ttlMs: number;
  private readonly marginMs: number;
  private readonly statusUrl: string | null;
  private readonly now: () => number;
  private held: Held | undefined;

  constructor(options: AccountLeaseOptions) {
    if (!(options.ttlMs > 0) || !(options.marginMs >= 0) || options.marginMs >= options.ttlMs) {
      throw new RangeError(`lease ttlMs (${options.ttlMs}) must be positive and larger than marginMs (${options.marginMs})`);
    }
    this.pool = options.pool;
    this.account = options.account;
    this.owner = options.owner;
    this.ttlMs = options.ttlMs;
    this.marginMs = options.marginMs;
    this.statusUrl = options.statusUrl ?? null;
    this.now = options.now ?? (() => performance.now());
  }

  /** Takes the lease if it is free or expired; false when another process holds it. */
  async tryAcquire(): Promise<boolean> {
    // Measured before sending: the database's expiry is later than this, never earlier.
    const sentAt = this.now();
    const { rows } = await this.pool.query<{ epoch: string }>(ACQUIRE_SQL, [this.account, this.owner, this.ttlMs, this.statusUrl]);
    if (rows.length === 0) return false;
    this.held = { epoch: Number(rows[0]!.epoch), submitUntil: this.submitUntil(sentAt) };
    return true;
  }

  /** Extends the lease; false means it is lost (taken over or expired) and stays lost. */
  async renew(): Promise<boolean> {
    const held = this.held;
    if (!held) return false;
    const sentAt = this.now();
    let rows: unknown[];
    try {
      ({ rows } = await this.pool.query(RENEW_SQL, [this.account, this.owner, held.epoch, this.ttlMs]));
    } catch (error) {
      // Unknown whether it was renewed: stop submitting now; a later successful renew resumes.
      if (this.held === held) held.submitUntil = Number.NEGATIVE_INFINITY;
      throw error;
    }
    if (this.held !== held) return false;
    if (rows.length === 0) {
      this.held = undefined;
      return false;
    }
    // Renewals answered out of order must not shorten a window a later one already extended.
    held.submitUntil = Math.max(held.submitUntil, this.submitUntil(sentAt));
    return true;
  }

  /** Gives the lease up: submitting stops first, then the row is expired for a standby. */
  async release(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (held) await this.pool.query(RELEASE_SQL, [this.account, this.owner, held.epoch]);
  }

  epoch(): number | undefined {
    return this.held?.epoch;
  }

  markLost(epoch: number): void {
    if (this.held?.epoch === epoch) this.held = undefined;
  }

  /** Whether a venue call may be sent now: the lease is held with more than the margin left. */
  safeToSubmit(): boolean {
    return this.held !== undefined && this.now() < this.held.submitUntil;
  }

  /** Records this owner's mode and readiness in its lease row; false when it no longer holds it. */
  async reportStatus(status: { mode: string; ready: boolean }): Promise<boolean> {
    const held = this.held;
    if (!held) return false;
    const { rowCount } = await this.pool.query(REPORT_STATUS_SQL, [this.account, this.owner, held.epoch, status.mode, status.ready]);
    return rowCount === 1;
  }

  /** Every account's lease row, for a fleet view. */
  static async listAccounts(pool: Pool): Promise<LeaseRow[]> {
    const { rows } = await pool.query<{
      account: string;
      owner: string;
      epoch: string;
      expires_at: Date;
      renewed_at: Date;
      status_url: string | null;
      mode: string | null;
      ready: boolean | null;
      expired: boolean;
    }>(LIST_SQL);
    return rows.map((r) => ({
      account: r.account,
      owner: r.owner,
      epoch: Number(r.epoch),
      expiresAtMs: r.expires_at.getTime(),
      renewedAtMs: r.renewed_at.getTime(),
      expired: r.expired,
      statusUrl: r.status_url,
      mode: r.mode,
      ready: r.ready,
    }));
  }

  private submitUntil(sentAt: number): number {
    return sentAt + this.ttlMs - this.marginMs;
  }
}
