// A ccxt call's failure -> the port's SubmitOutcome. A venue code in the body makes it a
// rejection that carries the HTTP status it came with (the runtime's classifier decides: a 5xx is
// an unknown outcome whatever its code); no code means we cannot know whether the venue applied
// the request: the outcome is unknown. Messages keep the venue's body only, never the signed URL.
import ccxt from 'ccxt';
import type { SubmitOutcome } from '../port.js';
import { httpStatusOf, venueCodeOf } from './client.js';

/** The venue code in a ccxt error's message (ccxt appends the raw body): Binance `code`, Bybit `retCode`. */
export function codeOf(error: unknown): number | undefined {
  const tagged = venueCodeOf(error);
  if (tagged !== undefined) return tagged;
  const m = /"(?:code|retCode)"\s*:\s*"?(-?\d+)/.exec(String((error as Error)?.message ?? ''));
  return m ? Number(m[1]) : undefined;
}

export function outcomeOfError(error: unknown, retryAfterMs: number | undefined): SubmitOutcome {
  const message = String((error as Error)?.message ?? error);
  const httpStatus = httpStatusOf(error);
  if (error instanceof ccxt.DDoSProtection || error instanceof ccxt.RateLimitExceeded) {
    return { kind: 'rejected', code: codeOf(error), httpStatus: httpStatus ?? 429, retryAfterMs, message: short(message) };
  }
  const code = codeOf(error);
  if (code !== undefined) return { kind: 'rejected', code, ...(httpStatus !== undefined ? { httpStatus } : {}), message: short(message) };
  if (httpStatus !== undefined && httpStatus >= 500) return { kind: 'unknown', reason: `venue_unavailable:http_${httpStatus}` };
  return { kind: 'unknown', reason: error instanceof ccxt.RequestTimeout ? 'timeout' : error instanceof ccxt.ExchangeNotAvailable ? 'venue_unavailable' : 'network_error' };
}

/** Error text for logs: the venue's body only, never the signed URL. */
export function short(message: string): string {
  const body = /\{.*\}/.exec(message);
  return (body ? body[0] : message.split('?')[0] ?? message).slice(0, 300);
}

/**
 * A failed venue read (hydration, lookup, fill history) as the runtime sees it: the ccxt class
 * name, the venue code and the HTTP status, and the venue's body only (never the signed URL, never
 * a key or secret: ccxt's transport errors carry the whole signed URL in their message).
 */
export class VenueCallError extends Error {
  constructor(readonly operation: string, readonly venueError: string, readonly code: number | undefined, readonly httpStatus: number | undefined, detail: string) {
    super(`${operation} failed: ${venueError}${httpStatus !== undefined ? ` (HTTP ${httpStatus})` : ''}: ${detail}`);
    this.name = 'VenueCallError';
  }
}

export function venueCallError(operation: string, error: unknown, scrub: (text: string) => string): VenueCallError {
  if (error instanceof VenueCallError) return error;
  const name = error instanceof Error ? error.constructor.name : 'Error';
  return new VenueCallError(operation, name, codeOf(error), httpStatusOf(error), scrub(short(String((error as Error)?.message ?? error))));
}
