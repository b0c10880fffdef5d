// Payload replay: every example payload of Binance's USD-M user-data-stream documentation
// (developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-*), kept
// as a fixture under fixtures/venue/binance-usdm (one test per file: a new file is a new test),
// is served from the simulator's socket to exstate's OWN adapter (BinanceUsdmVenue over ccxt pro,
// real sockets) and must come out as the fixture says: the rows, in order, with the documented
// values as decimals; or, for an event exstate does not use, a journaled skip naming the event.
// Never silence: a payload that produced neither fails, and so does any stray malformed item or
// stream failure (ccxt choking on a frame would fail every watch and close the stream).
import { DEFAULT_MARKS, DEFAULT_SYMBOLS } from '../../src/sim/defaults.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { BinanceUsdmVenue } from '../../src/venues/ccxt/binanceusdm-venue.js';
import type { StreamItem } from '../../src/venues/port.js';
import {
  canonicalExpected, canonicalRow, DOC_BASE, fixtureFiles, isSentinel, ItemCollector, readFixture, sentinelFrame, type PayloadFixture,
} from './replay-support.js';

type Logged = { event: string } & Record<string, unknown>;

let sim: Simulator;

beforeAll(async () => {
  // BNBUSDT is listed so that the documented ALGO_UPDATE example is served with its own symbol.
  sim = await startSimulator({
    seed: 11,
    symbols: [...DEFAULT_SYMBOLS, { symbol: 'BNBUSDT', baseAsset: 'BNB', quoteAsset: 'USDT', tickSize: '0.01', stepSize: '0.01', minQty: '0.01', maxQty: '100000', minNotional: '5', pricePrecision: 2, quantityPrecision: 2 }],
    marks: { ...DEFAULT_MARKS, BNBUSDT: '600' },
  });
});
afterAll(async () => {
  await sim.close();
});

/** A fresh adapter with its stream open; its journal records are collected. */
async function openVenue() {
  sim.reset();
  const journal: Logged[] = [];
  const venue = await BinanceUsdmVenue.create({
    restUrl: sim.rest, wsUrl: sim.ws, apiKey: sim.apiKey, secret: sim.secret, listenKeyRefreshMs: 60_000, timeoutMs: 2000,
    positionMode: 'hedge', weightLimit: 2400, protectiveHeadroom: 0.2, log: (event, fields) => journal.push({ event, ...fields }),
  });
  const stream = new ItemCollector(venue.privateRows());
  await stream.until('the stream to open', (items) => items.some((i) => i.kind === 'stream' && i.status === 'open'));
  for (let i = 0; i < 100 && sim.stream.connectionCount() === 0; i++) await new Promise((r) => setTimeout(r, 20));
  return { venue, stream, journal, opened: stream.items.length };
}

/** Serves the frame, then the sentinel; what arrived between the two is what the frame produced. */
async function replay(fx: PayloadFixture) {
  const { venue, stream, journal, opened } = await openVenue();
  try {
    sim.stream.publish(fx.frame);
    if (fx.expect.stream === 'closed') {
      // The gap, then the reconnection on a fresh connection (the venue's listen key is asked again).
      await stream.until('the stream to close and open again', (items) => {
        const signals = items.slice(opened).filter((i) => i.kind === 'stream').map((i) => (i as { status: string }).status);
        return signals.join() === 'closed,open';
      });
      return { items: stream.items.slice(opened), journal: [...journal] };
    }
    sim.stream.publish(sentinelFrame());
    await stream.until('the sentinel row', (items) => items.some(isSentinel));
    const items = stream.items.slice(opened, stream.items.findIndex(isSentinel));
    return { items, journal: [...journal] };
  } finally {
    await venue.close();
  }
}

const rowsOf = (items: StreamItem[]) => items.filter((i) => i.kind !== 'stream' && i.kind !== 'malformed') as unknown as Array<Record<string, unknown>>;

describe('documented Binance USD-M user-data payloads through exstate\'s adapter', () => {
  test.each(fixtureFiles())('%s', async (file) => {
    const fx = readFixture(file);
    const { items, journal } = await replay(fx);

    // Never a malformed item, never a stream failure the fixture does not expect.
    expect(items.filter((i) => i.kind === 'malformed')).toEqual([]);
    const signals = items.filter((i) => i.kind === 'stream').map((i) => (i as { status: string }).status);
    expect(signals).toEqual(fx.expect.stream === 'closed' ? ['closed', 'open'] : []);

    const rows = rowsOf(items).map(canonicalRow);
    const skips = journal.filter((r) => r.event === 'venue_event_skipped');
    if (fx.expect.skip !== undefined) {
      expect(rows).toEqual([]);
      expect(skips).toEqual([expect.objectContaining({ venueEvent: fx.frame.e, reason: fx.expect.skip })]);
    } else {
      expect(rows).toEqual(fx.expect.rows!.map(canonicalExpected));
      expect(skips).toEqual([]);
    }
    for (const wanted of fx.expect.journal ?? []) expect(journal).toContainEqual(expect.objectContaining(wanted));
    // Nothing secret in what was journaled: the frame's listen key included.
    const text = JSON.stringify(journal);
    expect(text).not.toContain(sim.apiKey);
    expect(text).not.toContain(sim.secret);
    if (typeof fx.frame.listenKey === 'string') expect(text).not.toContain(fx.frame.listenKey);
  });
});

describe('the fixture set', () => {
  // Every event page of the USD-M user-data-stream documentation has at least one documented payload here.
  const PAGES = [
    'Event-User-Data-Stream-Expired', 'Event-Margin-Call', 'Event-Balance-and-Position-Update', 'Event-Order-Update', 'Event-Trade-Lite',
    'Event-Account-Configuration-Update-previous-Leverage-Update', 'Event-STRATEGY-UPDATE', 'Event-GRID-UPDATE', 'Event-Conditional-Order-Trigger-Reject',
    'Event-Algo-Order-Update',
  ];

  test('each documented event page has a documented (not derived) payload', () => {
    const documented = fixtureFiles().map(readFixture).filter((fx) => fx.derivedFrom === undefined).map((fx) => fx.source);
    for (const page of PAGES) expect(documented).toContain(DOC_BASE + page);
  });

  test('a derived payload names a fixture that exists', () => {
    const files = new Set(fixtureFiles());
    for (const fx of fixtureFiles().map(readFixture)) if (fx.derivedFrom !== undefined) expect(files).toContain(fx.derivedFrom);
  });
});

describe('an event type exstate has never heard of', () => {
  test('is journaled as a skip naming it, and the stream goes on', async () => {
    const fx: PayloadFixture = {
      source: DOC_BASE, description: 'not a Binance payload: a stand-in for an event type added after this suite',
      frame: { e: 'SOME_FUTURE_EVENT', E: 1700000000000, T: 1700000000000, x: { s: 'BTCUSDT' } }, expect: { skip: 'an event type exstate does not know' },
    };
    const { items, journal } = await replay(fx);
    expect(items).toEqual([]);
    expect(journal).toContainEqual(expect.objectContaining({ event: 'venue_event_skipped', venueEvent: 'SOME_FUTURE_EVENT', reason: 'an event type exstate does not know' }));
  });
});
