// A ccxt call's failure -> the port's SubmitOutcome. A venue code in the body makes it a
// rejection (the runtime's classifier decides what the code means); no code means we cannot
// know whether the venue applied the request: the outcome is unknown.
import ccxt from 'ccxt';
import type { SubmitOutcome } from '../port.js';

export function codeOf(error: unknown): number | undefined {
  const m = /"code"\s*:\s*(-?\d+)/.exec(String((error as Error)?.message ?? ''));
  return m ? Number(m[1]) : undefined;
}

export function outcomeOfError(error: unknown, retryAfterMs: number | undefined): SubmitOutcome {
  const message = String((error as Error)?.message ?? error);
  if (error instanceof ccxt.DDoSProtection || error instanceof ccxt.RateLimitExceeded) {
    return { kind: 'rejected', code: codeOf(error), httpStatus: 429, retryAfterMs, message: short(message) };
  }
  const code = codeOf(error);
  if (code !== undefined) return { kind: 'rejected', code, message: short(message) };
  return { kind: 'unknown', reason: error instanceof ccxt.RequestTimeout ? 'timeout' : error instanceof ccxt.ExchangeNotAvailable ? 'venue_unavailable' : 'network_error' };
}

/** Error text for logs: the venue's body only, never the signed URL. */
export function short(message: string): string {
  const body = /\{.*\}/.exec(message);
  return (body ? body[0] : message.split('?')[0] ?? message).slice(0, 300);
}
