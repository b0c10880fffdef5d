// The Binance spot facts the venue-neutral domain and runtime apply, as data
// (https://developers.binance.com/docs/binance-spot-api-docs: errors, limits, filters, trading endpoints).
import type { RateLimitPolicy, VenueRules } from '../plugin.js';
import { BINANCE_SPOT_ERROR_CODES } from './error-codes.js';

export const BINANCE_SPOT_RULES: VenueRules = {
  // 429 rate limited, 418 the IP is banned for repeated 429s: both refused before processing.
  errors: { codes: BINANCE_SPOT_ERROR_CODES, retryHttpStatuses: [429, 418] },
  modeEvidence: {
    // -2014 BAD_API_KEY_FMT, -2015 REJECTED_MBX_KEY, -1022 INVALID_SIGNATURE.
    authCodes: [-2014, -2015, -1022],
    // HTTP 401 (refused key) and 403 (the WAF refused the request): credentials or IP, a pause.
    authHttpStatuses: [401, 403],
    // -1021 INVALID_TIMESTAMP: outside recvWindow or ahead of the server.
    clockSkewCodes: [-1021],
    // -1003 TOO_MANY_REQUESTS, -1015 TOO_MANY_ORDERS.
    rateLimitCodes: [-1003, -1015],
    rateLimitHttpStatuses: [429, 418],
  },
  // Spot has no separate market-state code: a stop that would trigger at once, a LIMIT_MAKER that
  // would take and a list whose levels do not bracket the price all come back as -2010 with a
  // message, refined by the adapter (error-codes.ts). The price is watched until they can rest.
  marketStateCodes: ['-2010:would_trigger', '-2010:would_take', '-2010:price_relationship'],
  // -2026 ORDER_ARCHIVED: a CANCELED or EXPIRED order with no fill is archived after 90 days.
  finishedOrderRetentionMs: 90 * 24 * 60 * 60 * 1000,
  // newClientOrderId / listClientOrderId / above|belowClientOrderId: ^[\.A-Z\:/a-z0-9_-]{1,36}$.
  customId: { maxLength: 36, pattern: /^[.A-Z:/a-z0-9_-]{1,36}$/ },
  capabilities: {
    // Spot has no position and no close-position stop: the SL carries the holding's quantity.
    closePositionStops: false,
    closePositionStopsExclusive: false,
    // The SL and TP both sell the same base asset: as two orders the second is refused for
    // insufficient balance, so they go out as one OCO order list (POST /api/v3/orderList/oco).
    protectionOrderList: 'oco',
    // Spot has no amend of price and quantity: a DCA step to move is cancelled, then placed again.
    amends: false,
  },
};

/** REQUEST_WEIGHT 6000 per minute on spot; a fifth is kept for protection. */
export const BINANCE_SPOT_RATE_LIMIT: RateLimitPolicy = { weightLimitPerMinute: 6000, protectiveHeadroom: 0.2 };
