// Bybit V5 error codes and their classes: https://bybit-exchange.github.io/docs/v5/error.
// The Bybit plug-in's error table (moved here from the domain classifier); the venue-neutral
// classifier applies it to the Bybit venue and to conformance fixtures with a `bybit` scope.
import { codesAs, type ErrorTableEntry } from '../../domain/error-classifier.js';

export const BYBIT_ERROR_CODES: Readonly<Record<string, ErrorTableEntry>> = Object.fromEntries([
  // 10000 server timeout, 10016 server error, 10019 service restarting: the outcome is unknown.
  ...codesAs('unknown', 10000, 10016, 10019),
  // 10006 too many visits, 10018 IP rate limit, 10429 system-level throttle; 10002 request time
  // outside the window (refused).
  ...codesAs('retry', 10006, 10018, 10429, 10002),
  // 110001 order does not exist, 110008 completed or cancelled, 110010 already cancelled.
  ...codesAs('order_missing', 110001, 110008, 110010),
  // 110072 OrderLinkedID is duplicate.
  ...codesAs('lookup', 110072),

  // ---- definite rejections ---------------------------------------------------------------------
  // 10001 request parameter error; 10003 invalid API key, 10004 signature error, 10005 permission
  // denied, 10007 authentication failed, 10010 unmatched IP, 10017 route not found,
  // 10024 compliance rules, 10027 transactions banned, 10029 symbol not allowed.
  ...codesAs('block', 10001, 10003, 10004, 10005, 10007, 10010, 10017, 10024, 10027, 10029),
  // 110003 price out of range, 110004 wallet balance insufficient, 110006 margin cannot be covered,
  // 110007 available balance insufficient, 110009 too many stop orders, 110012 insufficient
  // available balance, 110017 reduce-only rejected (nothing to reduce), 110020 too many active
  // orders, 110021 open-interest limit, 110092/110093 trigger price on the wrong side of the
  // market (would trigger at once), 110094 below the minimum notional.
  ...codesAs('block', 110003, 110004, 110006, 110007, 110009, 110012, 110017, 110020, 110021, 110092, 110093, 110094),
]);
