// `exstate fleet status`: every account in the shared store with its owner, epoch, lease age,
// mode and readiness (what each owner last reported into its lease row). Reads only.
import pg from 'pg';
import { PostgresAccountLease, type LeaseRow } from '../store/account-lease.js';
import { migrate } from '../store/postgres-schema.js';
import { errorLine } from './error-line.js';

export interface FleetRow {
  account: string;
  owner: string;
  epoch: number;
  /** held: unexpired; expired: a standby may take it over now. */
  lease: 'held' | 'expired';
  /** Since the owner last renewed, in seconds (database clock). */
  leaseAgeS: number;
  expiresInS: number;
  mode: string | null;
  ready: boolean | null;
}

export function fleetRows(rows: LeaseRow[], nowMs: number): FleetRow[] {
  return rows.map((r) => ({
    account: r.account, owner: r.owner, epoch: r.epoch, lease: r.expired ? 'expired' : 'held',
    leaseAgeS: Math.round((nowMs - r.renewedAtMs) / 100) / 10, expiresInS: Math.round((r.expiresAtMs - nowMs) / 100) / 10,
    mode: r.expired ? null : r.mode, ready: r.expired ? null : r.ready,
  }));
}

export async function fleetStatus(url: string, options: { json?: boolean; out?: NodeJS.WritableStream }): Promise<number> {
  const out = options.out ?? process.stdout;
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 5_000, query_timeout: 5_000 });
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
    const rows = await PostgresAccountLease.listAccounts(pool);
    // The database's clock, not this host's: ages are judged where expiry is.
    const { rows: [clock] } = await pool.query<{ now_ms: string }>('select (extract(epoch from clock_timestamp()) * 1000)::bigint as now_ms');
    const fleet = fleetRows(rows, Number(clock!.now_ms));
    if (options.json) out.write(`${JSON.stringify({ accounts: fleet })}\n`);
    else {
      out.write(`${['account', 'owner', 'epoch', 'lease', 'age_s', 'expires_in_s', 'mode', 'ready'].join('\t')}\n`);
      for (const f of fleet) out.write(`${[f.account, f.owner, f.epoch, f.lease, f.leaseAgeS, f.expiresInS, f.mode ?? '-', f.ready ?? '-'].join('\t')}\n`);
      if (fleet.length === 0) out.write('(no account in this store yet)\n');
    }
    return 0;
  } catch (error) {
    process.stderr.write(`exstate: fleet status: ${errorLine(error)}\n`);
    return 2;
  } finally {
    await pool.end().catch(() => undefined);
  }
}
