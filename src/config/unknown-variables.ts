// A misspelled variable is a silent misconfiguration: `STOPLOSS_PCT=2` instead of STOP_LOSS_PCT
// would run a service with a take-profit only. Every variable the operator's files set (`.env`,
// a profile) must be one exstate knows; a variable of the process environment that is a near miss
// of a known name is refused too (others there belong to the rest of the system).
import { ConfigError } from './config-error.js';

/** Prefixes exstate's variables share: an unknown file variable with one of them is a mistake. */
const PREFIXES = [
  'EXECUTION_', 'VENUE', 'SIM_', 'LISTEN_KEY', 'PRODUCT', 'POSITION_', 'SYMBOL', 'TAKE_PROFIT', 'STOP_LOSS', 'STOPLOSS', 'TAKEPROFIT', 'DCA',
  'EVENT_BURST', 'MAX_BURST', 'CONFIRMATION_', 'HEARTBEAT', 'STORE_', 'CONFORMANCE', 'LIVE_', 'LOG_', 'API_KEY', 'API_SECRET', 'PROTECTION_', 'SUMMARY', 'EXSTATE', 'LEASE_', 'ACCOUNT_ID',
];

/** Variables other tools put in a shell's environment or a .env that are not exstate's business. */
const FOREIGN = new Set(['NODE_ENV', 'NODE_OPTIONS', 'TZ', 'PATH', 'HOME', 'CI', 'TERM', 'PWD', 'SHELL', 'USER', 'LANG']);

const squash = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, '');

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

/** The known name a variable is a near miss of: same letters without separators, or one or two edits away. */
export function nearMiss(name: string, known: readonly string[]): string | undefined {
  const n = squash(name);
  if (n.length < 5) return undefined;
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = squash(k) === n ? 0 : distance(n, squash(k));
    if (d <= 2 && (!best || d < best.d)) best = { name: k, d };
  }
  return best?.name;
}

/**
 * Refuses, with one line naming the variable, a file variable exstate does not know when it
 * looks like one of exstate's (a near miss or a shared prefix), and a process variable that is a
 * near miss of a known name.
 */
export function checkUnknownVariables(env: Record<string, string | undefined>, fromFiles: ReadonlySet<string>, known: readonly string[]): void {
  const knownSet = new Set(known);
  for (const name of Object.keys(env)) {
    if (knownSet.has(name) || FOREIGN.has(name) || name !== name.toUpperCase()) continue;
    const miss = nearMiss(name, known);
    if (miss) throw new ConfigError(name, env[name], `unknown variable: did you mean ${miss}?`);
    if (fromFiles.has(name) && PREFIXES.some((p) => name.startsWith(p))) throw new ConfigError(name, env[name], 'unknown variable (see .env.example for every setting)');
  }
}
