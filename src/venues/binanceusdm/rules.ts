// The Binance USD-M facts exstate's venue-neutral domain and runtime apply, as data.
import type { RateLimitPolicy, VenueRules } from '../plugin.js';
import { BINANCE_USDM_ERROR_CODES } from './error-codes.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export const BINANCE_USDM_RULES: VenueRules = {
  // 429 rate limited, 418 the IP is banned for repeated 429s: both refused before processing.
  errors: { codes: BINANCE_USDM_ERROR_CODES, retryHttpStatuses: [429, 418] },
  modeEvidence: {
    // -2014 BAD_API_KEY_FMT, -2015 REJECTED_MBX_KEY (key, IP or permissions), -1022 INVALID_SIGNATURE,
    // -2008 BAD_API_ID. Bybit's codes are its own plug-in's.
    authHttpStatuses: [401, 403],
    authCodes: [-2014, -2015, -1022, -2008],
    // -1021 INVALID_TIMESTAMP: outside recvWindow or ahead of the server.
    clockSkewCodes: [-1021],
    // -1003 TOO_MANY_REQUESTS, -1015 TOO_MANY_ORDERS.
    rateLimitCodes: [-1003, -1015],
    rateLimitHttpStatuses: [429, 418],
  },
  // -2021 ORDER_WOULD_IMMEDIATELY_TRIGGER: the stop would trigger at once at this mark.
  marketStateCodes: [-2021],
  // Query Order: a CANCELED or EXPIRED order without fills is no longer returned after 3 days.
  finishedOrderRetentionMs: 3 * DAY_MS,
  // newClientOrderId / clientAlgoId: ^[\.A-Z\:/a-z0-9_-]{1,36}$ (Binance API docs).
  customId: { maxLength: 36, pattern: /^[.A-Z:/a-z0-9_-]{1,36}$/ },
  capabilities: {
    // -4130: a close-position stop/take-profit already exists on that side.
    closePositionStopsExclusive: true, closePositionStops: true, stopsAmendable: false,
  },
};

/** X-MBX-USED-WEIGHT-1M is counted against 2400 per minute; a fifth is kept for protection. */
export const BINANCE_USDM_RATE_LIMIT: RateLimitPolicy = { weightLimitPerMinute: 2400, protectiveHeadroom: 0.2 };
