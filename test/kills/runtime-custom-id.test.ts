// Kills for the surviving mutants of src/runtime/custom-id.ts (issue 9, part B,
// docs/MUTATION_SURVIVORS_RUNTIME.md), written from SPEC section 4 (custom order ids are opaque
// lookup keys, unique across restarts) and the module's contract: random (not counters), short
// enough for every venue (Binance allows 36 characters), drawn from 62 letters and digits.
import { newCustomOrderId } from '../../src/runtime/custom-id.js';

test('the default prefix is `xs`, followed by 18 letters or digits', () => {
  const id = newCustomOrderId();
  expect(id).toMatch(/^xs[0-9A-Za-z]{18}$/);
});

test('a given prefix starts the id; the id stays within Binance\'s 36 characters', () => {
  const id = newCustomOrderId('exstate-');
  expect(id).toMatch(/^exstate-[0-9A-Za-z]{18}$/);
  expect(id.length).toBeLessThanOrEqual(36);
});

test('ids stay unique and well formed across many refills of the random pool', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 5_000; i++) {
    const id = newCustomOrderId('p');
    expect(id).toMatch(/^p[0-9A-Za-z]{18}$/);
    ids.add(id);
  }
  expect(ids.size).toBe(5_000);
});

test('every one of the 62 characters is drawn (no letter is left out of the alphabet)', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2_000; i++) for (const c of newCustomOrderId('')) seen.add(c);
  expect(seen.size).toBe(62);
});
