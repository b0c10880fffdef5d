// The venue plug-in boundary (issue 14): VENUE values resolve through the registry, each plug-in
// validates its own settings, and exstate's custom ids fit every venue's custom-id rules.
import { ConfigError } from '../../src/config/config-error.js';
import { newCustomOrderId } from '../../src/runtime/custom-id.js';
import { BYBIT_RULES } from '../../src/venues/bybit/rules.js';
import { VENUE_NAMES, VENUE_VARIABLES, venueNamed, venueRulesFor } from '../../src/venues/registry.js';

test('VENUE values: the simulator (default) and Binance USD-M, both served by the Binance USD-M plug-in', () => {
  expect(VENUE_NAMES).toEqual(['sim', 'binanceusdm']);
  expect(venueNamed('sim')).toEqual({ plugin: venueNamed('binanceusdm').plugin, simulated: true });
  expect(venueNamed('binanceusdm').plugin).toMatchObject({ id: 'binanceusdm', exchange: 'binance', product: 'linear' });
  expect(VENUE_VARIABLES).toEqual(expect.arrayContaining(['VENUE_REST_URL', 'VENUE_WS_URL', 'LISTEN_KEY_REFRESH_MS']));
});

test('rules by exchange: binance and the pack\'s generic scopes use the Binance USD-M rules, bybit its own', () => {
  const binance = venueNamed('binanceusdm').plugin.rules;
  expect(venueRulesFor('binance', 'linear')).toBe(binance);
  expect(venueRulesFor('binance', 'spot')).toBe(binance);
  expect(venueRulesFor('generic')).toBe(binance);
  expect(venueRulesFor('bybit', 'linear')).toBe(BYBIT_RULES);
  expect(binance.capabilities.closePositionStopsExclusive).toBe(true);
  expect(binance.marketStateCodes).toEqual([-2021]);
});

test('exstate custom ids fit every venue\'s custom-id rules', () => {
  const rules = [venueNamed('binanceusdm').plugin.rules.customId, BYBIT_RULES.customId];
  for (let i = 0; i < 500; i++) {
    const id = newCustomOrderId();
    for (const r of rules) {
      expect(id.length).toBeLessThanOrEqual(r.maxLength);
      expect(id).toMatch(r.pattern);
    }
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
