// Binance spot error codes and their classes (https://developers.binance.com/docs/binance-spot-api-docs/errors).
// Spot differs from USD-M: one code, -2010 NEW_ORDER_REJECTED, carries several reasons told apart
// only by the message, so the adapter refines it (refinedSpotCode) into `-2010:<reason>` before
// the venue-neutral classifier applies this table:
//   "Duplicate order sent."                                  -> -2010:duplicate (look it up)
//   "Account has insufficient balance for requested action." -> -2010:insufficient_balance (block)
//   "Order would trigger immediately."                       -> -2010:would_trigger (market state)
//   "Order would immediately match and take."                -> -2010:would_take (market state)
//   "The relationship of the prices for the orders is not correct." (an order list whose levels
//    do not bracket the last price)                          -> -2010:price_relationship (market state)
//   any other -2010                                          -> -2010 (a definite rejection: block)
// The three market-state refusals are definite (nothing was placed) and the runtime watches the
// price for them (rules.ts marketStateCodes): protection the market refuses now is never dropped.
// A 5xx, a missing code or an unlisted code is an unknown outcome (the classifier's rule).
import { codeRange, codesAs, type ErrorTableEntry } from '../../domain/error-classifier.js';

export const BINANCE_SPOT_ERROR_CODES: Readonly<Record<string, ErrorTableEntry>> = Object.fromEntries([
  // -1000 UNKNOWN, -1001 DISCONNECTED, -1006 UNEXPECTED_RESP, -1007 TIMEOUT ("execution status
  // unknown"), -1008 server busy: the venue may have applied the request.
  ...codesAs('unknown', -1000, -1001, -1006, -1007, -1008),
  // -1003 TOO_MANY_REQUESTS, -1015 TOO_MANY_ORDERS: refused by the rate limiter.
  ...codesAs('retry', -1003, -1015),
  // -1021 INVALID_TIMESTAMP: refused before processing.
  ...codesAs('retry', -1021),
  // -2011 CANCEL_REJECTED (unknown order / not open), -2013 NO_SUCH_ORDER ("Order does not exist."),
  // -2026 ORDER_ARCHIVED (cancelled or expired with no fill over 90 days ago).
  ...codesAs('order_missing', -2011, -2013, -2026),
  // -2010 "Duplicate order sent.": the order may exist, look it up, never send again.
  ['-2010:duplicate', 'lookup'],

  // ---- documented definite rejections ------------------------------------------------------
  // -2010 NEW_ORDER_REJECTED (insufficient balance, would trigger immediately, would take as maker).
  ...codesAs('block', -2010),
  ['-2010:insufficient_balance', 'block'],
  ['-2010:would_trigger', 'block'],
  ['-2010:would_take', 'block'],
  ['-2010:price_relationship', 'block'],
  // -1002 UNAUTHORIZED, -1022 INVALID_SIGNATURE, -1099 NOT_FOUND, -2014 BAD_API_KEY_FMT,
  // -2015 REJECTED_MBX_KEY (invalid key, IP or permissions).
  ...codesAs('block', -1002, -1022, -1099, -2014, -2015),
  // -1013 filter failure (LOT_SIZE, PRICE_FILTER, NOTIONAL, ...), -1014 unknown order composition,
  // -1020 unsupported operation.
  ...codesAs('block', -1013, -1014, -1020),
  // -1100..-1131 request issues (illegal characters, missing or unknown parameters, bad precision,
  // invalid TIF/type/side, bad symbol, bad combination); -1136 invalid newOrderRespType.
  ...codesAs('block', ...codeRange(-1131, -1100), -1136),
  // -1158..-1199 order-list composition (OCO leg types and places: -1158, -1165, -1166, -1168,
  // -1196..-1199).
  ...codesAs('block', ...codeRange(-1199, -1150)),
]);

/** The message of a Binance error body, read loosely. */
function messageOf(text: string): string {
  const m = /"msg"\s*:\s*"([^"]*)"/.exec(text);
  return m ? m[1]! : text;
}

/** -2010 told apart by its message (see the table's header); every other code as it is. */
export function refinedSpotCode(code: number | undefined, text: string): number | string | undefined {
  if (code !== -2010) return code;
  const msg = messageOf(text).toLowerCase();
  if (msg.includes('duplicate')) return '-2010:duplicate';
  if (msg.includes('insufficient balance')) return '-2010:insufficient_balance';
  if (msg.includes('trigger immediately')) return '-2010:would_trigger';
  if (msg.includes('match and take')) return '-2010:would_take';
  if (msg.includes('relationship of the prices')) return '-2010:price_relationship';
  return -2010;
}
