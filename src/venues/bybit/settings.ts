// The Bybit V5 plug-in's own settings, validated from the environment: the shared endpoint
// variables only. A real venue is reached only through explicit configuration: no host is defaulted.
import type { Env } from '../../config/env.js';
import { ENDPOINT_VARIABLES, parseEndpointSettings } from '../endpoint-settings.js';
import type { SettingsTarget, VenueSettings } from '../plugin.js';

export type BybitSettings = VenueSettings;

export const BYBIT_VARIABLES = [...ENDPOINT_VARIABLES] as const;

export function parseBybitSettings(env: Env, target: SettingsTarget): BybitSettings {
  // The simulator brings its own URLs and credentials (see pointedAt).
  return target === 'simulator' ? {} : parseEndpointSettings(env, 'bybit');
}
