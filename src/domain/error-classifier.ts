// Venue error classification by action, venue code, HTTP status and the evidence we hold (SPEC
// section 5, lessons 1, 12 and 13). The rule that keeps money safe: only a DOCUMENTED definite
// rejection may terminate an order's context ('block'); a 5xx, a missing code, an unlisted code or
// a code the venue documents as "execution status unknown" is an unknown outcome, resolved by a
// lookup before anything is sent again.
//
// Binance: https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code and
// general-info ("HTTP 5XX return codes are used for internal errors; the issue is on Binance's
// side. It is important to NOT treat this as a failure operation; the execution status is
// UNKNOWN and could have been a success."). Bybit V5: https://bybit-exchange.github.io/docs/v5/error.
import type { ExchangeId } from './scope.js';

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

export interface ClassifyInput {
  exchange: ExchangeId;
  action: 'place' | 'amend' | 'cancel';
  code?: string | number;
  /** The HTTP status of the failed response, when there was one (a 5xx wins over any code). */
  httpStatus?: number;
  /** The target order already has terminal evidence (cancel/amend only). */
  targetTerminal: boolean;
}

type Entry = ErrorClass | 'order_missing' | 'no_change';

const each = (cls: Entry, ...codes: number[]): Array<[string, Entry]> => codes.map((c) => [String(c), cls]);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const BINANCE: Record<string, Entry> = Object.fromEntries([
  // -1000 UNKNOWN, -1001 DISCONNECTED ("internal error; unable to process"), -1006 UNEXPECTED_RESP
  // and -1007 TIMEOUT ("execution status unknown"): the venue may have applied the request.
  ...each('unknown', -1000, -1001, -1006, -1007),
  // -1008 server overloaded / request throttled: documented as a failure, but the 503 it comes with
  // is "execution status unknown" territory and reduce-only orders are exempt; never assume.
  ...each('unknown', -1008),
  // -1003 TOO_MANY_REQUESTS, -1015 TOO_MANY_ORDERS: refused by the rate limiter.
  ...each('retry', -1003, -1015),
  // -1021 INVALID_TIMESTAMP (outside recvWindow / ahead of the server), -5028 outside the matching
  // engine's recvWindow: refused before processing, so nothing was applied.
  ...each('retry', -1021, -5028),
  // -2011 CANCEL_REJECTED (unknown order sent), -2013 NO_SUCH_ORDER: see order_missing below.
  ...each('order_missing', -2011, -2013),
  // -4116 DUPLICATED_CLIENT_ORDER_ID, -20132 duplicated client algo id: it may exist, look it up.
  ...each('lookup', -4116, -20132),
  // -5027 "No need to modify the order.": the amend asked for what the order already is.
  ...each('no_change', -5027),

  // ---- documented definite rejections ------------------------------------------------------
  // -1002 UNAUTHORIZED, -1011 NON_WHITE_LIST (IP cannot access the route), -1022 INVALID_SIGNATURE,
  // -1099 NOT_FOUND (unauthenticated), -2014 BAD_API_KEY_FMT, -2015 REJECTED_MBX_KEY (invalid key,
  // IP or permissions), -2017 API keys locked: authentication and permission refusals.
  ...each('block', -1002, -1011, -1022, -1099, -2014, -2015, -2017),
  // -1013 INVALID_MESSAGE (filter failure), -1014 UNKNOWN_ORDER_COMPOSITION, -1020 UNSUPPORTED_OPERATION,
  // -1023 START_TIME_GREATER_THAN_END_TIME: the request itself is refused.
  ...each('block', -1013, -1014, -1020, -1023),
  // -1100..-1131 request issues: illegal characters (-1100), too many/unknown/unread/empty/not
  // required parameters (-1101..-1106), mandatory parameter missing (-1102), bad precision (-1111),
  // invalid TIF/type/side (-1115..-1117), bad symbol (-1121), invalid listen key (-1125),
  // bad parameter combination (-1128), invalid parameter (-1130), recvWindow too large (-1131).
  ...each('block', ...range(-1131, -1100)),
  // -1136 INVALID_NEW_ORDER_RESP_TYPE.
  ...each('block', -1136),
  // -2010 NEW_ORDER_REJECTED, -2018 BALANCE_NOT_SUFFICIENT, -2019 MARGIN_NOT_SUFFICIEN,
  // -2020 UNABLE_TO_FILL, -2021 ORDER_WOULD_IMMEDIATELY_TRIGGER, -2022 REDUCE_ONLY_REJECT,
  // -2023 USER_IN_LIQUIDATION, -2024 POSITION_NOT_SUFFICIENT, -2025 MAX_OPEN_ORDER_EXCEEDED,
  // -2026 REDUCE_ONLY_ORDER_TYPE_NOT_SUPPORTED, -2027 MAX_LEVERAGE_RATIO, -2028 MIN_LEVERAGE_RATIO.
  ...each('block', -2010, ...range(-2028, -2018)),
  // -4000 INVALID_ORDER_STATUS, -4001..-4013 price/quantity/stop-price limits (-4003 quantity <= 0,
  // -4004 below minimum, -4005 above maximum), -4014 PRICE_NOT_INCREASED_BY_TICK_SIZE,
  // -4015 INVALID_CL_ORD_ID_LEN, -4016 PRICE_HIGHTER_THAN_MULTIPLIER_UP,
  // -4023 QTY_NOT_INCREASED_BY_STEP_SIZE, -4024 PRICE_LOWER_THAN_MULTIPLIER_DOWN,
  // -4028 invalid leverage, -4029/-4030 tick/step precision, -4031 INVALID_WORKING_TYPE.
  ...each('block', ...range(-4016, -4000), -4023, -4024, -4028, -4029, -4030, -4031),
  // -4045 REACH_MAX_STOP_ORDER_LIMIT, -4060 INVALID_POSITION_SIDE, -4061 POSITION_SIDE_NOT_MATCH,
  // -4062 REDUCE_ONLY_CONFLICT, -4087/-4088 account may only reduce / may not place orders now.
  ...each('block', -4045, -4060, -4061, -4062, -4087, -4088),
  // -4118 REDUCE_ONLY_MARGIN_CHECK_FAILED, -4120 conditional type on the regular endpoint (use the
  // algo endpoint), -4130 a close-position stop/take-profit already exists on that side,
  // -4131 MARKET_ORDER_REJECT (counterparty price outside PERCENT_PRICE), -4135 INVALID_ACTIVATION_PRICE,
  // -4137 QUANTITY_EXISTS_WITH_CLOSE_POSITION, -4138 REDUCE_ONLY_MUST_BE_TRUE,
  // -4139 ORDER_TYPE_CANNOT_BE_MKT, -4140 INVALID_OPENING_POSITION_STATUS, -4141 SYMBOL_ALREADY_CLOSED,
  // -4142 STRATEGY_INVALID_TRIGGER_PRICE, -4164 MIN_NOTIONAL, -4183/-4184 price beyond the stop
  // price multiplier cap/floor.
  ...each('block', -4118, -4120, -4130, -4131, -4135, -4137, -4138, -4139, -4140, -4141, -4142, -4164, -4183, -4184),
  // -5021 FOK could not fill, -5022 post-only would take, -5024 symbol not trading (no amend),
  // -5025 only limit orders can be amended, -5026 amend limit reached, -5037..-5040 invalid price
  // match / STP mode / goodTillDate, -5041 no depth for a BBO order.
  ...each('block', -5021, -5022, -5024, -5025, -5026, -5037, -5038, -5039, -5040, -5041),
]);

const BYBIT: Record<string, Entry> = Object.fromEntries([
  // 10000 server timeout, 10016 server error, 10019 service restarting: the outcome is unknown.
  ...each('unknown', 10000, 10016, 10019),
  // 10006 too many visits, 10018 IP rate limit; 10002 request time outside the window (refused).
  ...each('retry', 10006, 10018, 10002),
  // 110001 order does not exist, 110008 completed or cancelled, 110010 already cancelled.
  ...each('order_missing', 110001, 110008, 110010),
  // 110072 OrderLinkedID is duplicate.
  ...each('lookup', 110072),

  // ---- definite rejections ---------------------------------------------------------------------
  // 10001 request parameter error; 10003 invalid API key, 10004 signature error, 10005 permission
  // denied, 10007 authentication failed, 10010 unmatched IP, 10017 route not found,
  // 10024 compliance rules, 10027 transactions banned, 10029 symbol not allowed.
  ...each('block', 10001, 10003, 10004, 10005, 10007, 10010, 10017, 10024, 10027, 10029),
  // 110003 price out of range, 110004 wallet balance insufficient, 110006 margin cannot be covered,
  // 110007 available balance insufficient, 110009 too many stop orders, 110012 insufficient
  // available balance, 110017 reduce-only rejected (nothing to reduce), 110020 too many active
  // orders, 110021 open-interest limit, 110092/110093 trigger price on the wrong side of the
  // market (would trigger at once), 110094 below the minimum notional.
  ...each('block', 110003, 110004, 110006, 110007, 110009, 110012, 110017, 110020, 110021, 110092, 110093, 110094),
]);

export function classifyVenueError(input: ClassifyInput): ErrorClass {
  if (input.httpStatus === 429 || input.httpStatus === 418) return 'retry';
  // Binance: a 5xx is "execution status unknown" whatever code its body carries.
  if (input.httpStatus !== undefined && input.httpStatus >= 500) return 'unknown';
  if (input.code === undefined || input.code === null || String(input.code).trim() === '') return 'unknown';
  const table = input.exchange === 'bybit' ? BYBIT : BINANCE;
  const hit = table[String(input.code).trim()];
  if (hit === 'order_missing') {
    if (input.action === 'place') return 'block';
    // Without terminal evidence the order vanished for a reason we do not know: recover the scope.
    return input.targetTerminal ? 'benign_race' : 'unknown';
  }
  if (hit === 'no_change') return input.action === 'amend' ? 'benign_race' : 'unknown';
  // Lesson 13: an unlisted code is an unknown outcome, never a block that drops the order from view.
  return hit ?? 'unknown';
}
