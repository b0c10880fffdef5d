// The normalizer's answers for what an order or position row cannot say, at their edges (the
// payload replay suite covers the documented payloads end to end): which events are journaled as
// skipped, which order frames carry a reason for the journal, and which ACCOUNT_UPDATE position
// entries are read. Sources: user-data-streams/Event-Order-Update ("Expiry Reason"),
// Event-Algo-Order-Update ("rm"), Event-Balance-and-Position-Update (BOTH beside LONG/SHORT).
import { orderReason, positionEntries, positionRows, READ_EVENTS, restPositionEntries, skippedEvent } from '../../src/venues/ccxt/normalize.js';

describe('skippedEvent', () => {
  test('the events exstate reads, and messages that are not events, are not skips', () => {
    for (const e of READ_EVENTS) expect(skippedEvent({ e })).toBeUndefined();
    expect(skippedEvent({ result: null, id: 1 })).toBeUndefined();
    expect(skippedEvent({ e: 42 })).toBeUndefined();
  });

  test('an unknown event is a skip that names it', () => {
    expect(skippedEvent({ e: 'NEW_THING', E: 1 })).toEqual({ venueEvent: 'NEW_THING', reason: 'an event type exstate does not know' });
  });

  test('odd shapes never throw and carry no objects or payload copies', () => {
    const odd = [
      { e: 'MARGIN_CALL', p: 'x' }, { e: 'MARGIN_CALL', p: [null, 3, { s: { deep: 1 }, ps: 'LONG' }] }, { e: 'ACCOUNT_CONFIG_UPDATE', ac: 'x', ai: null },
      { e: 'TRADE_LITE' }, { e: 'CONDITIONAL_ORDER_TRIGGER_REJECT', or: [] }, { e: 'STRATEGY_UPDATE', su: 5 }, { e: 'GRID_UPDATE', gu: { s: ['BTCUSDT'] } },
    ];
    for (const frame of odd) expect(() => skippedEvent(frame)).not.toThrow();
    expect(skippedEvent(odd[1]!)!.positions).toEqual([{}, {}, { side: 'LONG' }]);
    expect(skippedEvent(odd[6]!)).toEqual({ venueEvent: 'GRID_UPDATE', reason: expect.any(String) });
  });
});

describe('orderReason', () => {
  test('no reason: er "0" or absent, no EXPIRED_IN_MATCH, no rm', () => {
    expect(orderReason('ORDER_TRADE_UPDATE', { s: 'BTCUSDT', i: 1, X: 'EXPIRED', er: '0' })).toBeUndefined();
    expect(orderReason('ORDER_TRADE_UPDATE', { s: 'BTCUSDT', i: 1, X: 'CANCELED' })).toBeUndefined();
    expect(orderReason('ALGO_UPDATE', { s: 'BTCUSDT', aid: 1, X: 'CANCELED', rm: '' })).toBeUndefined();
  });

  test('er 9 (a market order not filled completely) and an er exstate does not know are both said', () => {
    expect(orderReason('ORDER_TRADE_UPDATE', { s: 'BTCUSDT', i: 7, c: 'x', X: 'EXPIRED', er: '9' })).toEqual({
      venueEvent: 'ORDER_TRADE_UPDATE', symbol: 'BTCUSDT', exchangeOrderId: '7', customOrderId: 'x', status: 'EXPIRED',
      expiryReason: '9', expiryText: 'market order not filled completely, remainder canceled',
    });
    expect(orderReason('ORDER_TRADE_UPDATE', { i: 7, er: 42 })).toMatchObject({ expiryReason: '42', expiryText: 'an expiry reason exstate does not know' });
  });

  test('EXPIRED_IN_MATCH without er is still said; an algo order is named by its prefixed algo id', () => {
    expect(orderReason('ORDER_TRADE_UPDATE', { i: 7, X: 'EXPIRED_IN_MATCH' })).toMatchObject({ venueStatus: 'EXPIRED_IN_MATCH' });
    expect(orderReason('ALGO_UPDATE', { aid: 5, caid: 'sl-1', X: 'REJECTED', rm: 'Margin is insufficient' })).toEqual({
      venueEvent: 'ALGO_UPDATE', customOrderId: 'sl-1', status: 'REJECTED', exchangeOrderId: 'algo-5', rejectReason: 'Margin is insufficient',
    });
  });

  test('odd shapes never throw', () => {
    for (const o of [{}, { er: {} }, { er: null, X: 7 }, { rm: ['x'] }]) {
      expect(() => orderReason('ORDER_TRADE_UPDATE', o)).not.toThrow();
      expect(() => orderReason('ALGO_UPDATE', o)).not.toThrow();
    }
  });
});

describe('positionEntries: a zero BOTH entry beside LONG/SHORT entries of its symbol says nothing', () => {
  const both = (s: string, pa: string) => ({ s, pa, ep: '0', ps: 'BOTH' });
  const side = (s: string, ps: 'LONG' | 'SHORT', pa: string) => ({ s, pa, ep: '100', ps });

  test('dropped beside a sided entry of the same symbol only', () => {
    const entries = [both('BTCUSDT', '0'), side('BTCUSDT', 'LONG', '1'), both('ETHUSDT', '0')];
    expect(positionEntries(entries)).toEqual([entries[1], entries[2]]);
  });

  test('one-way mode (BOTH alone) is read as before: flat is flat on both sides, a size maps by sign', () => {
    expect(positionEntries([both('BTCUSDT', '0')]).flatMap((p) => positionRows(p, 'pa', 'ep')).map((r) => `${r.managedSide}:${r.size.toFixed()}`)).toEqual(['LONG:0', 'SHORT:0']);
    expect(positionEntries([both('BTCUSDT', '-2')]).flatMap((p) => positionRows(p, 'pa', 'ep')).map((r) => `${r.managedSide}:${r.size.toFixed()}`)).toEqual(['SHORT:2']);
  });

  test('a non-zero BOTH beside sided entries (hedge mode never sends one) is kept; so are unreadable entries, to be reported', () => {
    const odd = [both('BTCUSDT', '3'), side('BTCUSDT', 'SHORT', '-1'), both('BTCUSDT', 'NaN'), null, 7];
    expect(positionEntries(odd)).toEqual(odd);
    expect(positionEntries(undefined)).toEqual([]);
    expect(positionEntries({ s: 'BTCUSDT' })).toEqual([]);
  });
});

describe('restPositionEntries: the REST snapshot reads positionRisk by the same rule', () => {
  const rest = (symbol: string, positionSide: string, positionAmt: string) => ({ symbol, positionSide, positionAmt, entryPrice: '100', updateTime: 1 });

  test('a zero BOTH entry listed after the live LONG entry does not flatten it in the snapshot', () => {
    const entries = [rest('BTCUSDT', 'LONG', '0.5'), rest('BTCUSDT', 'SHORT', '0'), rest('BTCUSDT', 'BOTH', '0')];
    const rows = restPositionEntries(entries).flatMap((p) => positionRows(p, 'positionAmt', 'entryPrice'));
    expect(rows.map((r) => `${r.managedSide}:${r.size.toFixed()}`)).toEqual(['LONG:0.5', 'SHORT:0']);
  });

  test('one-way mode (BOTH alone) reads as before', () => {
    expect(restPositionEntries([rest('BTCUSDT', 'BOTH', '-2')]).flatMap((p) => positionRows(p, 'positionAmt', 'entryPrice')).map((r) => `${r.managedSide}:${r.size.toFixed()}`)).toEqual(['SHORT:2']);
  });
});
