// How long Binance keeps serving orders from its query endpoints (Query-Order, Query-Algo-Order,
// All-Orders, Query-All-Algo-Orders; developers.binance.com/docs/derivatives/usds-margined-futures/
// trade/rest-api/...). The pages say, word for word for regular and algo orders alike, "These orders
// will not be found":
//   - status CANCELED or EXPIRED AND no filled trade AND created time + 3 days < current time
//   - created time + 90 days < current time
// Measured on the venue clock (sim.clock.advance jumps it). The `forgetFinished` fault is the blunt
// override: every order that is no longer open is gone at once.
import { Decimal } from 'decimal.js';
import type { SimAlgoOrder, SimOrder } from './sim-types.js';
import { isAlgoOpen, isOpen } from './engine.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** CANCELED or EXPIRED without a fill: no longer found 3 days after creation. */
export const UNFILLED_RETENTION_MS = 3 * DAY_MS;
/** Any order: no longer found 90 days after creation. */
export const ORDER_RETENTION_MS = 90 * DAY_MS;

export function orderServed(o: SimOrder, now: number, forgetFinished: boolean): boolean {
  if (forgetFinished && !isOpen(o.status)) return false;
  if (o.time + ORDER_RETENTION_MS < now) return false;
  const unfilled = new Decimal(o.executedQty).isZero();
  return !((o.status === 'CANCELED' || o.status === 'EXPIRED') && unfilled && o.time + UNFILLED_RETENTION_MS < now);
}

export function algoServed(a: SimAlgoOrder, now: number, forgetFinished: boolean): boolean {
  if (forgetFinished && !isAlgoOpen(a.algoStatus)) return false;
  if (a.createTime + ORDER_RETENTION_MS < now) return false;
  // An algo order that ended CANCELED or EXPIRED never produced a fill of its own.
  return !((a.algoStatus === 'CANCELED' || a.algoStatus === 'EXPIRED') && a.createTime + UNFILLED_RETENTION_MS < now);
}
