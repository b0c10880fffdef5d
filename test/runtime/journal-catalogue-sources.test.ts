// The journal catalogue (src/runtime/journal-catalogue.ts) against the source text: every event the
// code can record is declared, and every declared event is recorded somewhere (a scan of src/ and
// machines/). Kept apart from journal-catalogue.test.ts because it reads the sources as text: in a
// mutation run's sandbox that text is instrumented, so stryker.config.mjs leaves this file out
// (the behaviour tests of the catalogue stay in the run).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { JOURNAL_CATALOGUE, isJournalEvent } from '../../src/runtime/journal-catalogue.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return path === join('src', 'sim') ? [] : sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Every call that ends in the journal: `journal.record(...)` and the venue adapter's callbacks
 * (`onLog(...)`, `config.log(...)`). The simulator (src/sim) keeps its own request log and
 * never journals.
 */
const CALL = /(?:\bjournal\.record|\bonLog|\bconfig\.log|\boptions\.log)\(\s*([^,]*?)\s*,/g;
/** The only places that forward a name they were handed (typed as JournalLog end to end): each venue adapter's scrubbing wrapper. */
const FORWARDERS = new Set([
  'src/ops/venue-factory.ts: event', 'src/venues/ccxt/binanceusdm-venue.ts: event', 'src/venues/bybit/venue.ts: event', 'src/venues/binance-spot/venue.ts: event',
]);

function recordedNames(): { names: Map<string, string[]>; unknownArgs: string[] } {
  const names = new Map<string, string[]>();
  const unknownArgs: string[] = [];
  for (const file of [...sources('src'), ...sources('machines')]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(CALL)) {
      const arg = m[1]!;
      const literals = [...arg.matchAll(/'([a-z_]+)'/g)].map((l) => l[1]!);
      // A literal, or a choice between literals (`a ? 'x' : 'y'`): the literals after `?` are the names.
      const named = /^'[a-z_]+'$/.test(arg) ? literals : /\?\s*'[a-z_]+'\s*:\s*'[a-z_]+'$/.test(arg) ? literals.slice(-2) : [];
      if (named.length === 0) {
        if (!FORWARDERS.has(`${file}: ${arg}`)) unknownArgs.push(`${file}: ${arg}`);
        continue;
      }
      for (const n of named) names.set(n, [...(names.get(n) ?? []), file]);
    }
  }
  return { names, unknownArgs };
}

test('every event the code can record is declared in the catalogue', () => {
  const { names, unknownArgs } = recordedNames();
  expect(names.size).toBeGreaterThan(60);
  expect(unknownArgs).toEqual([]);
  const undeclared = [...names.keys()].filter((n) => !isJournalEvent(n)).map((n) => `${n} (${names.get(n)!.join(', ')})`);
  expect(undeclared).toEqual([]);
});

test('every declared event is recorded somewhere (the catalogue has no stale entries)', () => {
  const { names } = recordedNames();
  expect(Object.keys(JOURNAL_CATALOGUE).filter((n) => !names.has(n))).toEqual([]);
});
