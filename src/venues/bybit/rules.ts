// The Bybit V5 facts the venue-neutral domain and runtime apply (https://bybit-exchange.github.io/docs/v5/error,
// .../v5/rate-limit, .../v5/order/create-order). Bybit answers most refusals with HTTP 200 and a
// retCode; HTTP 403 is its IP rate limit ("access too frequent") and 429 a gateway limit.
import type { RateLimitPolicy, VenueRules } from '../plugin.js';
import { BYBIT_ERROR_CODES } from './error-codes.js';

export const BYBIT_RULES: VenueRules = {
  errors: { codes: BYBIT_ERROR_CODES, retryHttpStatuses: [403, 429] },
  modeEvidence: {
    // 10003 invalid API key, 10004 signature error, 10005 permission denied, 10007 authentication
    // failed, 10010 unmatched IP (HTTP 401 counts too).
    authCodes: [10003, 10004, 10005, 10007, 10010],
    // 401 only: Bybit's 403 is its IP rate limit ("access too frequent"), a wait, not a key problem.
    authHttpStatuses: [401],
    // 10002: the request time is outside recv_window (the server's clock and ours disagree).
    clockSkewCodes: [10002],
    // 10006 too many visits (per-UID limit), 10018 over the IP limit, 10429 the system-level throttle.
    rateLimitCodes: [10006, 10018, 10429],
    rateLimitHttpStatuses: [403, 429],
  },
  // 110092/110093: the trigger price is on the wrong side of the market (the stop would trigger at once).
  marketStateCodes: [110092, 110093],
  // Get Order History (https://bybit-exchange.github.io/docs/v5/order/order-list): Cancelled,
  // Rejected and Deactivated orders (no fill) can be queried for 24 hours only.
  finishedOrderRetentionMs: 24 * 60 * 60 * 1000,
  // orderLinkId: up to 36 characters, letters, digits, dashes and underscores.
  customId: { maxLength: 36, pattern: /^[A-Za-z0-9_-]{1,36}$/ },
  capabilities: {
    // Bybit has no close-position stop (a conditional order always has a quantity, and the
    // position-level trading-stop has no orderLinkId): the SL is a reduce-only stop for the whole
    // position, so two of them on one side are accepted.
    closePositionStops: false,
    closePositionStopsExclusive: false,
    // /v5/order/amend changes an untriggered conditional order's triggerPrice and qty: a resized
    // SL is amended in place (Bybit caps conditional orders at 10 per symbol, so a second SL for
    // the replacement could be refused with 110009 and leave only the old size protected).
    stopsAmendable: true,
  },
};

/**
 * Bybit limits order writes per UID per second (linear create/amend/cancel: 10/s); exstate paces
 * on the X-Bapi-Limit-Status it reads back and keeps a fifth of the budget for protection.
 * Expressed per minute for the venue-neutral policy.
 */
export const BYBIT_RATE_LIMIT: RateLimitPolicy = { weightLimitPerMinute: 600, protectiveHeadroom: 0.2 };
