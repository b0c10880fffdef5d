// One V5 route of the Bybit overlay: who may call it, whether it is an order request (counted by the
// order rate limiter and answered with the X-Bapi-Limit headers) and what it answers (the `result`
// of the envelope). The route modules build these; rest.ts serves them.
import type { SimEngine } from '../engine.js';
import type { BybitLedger } from './ledger.js';
import type { BybitParams } from './params.js';

export interface BybitRoute {
  method: 'GET' | 'POST';
  path: string;
  auth: 'none' | 'signed';
  /** An order request: create, amend, cancel, cancel-all. */
  order?: boolean;
  handler: (p: BybitParams) => unknown;
}

export interface BybitContext {
  engine: SimEngine;
  ledger: BybitLedger;
  /** The venue clock (rows, retention windows). */
  venueNow: () => number;
  /** The clock signed requests are checked against and `time` carries (wall clock plus the skew fault). */
  serverTime: () => number;
  forgetFinished: () => boolean;
}
