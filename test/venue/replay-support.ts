// Support for the payload replay suite: reading the fixtures under fixtures/venue/binance-usdm
// (each one a payload from Binance's user-data-stream documentation, or derived from a documented
// rule and saying so), collecting what the adapter's private stream hands over, and comparing rows
// with decimals compared as numbers (the documented "6563.66500" is the row's 6563.665).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decimal } from '../../src/domain/decimal.js';
import type { StreamItem } from '../../src/venues/port.js';

export const FIXTURE_DIR = 'fixtures/venue/binance-usdm';
export const DOC_BASE = 'https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/';

export interface PayloadFixture {
  /** The documentation page the payload (or the rule it was derived from) is on. */
  source: string;
  description: string;
  /** For payloads that are not documented examples: the fixture they were built from. */
  derivedFrom?: string;
  frame: Record<string, unknown> & { e: string };
  expect: {
    /** The rows exstate makes of the frame, in order (decimals as strings). */
    rows?: Array<Record<string, unknown>>;
    /** The event is one exstate does not use: the reason it journals for skipping it. */
    skip?: string;
    /** Journal records the frame must leave (each matched as a subset of one record). */
    journal?: Array<Record<string, unknown>>;
    /** The frame ends the connection: a `closed` signal, then the adapter reconnects (`open`). */
    stream?: 'closed';
  };
}

export function fixtureFiles(): string[] {
  return readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.json')).sort();
}

/** Reads a fixture and checks its shape: a bad fixture fails its test with the reason. */
export function readFixture(file: string): PayloadFixture {
  const fx = JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as PayloadFixture;
  const problems: string[] = [];
  if (typeof fx.source !== 'string' || !fx.source.startsWith(DOC_BASE)) problems.push(`source must be a page under ${DOC_BASE}`);
  if (typeof fx.description !== 'string' || fx.description.length < 20) problems.push('description must say what the payload is and what was changed');
  if (!fx.frame || typeof fx.frame !== 'object' || typeof fx.frame.e !== 'string') problems.push('frame must be an event object with a string "e"');
  const e = fx.expect ?? {};
  if ((e.rows === undefined) === (e.skip === undefined)) problems.push('expect needs exactly one of rows and skip');
  if (file.includes('.derived.') !== (fx.derivedFrom !== undefined)) problems.push('a derived fixture is named *.derived.json and names derivedFrom');
  if (fx.derivedFrom !== undefined && !/NOT a documented example/.test(fx.description)) problems.push('a derived fixture says "NOT a documented example"');
  if (problems.length > 0) throw new Error(`${file}: ${problems.join('; ')}`);
  return fx;
}

const DECIMAL_FIELDS = new Set(['price', 'triggerPrice', 'qty', 'filledQty', 'avgPrice', 'fee', 'realizedPnl', 'size', 'entryPrice', 'walletBalance', 'availableBalance']);

/** A row as plain data: undefined fields dropped, decimals (which must be Decimal values) canonical. */
export function canonicalRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === undefined) continue;
    if (DECIMAL_FIELDS.has(k)) {
      if (!Decimal.isDecimal(v)) throw new Error(`${String(row.kind)}.${k} is not a Decimal (got ${JSON.stringify(v)})`);
      out[k] = (v as Decimal).toFixed();
    } else out[k] = v;
  }
  return out;
}

/** An expected row: its decimal strings in the same canonical form. */
export function canonicalExpected(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, DECIMAL_FIELDS.has(k) ? new Decimal(String(v)).toFixed() : v]));
}

/** Reads a stream's items in the background; `until` waits for a condition on what arrived. */
export class ItemCollector {
  readonly items: StreamItem[] = [];

  constructor(stream: AsyncIterable<StreamItem>) {
    void (async () => {
      for await (const item of stream) this.items.push(item);
    })();
  }

  async until(what: string, done: (items: StreamItem[]) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.items)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.items.map((i) => i.kind + ('status' in i ? `:${String(i.status)}` : '')))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** The frame sent after each payload: its row marks the end of what the payload produced. */
export const SENTINEL_ORDER_ID = '990000001';
export function sentinelFrame(): Record<string, unknown> & { e: string } {
  return {
    e: 'ORDER_TRADE_UPDATE', E: 1700000000001, T: 1700000000000,
    o: {
      s: 'BTCUSDT', c: 'payload-replay-sentinel', S: 'BUY', o: 'LIMIT', f: 'GTC', q: '0.001', p: '1000', ap: '0', sp: '0', x: 'NEW', X: 'NEW',
      i: Number(SENTINEL_ORDER_ID), l: '0', z: '0', L: '0', T: 1700000000000, t: 0, b: '1', a: '0', m: false, R: false, wt: 'CONTRACT_PRICE',
      ot: 'LIMIT', ps: 'LONG', cp: false, pP: false, si: 0, ss: 0, rp: '0', V: 'NONE', pm: 'NONE', gtd: 0, er: '0',
    },
  };
}
export const isSentinel = (item: StreamItem) => item.kind === 'order' && item.exchangeOrderId === SENTINEL_ORDER_ID;
