// The settings every ccxt venue plug-in reads the same way: where the venue is (VENUE_REST_URL,
// VENUE_WS_URL) and the account's credentials (API_KEY, API_SECRET). A real venue is reached only
// through explicit configuration: no host is ever defaulted. Each plug-in adds its own variables.
import { ConfigError } from '../config/config-error.js';
import type { Env } from '../config/env.js';
import type { VenueSettings } from './plugin.js';

export const ENDPOINT_VARIABLES = ['VENUE_REST_URL', 'VENUE_WS_URL', 'API_KEY', 'API_SECRET'] as const;

/** The URLs and credentials of a real venue, each one required; `venue` names it in the errors. */
export function parseEndpointSettings(env: Env, venue: string): Required<VenueSettings> {
  const rest = url('VENUE_REST_URL', env.VENUE_REST_URL, /^https?:\/\//, venue);
  const ws = url('VENUE_WS_URL', env.VENUE_WS_URL, /^wss?:\/\//, venue);
  if (!env.API_KEY) throw new ConfigError('API_KEY', undefined, `VENUE=${venue} needs API_KEY (and API_SECRET) from the environment`);
  if (!env.API_SECRET) throw new ConfigError('API_SECRET', undefined, `VENUE=${venue} needs API_SECRET from the environment`);
  return { urls: { rest, ws }, credentials: { apiKey: env.API_KEY, secret: env.API_SECRET } };
}

function url(name: string, value: string | undefined, scheme: RegExp, venue: string): string {
  if (!value || !scheme.test(value.trim())) throw new ConfigError(name, value, `required for VENUE=${venue} (${scheme.source.replace(/\\/g, '')}…)`);
  return value.trim();
}

/** A whole number of milliseconds, or the fallback when unset. */
export function wholeMs(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || !Number.isInteger(n) || n < 0) throw new ConfigError(name, value, 'expected a whole number of milliseconds');
  return n;
}
