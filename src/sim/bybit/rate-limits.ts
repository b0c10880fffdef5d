// Bybit's limits on the shared RateLimiter (rate-limits.ts), so the control API's
// /__sim/rate-limits and `sim.rateLimits` work unchanged. Chosen here:
//  - order requests (create, amend, cancel, cancel-all): Bybit allows 10 per second per symbol
//    (rate-limit page); the simulator counts them per account in the limiter's fixed 10-second
//    windows, 100 per 10 s (`ordersPer10s`) and 6000 per minute. Over the limit: HTTP 200,
//    retCode 10006 "Too many visits!". Order answers carry X-Bapi-Limit (the 10-second limit),
//    X-Bapi-Limit-Status (what is left of it) and X-Bapi-Limit-Reset-Timestamp (the window's end).
//  - every request: Bybit's IP limit is 600 requests per 5 s, answered with HTTP 403 ("access too
//    frequent"); the simulator counts 7200 per minute (`weightPerMinute`, weight 1 per request), and
//    the limiter's 418 ban answers 403 as well.
import type { RateLimitConfig, RateLimiter } from '../rate-limits.js';

export const BYBIT_RATE_LIMITS: RateLimitConfig = { weightPerMinute: 7200, ordersPer10s: 100, ordersPerMinute: 6000 };
export const ORDER_COST = { tenSec: 1, minute: 1 };
const WINDOW_MS = 10_000;

export function bybitLimitHeaders(limiter: RateLimiter, venueNow: number): Record<string, string> {
  const limit = limiter.limits().ordersPer10s;
  const used = limiter.orderCounts().tenSec;
  return {
    'X-Bapi-Limit': String(limit),
    'X-Bapi-Limit-Status': String(Math.max(0, limit - used)),
    'X-Bapi-Limit-Reset-Timestamp': String((Math.floor(venueNow / WINDOW_MS) + 1) * WINDOW_MS),
  };
}
