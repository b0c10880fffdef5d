// Kills for the surviving mutants of src/domain/error-classifier.ts (issue 9,
// docs/MUTATION_SURVIVORS.md). SPEC section 5 and lesson 1: a submit that throws without any venue
// answer (a timeout, a socket reset: no HTTP status, no code) may have been accepted, so its
// outcome is unknown and is resolved by custom id, whatever the action.
import { classifyForExchange } from '../../src/venues/registry.js';
import { classifyVenueError } from '../../src/domain/error-classifier.js';

describe('a failure without a venue answer is an unknown outcome (section 5, lesson 1)', () => {
  test.each(['binance', 'bybit', 'generic'] as const)('%s: no status and no code, or an empty code, is "unknown" for every action', (exchange) => {
    for (const action of ['place', 'amend', 'cancel'] as const) {
      for (const code of [undefined, '', '  ']) {
        expect([action, code, classifyForExchange(exchange, { action, code, targetTerminal: false })]).toEqual([action, code, 'unknown']);
      }
      expect(classifyForExchange(exchange, { action, code: null as unknown as undefined, targetTerminal: true })).toBe('unknown');
    }
  });
});

// The domain-changed run's survivors (docs/MUTATION_SURVIVORS.md, last section).
describe('the venue plug-in table, read as the classifier promises', () => {
  const rules = { codes: { '-2010': 'block' as const, '-2011': 'order_missing' as const }, retryHttpStatuses: [429] };

  test('an HTTP 500 is unknown whatever code its body carries (the venue may have applied it), like every 5xx', () => {
    for (const httpStatus of [500, 502, 504]) expect(classifyVenueError(rules, { action: 'place', code: '-2010', httpStatus, targetTerminal: false })).toBe('unknown');
    expect(classifyVenueError(rules, { action: 'place', code: '-2010', httpStatus: 400, targetTerminal: false })).toBe('block');
  });

  test('a code given as text with spaces around it is the same code', () => {
    expect(classifyVenueError(rules, { action: 'place', code: ' -2010 ', targetTerminal: false })).toBe('block');
    expect(classifyVenueError(rules, { action: 'cancel', code: '-2011 ', targetTerminal: true })).toBe('benign_race');
  });
});
