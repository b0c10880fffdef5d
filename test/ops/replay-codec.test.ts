// The replay codec: what crosses the venue port goes into the audit journal as plain JSON and comes
// back exactly: decimals stay decimals (not strings), a field set to undefined stays set, arrays
// keep their order, and the trip through the audit journal's canonical JSON (keys sorted) loses
// nothing the runtime reads.
import fc from 'fast-check';
import { Decimal } from '../../src/domain/decimal.js';
import type { ExecutionRow, OrderRow, PositionRow, BalanceRow, RestSnapshot } from '../../src/domain/rows.js';
import type { SubmitOutcome, VenueMutation, StreamItem } from '../../src/venues/port.js';
import { canonicalJson } from '../../src/ops/audit/audit-journal.js';
import { decode, decodeError, encode, encodeError, type Encoded } from '../../src/ops/replay/codec.js';

/** As the audit journal stores it and the replay reads it back. */
const throughJournal = (value: unknown) => decode(JSON.parse(canonicalJson({ value: encode(value) })).value as Encoded);

/** Deep equality that tells a Decimal from its string and an undefined field from a missing one. */
function same(a: unknown, b: unknown): boolean {
  if (Decimal.isDecimal(a) || Decimal.isDecimal(b)) return Decimal.isDecimal(a) && Decimal.isDecimal(b) && (a as Decimal).valueOf() === (b as Decimal).valueOf();
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return Object.is(a, b);
}

const order: OrderRow = {
  kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'xsAbC123', exchangeOrderId: '4000000001', side: 'SELL', type: 'LIMIT',
  status: 'PARTIALLY_FILLED', price: new Decimal('65650.1'), qty: new Decimal('0.010'), filledQty: new Decimal('0.004'), avgPrice: undefined,
  reduceOnly: true, closePosition: false, transactionTimeMs: 1_796_158_505_939, eventTimeMs: 1_796_158_505_940,
};
const execution: ExecutionRow = {
  kind: 'execution', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'xsAbC123', tradeId: '77', side: 'BUY', price: new Decimal('64350'),
  qty: new Decimal('0.01'), fee: new Decimal('0.1287'), feeAsset: 'USDT', realizedPnl: new Decimal('-0'), liquidation: false,
};
const position: PositionRow = { kind: 'position', symbol: 'BTCUSDT', managedSide: 'SHORT', size: new Decimal('1e-8'), entryPrice: new Decimal('123456789012345678901234.5') };
const balance: BalanceRow = { kind: 'balance', asset: 'USDT', walletBalance: new Decimal('9999.8713') };

test('every row kind and stream signal survives the journal: decimals, undefined fields, missing fields', () => {
  const items: StreamItem[] = [order, execution, position, balance, { kind: 'stream', status: 'open' }, { kind: 'stream', status: 'closed', reason: 'socket hang up' }, { kind: 'malformed', reason: 'bad qty', raw: { q: 'x' } }];
  for (const item of items) expect(same(throughJournal(item), item)).toBe(true);
  const back = throughJournal(order) as OrderRow;
  expect(back.price).toBeInstanceOf(Decimal);
  expect('avgPrice' in back).toBe(true); // set to undefined: still set
  expect('venueType' in back).toBe(false); // never set: still missing
  // Equal decimals written differently still compare equal and keep their value.
  expect((throughJournal(new Decimal('0.010')) as Decimal).toString()).toBe('0.01');
  expect((throughJournal(new Decimal('-0')) as Decimal).isNegative()).toBe(true);
});

test('a snapshot, a mutation and each outcome survive; so does a string that looks like a decimal', () => {
  const snapshot: RestSnapshot = {
    positions: [position], openOrders: [order, { ...order, customOrderId: undefined }], balances: [balance], fills: [execution],
    filters: { BTCUSDT: { tickSize: new Decimal('0.1'), stepSize: new Decimal('0.001'), minQty: new Decimal('0.001'), minNotional: new Decimal('100') } },
  };
  const mutation: VenueMutation = {
    action: 'amend', scope: { exchange: 'binance', product: 'linear', symbol: 'BTCUSDT', managedSide: 'LONG' }, slot: 'TP', customOrderId: 'xsAbC123',
    exchangeOrderId: undefined, intent: { slot: 'TP', side: 'SELL', type: 'LIMIT', price: new Decimal('65321.8'), qty: new Decimal('0.02'), reduceOnly: true },
  };
  const outcomes: SubmitOutcome[] = [{ kind: 'accepted', exchangeOrderId: '9' }, { kind: 'accepted' }, { kind: 'rejected', code: -2021, message: 'would trigger', httpStatus: 400 }, { kind: 'unknown', reason: 'timeout' }];
  for (const value of [snapshot, mutation, ...outcomes, 'absent', '65000', [undefined, null, 1]]) expect(same(throughJournal(value), value)).toBe(true);
  expect(throughJournal('65000')).toBe('65000');
});

test('data that looks like a tag is escaped; non-finite numbers and -0 survive; what JSON cannot hold never throws', () => {
  const tricky = { $d: '1', nested: { $u: 1, $o: { a: 1 } }, n: Number.NaN, inf: Number.NEGATIVE_INFINITY, z: -0 };
  expect(same(throughJournal(tricky), tricky)).toBe(true);
  expect(() => encode({ f: () => 1, m: new Map([[1, 2]]) })).not.toThrow();
});

test('a thrown venue error comes back with its name, message and fields', () => {
  class VenueCallError extends Error {
    constructor(message: string, readonly code: number, readonly httpStatus: number) {
      super(message);
      this.name = 'VenueCallError';
    }
  }
  const back = decodeError(JSON.parse(canonicalJson(encodeError(new VenueCallError('fetchOrder failed: HTTP 503', -1001, 503)))));
  expect(back).toBeInstanceOf(Error);
  expect(back.name).toBe('VenueCallError');
  expect(back.message).toBe('fetchOrder failed: HTTP 503');
  expect(back).toMatchObject({ code: -1001, httpStatus: 503 });
  expect(decodeError(JSON.parse(JSON.stringify(encodeError('plain text')))).message).toBe('plain text');
});

// (A key named __proto__ is left out: the audit journal's canonical JSON does not keep it, and no venue datum has one.)
test('property: any JSON-like value with decimals and undefined fields round-trips through the journal', () => {
  const decimal = fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 20 })).map(([m, e]) => new Decimal(m.toString()).div(new Decimal(10).pow(e)));
  const leaf = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), decimal);
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__'), tie('node'), { maxKeys: 4 })),
  })).node;
  fc.assert(fc.property(value, (v) => same(throughJournal(v), v)), { numRuns: 300 });
});
