// Kills for the surviving mutants of src/domain/error-classifier.ts (issue 9,
// docs/MUTATION_SURVIVORS.md). SPEC section 5 and lesson 1: a submit that throws without any venue
// answer (a timeout, a socket reset: no HTTP status, no code) may have been accepted, so its
// outcome is unknown and is resolved by custom id, whatever the action.
import { classifyForExchange } from '../../src/venues/registry.js';

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
