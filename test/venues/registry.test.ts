// The venue plug-in boundary (issue 14): VENUE values resolve through the registry, each plug-in
// validates its own settings, and exstate's custom ids fit every venue's custom-id rules.
import { ConfigError } from '../../src/config/config-error.js';
import { newCustomOrderId } from '../../src/runtime/custom-id.js';
import { listClientOrderIdOf } from '../../src/venues/binance-spot/requests.js';
import { BINANCE_SPOT_RULES } from '../../src/venues/binance-spot/rules.js';
import { BYBIT_RULES } from '../../src/venues/bybit/rules.js';
import { simulatedVenueOf, VENUE_NAMES, VENUE_VARIABLES, venueNamed, venueRulesFor } from '../../src/venues/registry.js';

test('VENUE values: the simulator (default) and Binance USD-M served by the Binance USD-M plug-in; Bybit and its simulator by the Bybit plug-in', () => {
  expect(VENUE_NAMES).toEqual(['sim', 'binanceusdm', 'sim-bybit', 'bybit', 'sim-binance-spot', 'binance-spot']);
  expect(venueNamed('sim')).toEqual({ plugin: venueNamed('binanceusdm').plugin, simulated: true });
  expect(venueNamed('binanceusdm').plugin).toMatchObject({ id: 'binanceusdm', exchange: 'binance', product: 'linear' });
  expect(venueNamed('sim-bybit')).toEqual({ plugin: venueNamed('bybit').plugin, simulated: true });
  expect(venueNamed('bybit').plugin).toMatchObject({ id: 'bybit', exchange: 'bybit', product: 'linear' });
  expect(venueNamed('bybit').simulated).toBe(false);
  // Issue 14: Binance spot and its simulator by the Binance spot plug-in.
  expect(venueNamed('sim-binance-spot')).toEqual({ plugin: venueNamed('binance-spot').plugin, simulated: true });
  expect(venueNamed('binance-spot')).toMatchObject({ plugin: { id: 'binance-spot', exchange: 'binance', product: 'spot' }, simulated: false });
  expect(VENUE_VARIABLES).toEqual(expect.arrayContaining(['VENUE_REST_URL', 'VENUE_WS_URL', 'LISTEN_KEY_REFRESH_MS']));
});

test('rules by exchange: binance and the pack\'s generic scopes use the Binance USD-M rules, bybit its own', () => {
  const binance = venueNamed('binanceusdm').plugin.rules;
  expect(venueRulesFor('binance', 'linear')).toBe(binance);
  // Issue 14: binance spot has its own plug-in (its own error table and the OCO capability).
  expect(venueRulesFor('binance', 'spot')).toBe(BINANCE_SPOT_RULES);
  expect(venueRulesFor('generic', 'spot')).toBe(binance);
  expect(venueRulesFor('generic')).toBe(binance);
  expect(venueRulesFor('bybit', 'linear')).toBe(BYBIT_RULES);
  expect(binance.capabilities.closePositionStopsExclusive).toBe(true);
  expect(binance.capabilities.closePositionStops).toBe(true);
  expect(binance.marketStateCodes).toEqual([-2021]);
  // Bybit has no close-position stop: a conditional order always carries its quantity.
  expect(BYBIT_RULES.capabilities).toEqual({ closePositionStops: false, closePositionStopsExclusive: false, stopsAmendable: true });
  expect(BYBIT_RULES.modeEvidence.clockSkewCodes).toEqual([10002]);
  expect(BYBIT_RULES.modeEvidence.rateLimitCodes).toEqual([10006, 10018, 10429]);
});

test('--venue names map to the simulated flavour of a venue', () => {
  expect(simulatedVenueOf('bybit')).toBe('sim-bybit');
  expect(simulatedVenueOf('sim-bybit')).toBe('sim-bybit');
  expect(simulatedVenueOf('binanceusdm')).toBe('sim');
  expect(simulatedVenueOf('sim')).toBe('sim');
  expect(simulatedVenueOf('binance-spot')).toBe('sim-binance-spot');
  expect(simulatedVenueOf('sim-binance-spot')).toBe('sim-binance-spot');
  expect(simulatedVenueOf('kraken')).toBeUndefined();
});

describe('the Bybit plug-in parses its own settings', () => {
  const plugin = venueNamed('bybit').plugin;
  const full = { VENUE_REST_URL: 'https://venue.example', VENUE_WS_URL: 'wss://venue.example', API_KEY: 'k', API_SECRET: 's' };
  test('a real venue needs explicit URLs and credentials; the simulator brings its own', () => {
    expect(plugin.parseSettings(full, 'venue')).toEqual({ urls: { rest: 'https://venue.example', ws: 'wss://venue.example' }, credentials: { apiKey: 'k', secret: 's' } });
    for (const missing of ['VENUE_REST_URL', 'VENUE_WS_URL', 'API_KEY', 'API_SECRET']) {
      expect(() => plugin.parseSettings({ ...full, [missing]: undefined }, 'venue')).toThrow(expect.objectContaining({ field: missing }));
    }
    expect(plugin.parseSettings({}, 'simulator')).toEqual({});
    expect(() => plugin.parseSettings({ ...full, VENUE_REST_URL: 'ftp://x' }, 'venue')).toThrow('required for VENUE=bybit');
  });
});

test('exstate custom ids fit every venue\'s custom-id rules', () => {
  const rules = [venueNamed('binanceusdm').plugin.rules.customId, BYBIT_RULES.customId, BINANCE_SPOT_RULES.customId];
  for (let i = 0; i < 500; i++) {
    const id = newCustomOrderId();
    for (const r of rules) {
      expect(id.length).toBeLessThanOrEqual(r.maxLength);
      expect(id).toMatch(r.pattern);
    }
    // Binance spot names an OCO list after its SL leg.
    expect(listClientOrderIdOf(id)).toMatch(BINANCE_SPOT_RULES.customId.pattern);
  }
});

describe('the Binance USD-M plug-in parses its own settings', () => {
  const plugin = venueNamed('binanceusdm').plugin;
  const full = { VENUE_REST_URL: ' https://venue.example ', VENUE_WS_URL: 'wss://venue.example', API_KEY: 'k', API_SECRET: 's', LISTEN_KEY_REFRESH_MS: '60000' };

  test('a real venue needs explicit URLs and credentials', () => {
    expect(plugin.parseSettings(full, 'venue')).toEqual({ listenKeyRefreshMs: 60_000, urls: { rest: 'https://venue.example', ws: 'wss://venue.example' }, credentials: { apiKey: 'k', secret: 's' } });
    for (const missing of ['VENUE_REST_URL', 'VENUE_WS_URL', 'API_KEY', 'API_SECRET']) {
      const env = { ...full, [missing]: undefined };
      expect(() => plugin.parseSettings(env, 'venue')).toThrow(ConfigError);
      try {
        plugin.parseSettings(env, 'venue');
      } catch (error) {
        expect((error as ConfigError).field).toBe(missing);
      }
    }
  });

  test('the simulator brings its own URLs and credentials; the listen-key period still applies', () => {
    const settings = plugin.parseSettings({}, 'simulator');
    expect(settings).toEqual({ listenKeyRefreshMs: 30 * 60_000 });
    expect(plugin.pointedAt(settings, { rest: 'http://127.0.0.1:1', ws: 'ws://127.0.0.1:2' }, { apiKey: 'a', secret: 'b' })).toEqual({
      listenKeyRefreshMs: 30 * 60_000, urls: { rest: 'http://127.0.0.1:1', ws: 'ws://127.0.0.1:2' }, credentials: { apiKey: 'a', secret: 'b' },
    });
    expect(() => plugin.parseSettings({ LISTEN_KEY_REFRESH_MS: '1.5' }, 'simulator')).toThrow('LISTEN_KEY_REFRESH_MS="1.5": expected a whole number of milliseconds');
  });
});

describe('the Binance spot plug-in parses its own settings (issue 14)', () => {
  const plugin = venueNamed('binance-spot').plugin;
  const full = { VENUE_REST_URL: 'https://venue.example', VENUE_WS_URL: 'wss://venue.example', API_KEY: 'k', API_SECRET: 's', SYMBOLS: 'BTCUSDT' };
  test('a real venue needs explicit URLs and credentials; the simulator brings its own', () => {
    expect(plugin.parseSettings(full, 'venue')).toEqual({ urls: { rest: 'https://venue.example', ws: 'wss://venue.example' }, credentials: { apiKey: 'k', secret: 's' } });
    for (const missing of ['VENUE_REST_URL', 'VENUE_WS_URL', 'API_KEY', 'API_SECRET', 'SYMBOLS']) {
      expect(() => plugin.parseSettings({ ...full, [missing]: undefined }, 'venue')).toThrow(expect.objectContaining({ field: missing }));
    }
    expect(plugin.parseSettings({}, 'simulator')).toEqual({});
    expect(() => plugin.parseSettings({ ...full, VENUE_REST_URL: 'ftp://x' }, 'venue')).toThrow('required for VENUE=binance-spot');
    // Without an allowlist every held asset (fee BNB, long-term holdings) would get an OCO sell and a DCA buy.
    expect(() => plugin.parseSettings({ ...full, SYMBOLS: ' ' }, 'venue')).toThrow(expect.objectContaining({ field: 'SYMBOLS' }));
    // LIVE goes through the same gates as every venue (conformance pack, LIVE_CONFIRM); the plug-in adds none.
    expect(plugin.parseSettings({ ...full, EXECUTION_MODE: 'LIVE' }, 'venue')).toMatchObject({ urls: { rest: 'https://venue.example' } });
    expect(plugin.parseSettings({ ...full, EXECUTION_MODE: 'TESTNET' }, 'venue')).toMatchObject({ urls: { rest: 'https://venue.example' } });
    expect(plugin.pointedAt({}, { rest: 'http://127.0.0.1:1', ws: 'ws://127.0.0.1:1' }, { apiKey: 'a', secret: 'b' })).toEqual({ urls: { rest: 'http://127.0.0.1:1', ws: 'ws://127.0.0.1:1' }, credentials: { apiKey: 'a', secret: 'b' } });
  });
});

test('each venue states how long it serves a finished order that never traded (after that, absent proves nothing)', () => {
  const day = 24 * 60 * 60 * 1000;
  expect(venueRulesFor('binance', 'linear').finishedOrderRetentionMs).toBe(3 * day);
  expect(venueRulesFor('bybit', 'linear').finishedOrderRetentionMs).toBe(day);
  expect(venueRulesFor('binance', 'spot').finishedOrderRetentionMs).toBe(90 * day);
});
