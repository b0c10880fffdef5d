// The venue plug-in boundary (issue 14). A venue is one module under src/venues/ that brings
// everything exstate must know about it: how to read its settings, how to open it (the Venue port:
// client factory, request builders, row normalizers, lookup by custom id live behind `open`), and
// the venue facts the venue-neutral domain and runtime apply as data (error table, mode evidence,
// custom-id rules, rate-limit policy, capabilities). The registry (registry.ts) maps VENUE values
// to plug-ins; nothing outside src/venues/ names a venue.
//
// A plug-in module stays light: `open` loads its client (ccxt) on demand, so the runtime and the
// conformance harness can read a plug-in's rules without loading a venue client.
import type { Env } from '../config/env.js';
import type { ErrorRules } from '../domain/error-classifier.js';
import type { ExchangeId, PositionMode, Product } from '../domain/scope.js';
import type { JournalLog } from '../runtime/journal-catalogue.js';
import type { Venue } from './port.js';

/** The settings every plug-in's parser returns; a plug-in adds its own fields. */
export interface VenueSettings {
  /** Where the venue is reached: only ever from explicit configuration (or the embedded simulator). */
  urls?: { rest: string; ws: string };
  /** The account's credentials (API_KEY / API_SECRET), when the target needs them. */
  credentials?: { apiKey: string; secret: string };
}

/**
 * What a plug-in's settings are parsed for: a real venue (everything from the environment, no
 * host defaulted), or the embedded simulator (URLs and credentials come from the simulator).
 */
export type SettingsTarget = 'venue' | 'simulator';

/** What the service hands a plug-in when it opens the venue. */
export interface VenueDeps {
  positionMode: PositionMode;
  /** How long a REST call may take before it counts as a timeout (VENUE_TIMEOUT_MS). */
  timeoutMs: number;
  /** Where the adapter's journal events go. */
  log: JournalLog;
  /**
   * The configured symbols (SYMBOLS), when the operator listed them. Venues without position rows
   * (spot) derive a position per symbol from its base-asset balance and need to know which.
   */
  symbols?: readonly string[];
}

/** The custom order id shapes the venue accepts (exstate's ids must fit every registered venue). */
export interface CustomIdRules {
  maxLength: number;
  /** The whole id must match (the venue's documented alphabet). */
  pattern: RegExp;
}

/**
 * How the adapter paces itself. Weight-based venues report the weight used in the current window;
 * non-protective requests (DCA) wait once the share kept for protection is reached.
 */
export interface RateLimitPolicy {
  /** Request weight the venue allows per minute. */
  weightLimitPerMinute: number;
  /** Share of that weight kept for protective orders and cancels. */
  protectiveHeadroom: number;
}

/** Venue codes that say something about the whole account (the runtime's system mode). */
export interface ModeEvidence {
  /** Refused key, signature or permission: AUTH_FAILED pauses writes. */
  authCodes: readonly number[];
  /** HTTP statuses that mean refused credentials (Binance 401 and 403; on Bybit 403 is its IP rate limit, not a key problem). */
  authHttpStatuses: readonly number[];
  /** The request timestamp was refused: CLOCK_SKEW. */
  clockSkewCodes: readonly number[];
  /** Refused by the rate limiter (with `rateLimitHttpStatuses`): RATE_LIMITED degrades the account. */
  rateLimitCodes: readonly number[];
  rateLimitHttpStatuses: readonly number[];
}

/** Venue behaviours the venue-neutral planner and runtime adapt to. */
export interface VenueCapabilities {
  /**
   * The venue refuses a second close-position stop on one side (Binance -4130): a replacement SL
   * goes out as a whole-position reduce-only stop while the old one is still open.
   */
  closePositionStopsExclusive: boolean;
  /**
   * The venue has a stop that closes whatever position is open (Binance `closePosition=true`).
   * Without one, the SL is a reduce-only stop for the whole position, replaced when it changes.
   */
  closePositionStops: boolean;
  /** The venue amends an untriggered stop's trigger price and quantity in place (a resized SL needs no second stop). Absent: it cannot. */
  stopsAmendable?: boolean;
  /**
   * Protection is ONE venue order list (Binance spot `oco`): the SL and TP lock the same base
   * asset, so two separate exits would be refused for insufficient balance. The planner never
   * amends them and replaces them together (cancel the list first: cancelling one leg cancels the
   * list), and the runtime sends the SL and TP of one pass as one request (`VenueMutation.paired`).
   * Absent: each slot is its own order (Binance USD-M, Bybit).
   */
  protectionOrderList?: 'oco';
  /**
   * The venue amends an open order's price and quantity in place. `false` (Binance spot): an order
   * to change is cancelled and placed again instead. Absent: it does.
   */
  amends?: boolean;
}

/** The venue facts the domain and the runtime apply, as data (no code, no client). */
export interface VenueRules {
  errors: ErrorRules;
  modeEvidence: ModeEvidence;
  /**
   * Codes of protection the market refuses for now (a stop that would trigger at once): watched,
   * not dropped. Strings are refined codes (Binance spot's `-2010:would_trigger`).
   */
  marketStateCodes: readonly (number | string)[];
  /**
   * How long the venue keeps serving a finished order that never traded (cancelled, expired,
   * rejected) when asked by its custom id. Past it, "absent" no longer means "never placed".
   */
  finishedOrderRetentionMs: number;
  customId: CustomIdRules;
  capabilities: VenueCapabilities;
}

export interface VenuePlugin<S extends VenueSettings = VenueSettings> {
  /** The plug-in's name (the VENUE value of a real venue). */
  readonly id: string;
  /** The exchange and product it serves (the runtime's scope keys carry them). */
  readonly exchange: ExchangeId;
  readonly product: Product;
  /** The environment variables it reads (config refuses a misspelled one). */
  readonly variables: readonly string[];
  /** Validates its own settings; throws a ConfigError naming the variable. */
  parseSettings(env: Env, target: SettingsTarget): S;
  /** The settings pointed at another endpoint (the embedded simulator's URLs and credentials). */
  pointedAt(settings: S, urls: { rest: string; ws: string }, credentials: { apiKey: string; secret: string }): S;
  /** Opens the venue: its client, streams and the Venue port the runtime uses. */
  open(settings: S, deps: VenueDeps): Promise<Venue>;
  readonly rules: VenueRules;
  readonly rateLimit: RateLimitPolicy;
}
