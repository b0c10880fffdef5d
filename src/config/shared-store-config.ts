// STORE_URL and the lease settings: a PostgreSQL store shared by every host that may manage the
// account, with a fenced lease deciding which one does (docs/DEPLOYMENT.md). Unset: the embedded
// SQLite file at STORE_PATH, one host.
import { createHash } from 'node:crypto';
import { registerSecret } from '../runtime/redact.js';
import { ConfigError } from './config-error.js';

export interface SharedStoreConfig {
  /** postgres://user:password@host:port/database (the password is registered with the scrubber). */
  url: string;
  /** The account's name in the shared store: every process that may manage this account uses the same one. */
  accountId: string;
  /** How long a taken or renewed lease lasts (database time). */
  leaseTtlMs: number;
  /** Submissions stop this long before the lease would run out on this process's monotonic clock. */
  leaseMarginMs: number;
}

export const DEFAULT_LEASE_TTL_MS = 15_000;
export const DEFAULT_LEASE_MARGIN_MS = 5_000;

export function parseSharedStore(
  e: { STORE_URL?: string; ACCOUNT_ID?: string; LEASE_TTL_MS?: number; LEASE_MARGIN_MS?: number },
  account: { venue: string; url: string; apiKey: string },
): SharedStoreConfig | undefined {
  const raw = e.STORE_URL?.trim();
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError('STORE_URL', '[set]', 'expected postgres://user@host:port/database');
  }
  // The password never reaches a message: the scrubber learns it first.
  registerSecret(decodeURIComponent(parsed.password));
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new ConfigError('STORE_URL', `${parsed.protocol}//…`, 'expected postgres://user@host:port/database (unset: the SQLite file at STORE_PATH)');
  const accountId = e.ACCOUNT_ID?.trim() || defaultAccountId(account);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(accountId)) throw new ConfigError('ACCOUNT_ID', e.ACCOUNT_ID, 'expected 1 to 64 letters, digits, dots, dashes or underscores');
  const leaseTtlMs = e.LEASE_TTL_MS ?? DEFAULT_LEASE_TTL_MS;
  const leaseMarginMs = e.LEASE_MARGIN_MS ?? DEFAULT_LEASE_MARGIN_MS;
  if (leaseTtlMs < 2_000) throw new ConfigError('LEASE_TTL_MS', String(leaseTtlMs), 'must be at least 2000 milliseconds');
  // The lease is renewed every (ttl - margin) / 2: two renewals fit before submissions would stop.
  if (leaseMarginMs < 500 || leaseMarginMs > leaseTtlMs / 2) throw new ConfigError('LEASE_MARGIN_MS', String(leaseMarginMs), `must be between 500 and half of LEASE_TTL_MS (${leaseTtlMs / 2})`);
  return { url: raw, accountId, leaseTtlMs, leaseMarginMs };
}

/** The same account reached with the same key gets the same name on every host; the key itself is only hashed. */
export function defaultAccountId(account: { venue: string; url: string; apiKey: string }): string {
  return `${account.venue}-${createHash('sha256').update(`${account.venue}|${account.url}|${account.apiKey}`).digest('hex').slice(0, 16)}`;
}

/** The URL as it may be shown: no user, no password. */
export function displayStoreUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}
