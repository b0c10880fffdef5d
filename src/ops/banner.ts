// The startup banner: once the service is first ready, one `service_banner` line says what runs
// and for which account. The account is named by a fingerprint (a short hash of the API key), so
// two services can be told apart without the key ever being printed. Also `exstate --version`.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { executionModeName, type ServiceConfig } from '../config/service-config.js';
import { canon } from '../domain/decimal.js';
import type { BalanceRow } from '../domain/rows.js';
import type { Strategy } from '../domain/strategy.js';
import type { Journal } from '../runtime/journal.js';
import type { JournalFields } from '../runtime/journal-catalogue.js';

/** The version in exstate's package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** 8 hex characters of SHA-256 of the API key: names the account, cannot give the key back. */
export function accountFingerprint(apiKey: string | undefined): string {
  return apiKey ? createHash('sha256').update(apiKey).digest('hex').slice(0, 8) : 'none';
}

/** "TP 1% SL 2% DCA 1%:100%,2%:100%" (offset:size per step), or "none" for a side that is not set. */
export function strategySummary(strategy: Strategy): string {
  const pct = (d: { toFixed(): string } | undefined) => (d ? `${d.toFixed()}%` : 'none');
  const dca = strategy.dca.length ? strategy.dca.map((s) => `${s.offsetPct.toFixed()}%:${s.sizePct.toFixed()}%`).join(',') : 'none';
  return `TP ${pct(strategy.takeProfitPct)} SL ${pct(strategy.stopLossPct)} DCA ${dca}`;
}

/** "10000 USDT (available 9500)" per asset with a wallet balance, or undefined when none is known. */
export function balanceSummary(balances: Iterable<Omit<BalanceRow, 'kind'>>): string | undefined {
  const parts = [...balances]
    .filter((b) => b.walletBalance !== undefined)
    .map((b) => `${canon(b.walletBalance!)} ${b.asset}${b.availableBalance !== undefined ? ` (available ${canon(b.availableBalance)})` : ''}`);
  return parts.length ? parts.join(', ') : undefined;
}

export function bannerFields(config: ServiceConfig, facts: { apiKey?: string; balances: Iterable<Omit<BalanceRow, 'kind'>> }): JournalFields<'service_banner'> {
  const r = config.runtime;
  const balance = balanceSummary(facts.balances);
  return {
    version: packageVersion(),
    mode: executionModeName(r.mode),
    venue: config.venue,
    account: accountFingerprint(facts.apiKey),
    symbols: r.configuredSymbols?.length ? r.configuredSymbols : 'auto',
    strategy: strategySummary(r.strategy),
    store: config.storePath,
    positionMode: r.positionMode,
    ...(balance ? { balance } : {}),
  };
}

/**
 * Records the banner once, when the service is first ready (after that record, never inside it),
 * with the operator HTTP server's URL and its dashboard's if it said one. Returns the unsubscribe.
 */
export function bannerOnReady(journal: Journal, fields: () => JournalFields<'service_banner'>): () => void {
  let http: string | undefined;
  const unsubscribe = journal.subscribe((record) => {
    if (record.event === 'http_listening' && typeof record.url === 'string') http = record.url;
    if (record.event !== 'service_ready') return;
    unsubscribe();
    queueMicrotask(() => journal.record('service_banner', { ...fields(), ...(http ? { http, dashboard: `${http}/dashboard` } : {}) }));
  });
  return unsubscribe;
}
