// Binance USD-M error codes and their classes (the venue-neutral classifier in
// src/domain/error-classifier.ts applies them). Sources:
// https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code and
// general-info ("HTTP 5XX return codes are used for internal errors; the issue is on Binance's
// side. It is important to NOT treat this as a failure operation; the execution status is
// UNKNOWN and could have been a success.").
import { codeRange, codesAs, type ErrorTableEntry } from '../../domain/error-classifier.js';

export const BINANCE_USDM_ERROR_CODES: Readonly<Record<string, ErrorTableEntry>> = Object.fromEntries([
  // -1000 UNKNOWN, -1001 DISCONNECTED ("internal error; unable to process"), -1006 UNEXPECTED_RESP
  // and -1007 TIMEOUT ("execution status unknown"): the venue may have applied the request.
  ...codesAs('unknown', -1000, -1001, -1006, -1007),
  // -1008 server overloaded / request throttled: documented as a failure, but the 503 it comes with
  // is "execution status unknown" territory and reduce-only orders are exempt; never assume.
  ...codesAs('unknown', -1008),
  // -1003 TOO_MANY_REQUESTS, -1015 TOO_MANY_ORDERS: refused by the rate limiter.
  ...codesAs('retry', -1003, -1015),
  // -1021 INVALID_TIMESTAMP (outside recvWindow / ahead of the server), -5028 outside the matching
  // engine's recvWindow: refused before processing, so nothing was applied.
  ...codesAs('retry', -1021, -5028),
  // -2011 CANCEL_REJECTED (unknown order sent), -2013 NO_SUCH_ORDER: see order_missing below.
  ...codesAs('order_missing', -2011, -2013),
  // -4116 DUPLICATED_CLIENT_ORDER_ID, -20132 duplicated client algo id: it may exist, look it up.
  ...codesAs('lookup', -4116, -20132),
  // -5027 "No need to modify the order.": the amend asked for what the order already is.
  ...codesAs('no_change', -5027),

  // ---- documented definite rejections ------------------------------------------------------
  // -1002 UNAUTHORIZED, -1011 NON_WHITE_LIST (IP cannot access the route), -1022 INVALID_SIGNATURE,
  // -1099 NOT_FOUND (unauthenticated), -2014 BAD_API_KEY_FMT, -2015 REJECTED_MBX_KEY (invalid key,
  // IP or permissions), -2017 API keys locked: authentication and permission refusals.
  ...codesAs('block', -1002, -1011, -1022, -1099, -2014, -2015, -2017),
  // -1013 INVALID_MESSAGE (filter failure), -1014 UNKNOWN_ORDER_COMPOSITION, -1020 UNSUPPORTED_OPERATION,
  // -1023 START_TIME_GREATER_THAN_END_TIME: the request itself is refused.
  ...codesAs('block', -1013, -1014, -1020, -1023),
  // -1100..-1131 request issues: illegal characters (-1100), too many/unknown/unread/empty/not
  // required parameters (-1101..-1106), mandatory parameter missing (-1102), bad precision (-1111),
  // invalid TIF/type/side (-1115..-1117), bad symbol (-1121), invalid listen key (-1125),
  // bad parameter combination (-1128), invalid parameter (-1130), recvWindow too large (-1131).
  ...codesAs('block', ...codeRange(-1131, -1100)),
  // -1136 INVALID_NEW_ORDER_RESP_TYPE.
  ...codesAs('block', -1136),
  // -2010 NEW_ORDER_REJECTED, -2018 BALANCE_NOT_SUFFICIENT, -2019 MARGIN_NOT_SUFFICIEN,
  // -2020 UNABLE_TO_FILL, -2021 ORDER_WOULD_IMMEDIATELY_TRIGGER, -2022 REDUCE_ONLY_REJECT,
  // -2023 USER_IN_LIQUIDATION, -2024 POSITION_NOT_SUFFICIENT, -2025 MAX_OPEN_ORDER_EXCEEDED,
  // -2026 REDUCE_ONLY_ORDER_TYPE_NOT_SUPPORTED, -2027 MAX_LEVERAGE_RATIO, -2028 MIN_LEVERAGE_RATIO.
  ...codesAs('block', -2010, ...codeRange(-2028, -2018)),
  // -4000 INVALID_ORDER_STATUS, -4001..-4013 price/quantity/stop-price limits (-4003 quantity <= 0,
  // -4004 below minimum, -4005 above maximum), -4014 PRICE_NOT_INCREASED_BY_TICK_SIZE,
  // -4015 INVALID_CL_ORD_ID_LEN, -4016 PRICE_HIGHTER_THAN_MULTIPLIER_UP,
  // -4023 QTY_NOT_INCREASED_BY_STEP_SIZE, -4024 PRICE_LOWER_THAN_MULTIPLIER_DOWN,
  // -4028 invalid leverage, -4029/-4030 tick/step precision, -4031 INVALID_WORKING_TYPE.
  ...codesAs('block', ...codeRange(-4016, -4000), -4023, -4024, -4028, -4029, -4030, -4031),
  // -4045 REACH_MAX_STOP_ORDER_LIMIT, -4060 INVALID_POSITION_SIDE, -4061 POSITION_SIDE_NOT_MATCH,
  // -4062 REDUCE_ONLY_CONFLICT, -4087/-4088 account may only reduce / may not place orders now.
  ...codesAs('block', -4045, -4060, -4061, -4062, -4087, -4088),
  // -4118 REDUCE_ONLY_MARGIN_CHECK_FAILED, -4120 conditional type on the regular endpoint (use the
  // algo endpoint), -4130 a close-position stop/take-profit already exists on that side,
  // -4131 MARKET_ORDER_REJECT (counterparty price outside PERCENT_PRICE), -4135 INVALID_ACTIVATION_PRICE,
  // -4137 QUANTITY_EXISTS_WITH_CLOSE_POSITION, -4138 REDUCE_ONLY_MUST_BE_TRUE,
  // -4139 ORDER_TYPE_CANNOT_BE_MKT, -4140 INVALID_OPENING_POSITION_STATUS, -4141 SYMBOL_ALREADY_CLOSED,
  // -4142 STRATEGY_INVALID_TRIGGER_PRICE, -4164 MIN_NOTIONAL, -4183/-4184 price beyond the stop
  // price multiplier cap/floor.
  ...codesAs('block', -4118, -4120, -4130, -4131, -4135, -4137, -4138, -4139, -4140, -4141, -4142, -4164, -4183, -4184),
  // -5021 FOK could not fill, -5022 post-only would take, -5024 symbol not trading (no amend),
  // -5025 only limit orders can be amended, -5026 amend limit reached, -5037..-5040 invalid price
  // match / STP mode / goodTillDate, -5041 no depth for a BBO order.
  ...codesAs('block', -5021, -5022, -5024, -5025, -5026, -5037, -5038, -5039, -5040, -5041),
]);
