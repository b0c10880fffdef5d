// A realistic mix of normalized private rows over many scopes: for each burst of one scope an
// order update, a fill, a position row, and now and then a balance frame.
import { Decimal } from '../../src/domain/decimal.js';
import type { PrivateRow } from '../../src/domain/rows.js';

export function symbolsFor(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `S${String(i).padStart(4, '0')}USDT`);
}

export function rowMix(symbols: string[], total: number): PrivateRow[] {
  const rows: PrivateRow[] = [];
  let i = 0;
  while (rows.length < total) {
    const symbol = symbols[i % symbols.length]!;
    const managedSide = Math.floor(i / symbols.length) % 2 === 0 ? 'LONG' : 'SHORT';
    const price = new Decimal(100 + (i % 50));
    const id = `m-${i}`;
    rows.push({ kind: 'order', symbol, managedSide, exchangeOrderId: id, side: managedSide === 'LONG' ? 'BUY' : 'SELL', type: 'MARKET', status: 'FILLED', qty: new Decimal('1'), filledQty: new Decimal('1'), avgPrice: price });
    rows.push({ kind: 'execution', symbol, managedSide, exchangeOrderId: id, tradeId: `t-${i}`, side: managedSide === 'LONG' ? 'BUY' : 'SELL', price, qty: new Decimal('1') });
    rows.push({ kind: 'position', symbol, managedSide, size: new Decimal(1 + (i % 3)), entryPrice: price });
    if (i % 10 === 0) rows.push({ kind: 'balance', asset: 'USDT', walletBalance: new Decimal(10_000 + i) });
    i++;
  }
  return rows.slice(0, total);
}

/** The same rows as plain JSON (what a bare loop would parse), for the baseline. */
export function asJson(rows: PrivateRow[]): string[] {
  return rows.map((r) => JSON.stringify(r, (_k, v) => (v instanceof Decimal ? v.toFixed() : v)));
}
