// VENUE values -> venue plug-ins, and the venue rules the runtime and the conformance harness
// apply for a scope's exchange. Adding a venue: one plug-in module under src/venues/ and one line
// here; nothing in domain/, runtime/, ops/ or config/ changes.
import type { ExchangeId, Product } from '../domain/scope.js';
import { classifyVenueError, type ClassifyInput, type ErrorClass } from '../domain/error-classifier.js';
import { binanceUsdmPlugin } from './binanceusdm/plugin.js';
import { binanceSpotPlugin } from './binance-spot/plugin.js';
import { bybitPlugin } from './bybit/plugin.js';
import type { VenuePlugin, VenueRules } from './plugin.js';

export interface VenueChoice {
  plugin: VenuePlugin;
  /** The plug-in pointed at the embedded simulator (127.0.0.1) instead of a configured venue. */
  simulated: boolean;
}

const VENUES = {
  /** The built-in simulated exchange: Binance USD-M, on loopback. */
  sim: { plugin: binanceUsdmPlugin, simulated: true },
  binanceusdm: { plugin: binanceUsdmPlugin, simulated: false },
  /** The built-in simulated exchange speaking Bybit V5 linear, on loopback. */
  'sim-bybit': { plugin: bybitPlugin, simulated: true },
  bybit: { plugin: bybitPlugin, simulated: false },
  /** The built-in spot simulator (Binance spot REST and WebSocket API), on loopback. */
  'sim-binance-spot': { plugin: binanceSpotPlugin, simulated: true },
  'binance-spot': { plugin: binanceSpotPlugin, simulated: false },
} as const satisfies Record<string, VenueChoice>;

export type VenueName = keyof typeof VENUES;

/** Every VENUE value, the default first. */
export const VENUE_NAMES = Object.keys(VENUES) as VenueName[];

export function venueNamed(name: VenueName): VenueChoice {
  return VENUES[name];
}

const PLUGINS: readonly VenuePlugin[] = [...new Set(Object.values(VENUES).map((v) => v.plugin))];

/** Every variable some plug-in reads (config refuses unknown ones). */
export const VENUE_VARIABLES: readonly string[] = [...new Set(PLUGINS.flatMap((p) => p.variables))];

/** Rules of exchange ids that have no plug-in: the conformance pack's `generic` scopes, whose fixtures speak Binance USD-M codes. */
const RULES_WITHOUT_PLUGIN: Partial<Record<ExchangeId, VenueRules>> = { generic: binanceUsdmPlugin.rules };

/** The VENUE value of the simulated flavour of a venue (`bybit` -> `sim-bybit`), if there is one. */
export function simulatedVenueOf(name: string): VenueName | undefined {
  const choice = VENUES[name as VenueName];
  if (choice?.simulated) return name as VenueName;
  return (Object.keys(VENUES) as VenueName[]).find((n) => VENUES[n].simulated && (n === `sim-${name}` || (n === 'sim' && VENUES[n].plugin.id === name)));
}

/** The rules of the plug-in serving this exchange and product (the exchange's first plug-in if none serves the product). */
export function venueRulesFor(exchange: ExchangeId, product?: Product): VenueRules {
  const plugin = PLUGINS.find((p) => p.exchange === exchange && p.product === product) ?? PLUGINS.find((p) => p.exchange === exchange);
  const rules = plugin?.rules ?? RULES_WITHOUT_PLUGIN[exchange];
  if (!rules) throw new Error(`no venue rules for exchange ${JSON.stringify(exchange)}`);
  return rules;
}

/** Classifies a venue answer with the rules of the scope's exchange. */
export function classifyForExchange(exchange: ExchangeId, input: ClassifyInput, product?: Product): ErrorClass {
  return classifyVenueError(venueRulesFor(exchange, product).errors, input);
}
