// Venue error classification by action, venue code, HTTP status and the evidence we hold (SPEC
// section 5, lessons 1, 12 and 13). The rule that keeps money safe: only a DOCUMENTED definite
// rejection may terminate an order's context ('block'); a 5xx, a missing code, an unlisted code or
// a code the venue documents as "execution status unknown" is an unknown outcome, resolved by a
// lookup before anything is sent again.
//
// Venue-neutral: which code means what is data each venue plug-in brings (its ErrorRules, see
// src/venues/plugin.ts); this module only applies the rules.

export type ErrorClass =
  /** A documented definite rejection (filters, geometry, permissions, bad request): no retry. */
  | 'block'
  /** Cancel/amend of an order that terminal evidence already closed, or an amend with nothing to change. */
  | 'benign_race'
  /** Refused before processing (rate limits, timestamp window): retry with backoff, honouring Retry-After. */
  | 'retry'
  /** Timeouts, socket errors, 5xx, venue-internal or unlisted codes: the outcome is unknown, resolve by custom id. */
  | 'unknown'
  /** Duplicate client id: the order may exist, look it up, never send again. */
  | 'lookup';

/**
 * What one venue code means. Two entries depend on the action: `order_missing` (the venue has no
 * such order: a block for a place, a benign race for a cancel/amend whose target is already
 * terminal, else unknown) and `no_change` (an amend that asked for what the order already is).
 */
export type ErrorTableEntry = ErrorClass | 'order_missing' | 'no_change';

/** One venue's documented error semantics, as data. */
export interface ErrorRules {
  /** Venue code (as a string) -> its class. An unlisted code is an unknown outcome (lesson 13). */
  codes: Readonly<Record<string, ErrorTableEntry>>;
  /** HTTP statuses that mean "refused by the rate limiter before processing". */
  retryHttpStatuses: readonly number[];
}

export interface ClassifyInput {
  action: 'place' | 'amend' | 'cancel';
  code?: string | number;
  /** The HTTP status of the failed response, when there was one (a 5xx wins over any code). */
  httpStatus?: number;
  /** The target order already has terminal evidence (cancel/amend only). */
  targetTerminal: boolean;
}

/** Table rows: every code given gets `cls` (for building a plug-in's `codes`). */
export const codesAs = (cls: ErrorTableEntry, ...codes: number[]): Array<[string, ErrorTableEntry]> => codes.map((c) => [String(c), cls]);

/** Every whole number from `from` to `to`, both included. */
export const codeRange = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export function classifyVenueError(rules: ErrorRules, input: ClassifyInput): ErrorClass {
  if (input.httpStatus !== undefined && rules.retryHttpStatuses.includes(input.httpStatus)) return 'retry';
  // A 5xx is "execution status unknown" whatever code its body carries: the venue may have applied it.
  if (input.httpStatus !== undefined && input.httpStatus >= 500) return 'unknown';
  if (input.code === undefined || input.code === null || String(input.code).trim() === '') return 'unknown';
  const hit = rules.codes[String(input.code).trim()];
  if (hit === 'order_missing') {
    if (input.action === 'place') return 'block';
    // Without terminal evidence the order vanished for a reason we do not know: recover the scope.
    return input.targetTerminal ? 'benign_race' : 'unknown';
  }
  if (hit === 'no_change') return input.action === 'amend' ? 'benign_race' : 'unknown';
  // Lesson 13: an unlisted code is an unknown outcome, never a block that drops the order from view.
  return hit ?? 'unknown';
}
