// What every ccxt venue adapter does the same way: its credentials registered with the process-wide
// scrubber before any client exists, one scrubber and a scrubbing journal log for everything it
// logs, returns or throws (venue error texts echo signed URLs and keys), a skipped REST order row
// said once, and the last response's headers read loosely (ccxt re-cases their names).
import type { JournalLog } from '../../runtime/journal-catalogue.js';
import { registerSecret, scrubText } from '../../runtime/redact.js';

export interface AdapterScrubbing {
  scrub: (text: string) => string;
  /** The adapter's journal log: every string field scrubbed. */
  log: JournalLog;
}

/** Registers the key and the secret (the runtime's own scrubbing knows them too) and wraps `log`. */
export function adapterScrubbing(credentials: { apiKey: string; secret: string }, log: JournalLog): AdapterScrubbing {
  registerSecret(credentials.apiKey);
  registerSecret(credentials.secret);
  const secrets = [credentials.apiKey, credentials.secret];
  const scrub = (text: string) => scrubText(text, secrets);
  const scrubbed: JournalLog = (event, fields) =>
    log(event, Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? scrub(v) : v])) as typeof fields);
  return { scrub, log: scrubbed };
}

/**
 * A REST order row that does not normalize: skipped and said (if it was ours, its absence makes it
 * unknown and the scope recovers). Returns the row, or nothing.
 */
export function orderRowOrSkip<T>(build: () => T, kit: AdapterScrubbing): T[] {
  try {
    return [build()];
  } catch (error) {
    kit.log('malformed_row_skipped', { kind: 'order', source: 'rest', reason: kit.scrub(String((error as Error)?.message ?? error)).slice(0, 300) });
    return [];
  }
}

/** A header of the client's last response, matched case-insensitively. */
export function lastResponseHeader(ex: unknown, name: string): string | undefined {
  const h = (ex as { last_response_headers?: Record<string, string> }).last_response_headers ?? {};
  const key = Object.keys(h).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : h[key];
}
