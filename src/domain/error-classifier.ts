// Venue error classification by action, venue code and the evidence we hold (SPEC section 5).
import type { ExchangeId } from './scope.js';

export type ErrorClass =
  /** Filters, geometry, permissions, bad request: no retry. */
  | 'block'
  /** Cancel/amend of an order that terminal evidence already closed. */
  | 'benign_race'
  /** Rate limits: retry with backoff, honouring Retry-After. */
  | 'retry'
  /** Timeouts, socket errors, 5xx, venue-internal errors: the outcome is unknown, resolve by custom id. */
  | 'unknown'
  /** Duplicate client id: the order may exist, look it up, never send again. */
  | 'lookup';

export interface ClassifyInput {
  exchange: ExchangeId;
  action: 'place' | 'amend' | 'cancel';
  code?: string | number;
  httpStatus?: number;
  /** The target order already has terminal evidence (cancel/amend only). */
  targetTerminal: boolean;
}

const BINANCE: Record<string, ErrorClass | 'order_missing'> = {
  '-1000': 'unknown', '-1006': 'unknown', '-1007': 'unknown',
  '-1003': 'retry', '-1008': 'retry', '-1015': 'retry',
  // Timestamp outside recvWindow: refused before processing, so nothing was applied.
  '-1021': 'retry',
  '-2011': 'order_missing', '-2013': 'order_missing',
  '-4116': 'lookup', '-20132': 'lookup',
};

const BYBIT: Record<string, ErrorClass | 'order_missing'> = {
  '10000': 'unknown', '10016': 'unknown', '10019': 'unknown',
  '10006': 'retry', '10018': 'retry',
  '110001': 'order_missing', '110008': 'order_missing', '110010': 'order_missing',
  '110072': 'lookup',
};

export function classifyVenueError(input: ClassifyInput): ErrorClass {
  if (input.httpStatus === 429 || input.httpStatus === 418) return 'retry';
  if (input.httpStatus !== undefined && input.httpStatus >= 500) return 'unknown';
  if (input.code === undefined || input.code === null) return 'unknown';
  const table = input.exchange === 'bybit' ? BYBIT : BINANCE;
  const hit = table[String(input.code).trim()];
  if (hit === 'order_missing') {
    if (input.action === 'place') return 'block';
    // Without terminal evidence the order vanished for a reason we do not know: recover the scope.
    return input.targetTerminal ? 'benign_race' : 'unknown';
  }
  return hit ?? 'block';
}
