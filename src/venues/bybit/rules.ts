// The Bybit V5 facts the venue-neutral domain and runtime apply. There is no Bybit plug-in yet
// (issue 14, a later item): conformance fixtures with a `bybit` scope use these rules. Values
// that are not Bybit's own documentation keep what exstate applied to every exchange before the
// plug-in boundary (marked "as before"), so nothing changed; the Bybit plug-in reviews them.
import type { VenueRules } from '../plugin.js';
import { BYBIT_ERROR_CODES } from './error-codes.js';

export const BYBIT_RULES: VenueRules = {
  // As before: 429 and 418 retry.
  errors: { codes: BYBIT_ERROR_CODES, retryHttpStatuses: [429, 418] },
  modeEvidence: {
    // 10003 invalid API key, 10004 signature error, 10005 permission denied (HTTP 401/403 count too).
    authCodes: [10003, 10004, 10005],
    clockSkewCodes: [],
    rateLimitCodes: [],
    // As before.
    rateLimitHttpStatuses: [429, 418],
  },
  marketStateCodes: [],
  // orderLinkId: up to 36 characters, letters, digits, dashes and underscores.
  customId: { maxLength: 36, pattern: /^[A-Za-z0-9_-]{1,36}$/ },
  // As before (the planner applied the alternate SL to every exchange); the alternate form is
  // always a valid protection, so keeping it is safe until the Bybit plug-in decides.
  capabilities: { closePositionStopsExclusive: true },
};
