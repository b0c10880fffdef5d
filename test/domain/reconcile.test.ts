// Settling an order of unknown fate, table-driven from SPEC lessons 4, 12, 15 (not from the
// implementation). Evidence is never dropped before it settles the order.
import { Decimal } from '../../src/domain/decimal.js';
import { fillsOfOrder, settleOrder, type LookupAnswer, type SettleInput, type Settlement } from '../../src/domain/reconcile.js';
import type { LifecycleState } from '../../src/domain/order-lifecycle.js';
import type { ExecutionRow, OrderRow, OrderStatus } from '../../src/domain/rows.js';

const d = (s: string) => new Decimal(s);
const RETENTION = 7 * 24 * 3600_000;

const row = (status: OrderStatus, over: Partial<OrderRow> = {}): OrderRow => ({
  kind: 'order', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'A', exchangeOrderId: '111', side: 'BUY', type: 'LIMIT',
  status, price: d('100'), qty: d('1'), ...over,
});
const fill = (tradeId: string, over: Partial<ExecutionRow> = {}): ExecutionRow => ({
  kind: 'execution', symbol: 'BTCUSDT', managedSide: 'LONG', customOrderId: 'A', exchangeOrderId: '111', tradeId, side: 'BUY',
  price: d('100'), qty: d('0.4'), ...over,
});

const base: SettleInput = {
  lifecycle: 'unknown', reachedVenue: false, inSnapshot: false, lookup: 'absent', fills: [], ageMs: 1000, retentionMs: RETENTION,
};
const settle = (over: Partial<SettleInput>): Settlement => settleOrder({ ...base, ...over });

const LIFECYCLES: LifecycleState[] = ['submitting', 'accepted', 'open', 'partially_filled', 'unknown'];
const FILLS_VARIANTS: Array<[string, SettleInput['fills']]> = [
  ['no fills', []],
  ['one fill', [fill('t1')]],
  ['fills unread', 'failed'],
  ['fills not asked', 'not_asked'],
];
const BOOLS = [false, true];

describe('a lookup that answers with the order settles it (later than the snapshot: it wins)', () => {
  const OPEN_STATUSES: OrderStatus[] = ['NEW', 'PARTIALLY_FILLED', 'AMENDED'];
  const cases = OPEN_STATUSES.flatMap((status) => BOOLS.flatMap((inSnapshot) => BOOLS.flatMap((reachedVenue) => FILLS_VARIANTS.map(([fl, fills]) => [status, inSnapshot, reachedVenue, fl, fills] as const))));
  test.each(cases)('lookup %s (inSnapshot=%s, reachedVenue=%s, %s) -> open by lookup', (status, inSnapshot, reachedVenue, _fl, fills) => {
    const s = settle({ lookup: row(status), inSnapshot, reachedVenue, fills });
    expect(s.kind).toBe('open');
    if (s.kind === 'open') {
      expect(s.evidence).toBe('lookup');
      expect(s.row?.status).toBe(status);
    }
  });

  const TERMINALS: Array<[OrderStatus, LifecycleState]> = [
    ['FILLED', 'filled'], ['CANCELED', 'canceled'], ['REJECTED', 'rejected'], ['EXPIRED', 'expired'], ['TRIGGERED', 'triggered'],
  ];
  const tcases = TERMINALS.flatMap(([status, lc]) => BOOLS.flatMap((inSnapshot) => [
    [status, lc, inSnapshot, 'no filledQty, no fills', undefined, [] as ExecutionRow[], status === 'FILLED'] as const,
    [status, lc, inSnapshot, 'filledQty 0, no fills', '0', [] as ExecutionRow[], status === 'FILLED'] as const,
    [status, lc, inSnapshot, 'filledQty 0.3', '0.3', [] as ExecutionRow[], true] as const,
    [status, lc, inSnapshot, 'fills exist', undefined, [fill('t1')] as ExecutionRow[], true] as const,
  ]));
  test.each(tcases)('lookup %s -> terminal %s (inSnapshot=%s, %s)', (status, lc, inSnapshot, _l, filledQty, fills, filled) => {
    const answer = row(status, filledQty === undefined ? {} : { filledQty: d(filledQty) });
    const s = settle({ lookup: answer, inSnapshot, fills, reachedVenue: true });
    expect(s).toMatchObject({ kind: 'terminal', lifecycle: lc, filled, evidence: 'lookup' });
    if (s.kind === 'terminal') expect(s.row).toBe(answer);
  });

  test('a terminal lookup with unreadable fills still settles it (the lookup is conclusive)', () => {
    expect(settle({ lookup: row('CANCELED'), fills: 'failed' })).toMatchObject({ kind: 'terminal', lifecycle: 'canceled', filled: false, evidence: 'lookup' });
  });
});

describe('a failed lookup settles nothing unless a fill under the order identity exists', () => {
  test.each(LIFECYCLES.flatMap((lc) => BOOLS.map((rv) => [lc, rv] as const)))('lifecycle %s, reachedVenue=%s, fill exists -> filled', (lifecycle, reachedVenue) => {
    expect(settle({ lookup: 'failed', fills: [fill('t1')], lifecycle, reachedVenue })).toMatchObject({ kind: 'terminal', filled: true, lifecycle: 'filled', evidence: 'fills' });
  });
  const nofill = LIFECYCLES.flatMap((lc) => BOOLS.flatMap((rv) => FILLS_VARIANTS.filter(([l]) => l !== 'one fill').map(([l, f]) => [lc, rv, l, f] as const)));
  test.each(nofill)('lifecycle %s, reachedVenue=%s, %s -> unresolved (retry the lookup)', (lifecycle, reachedVenue, _l, fills) => {
    const s = settle({ lookup: 'failed', fills, lifecycle, reachedVenue });
    expect(s.kind).toBe('unresolved');
  });
  test('failed lookup, no fill, far beyond retention -> still unresolved (never dropped)', () => {
    expect(settle({ lookup: 'failed', fills: [], ageMs: RETENTION * 10 })).toMatchObject({ kind: 'unresolved', reason: 'lookup_failed' });
  });
  test('failed lookup, no fill -> reason lookup_failed', () => {
    expect(settle({ lookup: 'failed', fills: [] })).toEqual({ kind: 'unresolved', reason: 'lookup_failed' });
  });
});

describe('"absent" proves "never placed" only without venue acknowledgement, within retention, with a read and empty fill history', () => {
  test('never acknowledged, within retention, no fill -> never_placed', () => {
    expect(settle({ lookup: 'absent', reachedVenue: false, ageMs: 1000, fills: [] })).toMatchObject({
      kind: 'terminal', lifecycle: 'never_placed', filled: false, evidence: 'absent_never_placed',
    });
  });
  test('exactly at the retention boundary still counts as within it', () => {
    expect(settle({ lookup: 'absent', reachedVenue: false, ageMs: RETENTION, fills: [] })).toMatchObject({ lifecycle: 'never_placed' });
  });

  // The full truth table of the three conditions (plus the fill history being unreadable).
  type Hist = 'empty' | 'fill' | 'failed' | 'not_asked';
  const HIST: Hist[] = ['empty', 'fill', 'failed', 'not_asked'];
  const histOf = (h: Hist): SettleInput['fills'] => (h === 'empty' ? [] : h === 'fill' ? [fill('t1')] : h);
  const table = BOOLS.flatMap((reachedVenue) => BOOLS.flatMap((withinRetention) => HIST.map((hist) => [reachedVenue, withinRetention, hist] as const)));
  test.each(table)('absent: reachedVenue=%s, withinRetention=%s, fills=%s', (reachedVenue, withinRetention, hist) => {
    const s = settle({ lookup: 'absent', reachedVenue, ageMs: withinRetention ? 1000 : RETENTION + 1, fills: histOf(hist) });
    if (hist === 'fill') {
      expect(s).toMatchObject({ kind: 'terminal', lifecycle: 'filled', filled: true });
    } else if (hist === 'failed' || hist === 'not_asked') {
      expect(s.kind).toBe('unresolved');
    } else if (!reachedVenue && withinRetention) {
      expect(s).toMatchObject({ kind: 'terminal', lifecycle: 'never_placed', filled: false, evidence: 'absent_never_placed' });
    } else {
      expect(s).toMatchObject({ kind: 'terminal', filled: false, evidence: 'absent_unproven' });
      if (s.kind === 'terminal') expect(s.lifecycle).not.toBe('never_placed');
    }
  });

  test('absent with fills settles filled even when the order shows in the (older) snapshot', () => {
    expect(settle({ lookup: 'absent', inSnapshot: true, fills: [fill('t1')] })).toMatchObject({ kind: 'terminal', filled: true });
  });

  test('absent, fill history unreadable -> unresolved fills_unread', () => {
    expect(settle({ lookup: 'absent', fills: 'failed' })).toEqual({ kind: 'unresolved', reason: 'fills_unread' });
  });

  test.each(LIFECYCLES)('never_placed is never concluded when the venue acknowledged the order (lifecycle %s, reachedVenue)', (lifecycle) => {
    const s = settle({ lookup: 'absent', reachedVenue: true, lifecycle, fills: [] });
    expect(s.kind === 'terminal' && s.lifecycle === 'never_placed').toBe(false);
  });
});

describe('presence in the snapshot without a conclusive lookup -> open', () => {
  const inconclusive: LookupAnswer[] = ['failed', 'not_asked'];
  const cases = inconclusive.flatMap((lookup) => BOOLS.flatMap((reachedVenue) => FILLS_VARIANTS.map(([l, f]) => [lookup, reachedVenue, l, f] as const)));
  test.each(cases)('lookup %s, reachedVenue=%s, %s, in snapshot -> open by snapshot', (lookup, reachedVenue, _l, fills) => {
    expect(settle({ lookup, reachedVenue, fills, inSnapshot: true })).toMatchObject({ kind: 'open', evidence: 'snapshot' });
  });
});

describe('no lookup yet and not in the snapshot', () => {
  test('no fill -> unresolved (a lookup is needed)', () => {
    expect(settle({ lookup: 'not_asked', fills: [] })).toEqual({ kind: 'unresolved', reason: 'lookup_needed' });
  });
  test('fill under its identity -> filled', () => {
    expect(settle({ lookup: 'not_asked', fills: [fill('t1')] })).toMatchObject({ kind: 'terminal', filled: true });
  });
  test('fills unread -> unresolved', () => {
    expect(settle({ lookup: 'not_asked', fills: 'failed' }).kind).toBe('unresolved');
  });
});

describe('fillsOfOrder', () => {
  const fills = [
    fill('c-only', { exchangeOrderId: undefined }),
    fill('both', { customOrderId: 'A', exchangeOrderId: '111' }),
    fill('x-only', { customOrderId: undefined, exchangeOrderId: '111' }),
    fill('other-c', { customOrderId: 'B', exchangeOrderId: '333' }),
    fill('other-x', { customOrderId: undefined, exchangeOrderId: '444' }),
    fill('none', { customOrderId: undefined, exchangeOrderId: undefined }),
  ];
  const ids = (rows: ExecutionRow[]) => rows.map((r) => r.tradeId).sort();

  test('by custom id when the venue id is not known', () => {
    expect(ids(fillsOfOrder(fills, { customOrderId: 'A' }))).toEqual(['both', 'c-only']);
  });
  test('by custom id or by venue id once known', () => {
    expect(ids(fillsOfOrder(fills, { customOrderId: 'A', exchangeOrderId: '111' }))).toEqual(['both', 'c-only', 'x-only']);
  });
  test('by venue id alone (the fill carries no custom id)', () => {
    expect(ids(fillsOfOrder(fills, { customOrderId: 'Z', exchangeOrderId: '444' }))).toEqual(['other-x']);
  });
  test('nothing matches -> empty', () => {
    expect(fillsOfOrder(fills, { customOrderId: 'Z', exchangeOrderId: '999' })).toEqual([]);
  });
  test('an empty history -> empty', () => {
    expect(fillsOfOrder([], { customOrderId: 'A', exchangeOrderId: '111' })).toEqual([]);
  });
  // Lesson 15: a custom id the venue let another client reuse after our order closed does not make
  // that client's order (venue id 222) ours once our venue id (111) is known.
  test('a fill under a reused custom id with a different venue id is not ours (lesson 15)', () => {
    const reused = [fill('ours', { exchangeOrderId: '111' }), fill('theirs', { exchangeOrderId: '222' })];
    expect(ids(fillsOfOrder(reused, { customOrderId: 'A', exchangeOrderId: '111' }))).toEqual(['ours']);
  });
});

describe('a request that may still land (sent within the venue request window) is never judged never placed', () => {
  const base = { lifecycle: 'unknown' as const, reachedVenue: false, inSnapshot: false, lookup: 'absent' as const, fills: [], ageMs: 1_000, retentionMs: 3 * 24 * 3600 * 1000 };
  test('absent, no fill, may still land: unresolved (wait, ask again)', () => {
    expect(settleOrder({ ...base, mayStillLand: true })).toEqual({ kind: 'unresolved', reason: 'request_may_still_land' });
  });
  test('absent, no fill, the window has passed: never placed', () => {
    expect(settleOrder({ ...base, mayStillLand: false })).toMatchObject({ kind: 'terminal', lifecycle: 'never_placed' });
  });
  test('a fill or a lookup that finds it settles it even inside the window', () => {
    const fill = { kind: 'execution' as const, symbol: 'BTCUSDT', managedSide: 'LONG' as const, customOrderId: 'a', tradeId: 't', side: 'BUY' as const, price: new Decimal(1), qty: new Decimal(1) };
    expect(settleOrder({ ...base, mayStillLand: true, fills: [fill] })).toMatchObject({ kind: 'terminal', lifecycle: 'filled' });
  });
});
