// Kills for src/domain/account-state.ts (mutation testing, docs/TESTING.md), from SPEC lessons 2
// (fills deduplicated by trade id), 6 (a frame without a balance never zeroes it) and 7 (REST
// snapshots replace what they cover).
import { AccountState } from '../../src/domain/account-state.js';
import { Decimal } from '../../src/domain/decimal.js';
import type { ExecutionRow } from '../../src/domain/rows.js';

const d = (s: string) => new Decimal(s);
const all = () => true;
const KEY = 'generic:linear:BTCUSDT:LONG';
const balanceOf = (s: AccountState, asset: string) => {
  const b = s.balances.get(asset);
  return b && { wallet: b.walletBalance.toFixed(), available: b.availableBalance.toFixed() };
};
const exec = (tradeId: string): ExecutionRow => ({ kind: 'execution', symbol: 'BTCUSDT', managedSide: 'LONG', tradeId, side: 'BUY', price: d('100'), qty: d('1') });

describe('balances from a REST snapshot (lesson 6)', () => {
  test('a snapshot balance replaces the wallet; available defaults to the wallet', () => {
    const s = new AccountState('linear');
    s.applySnapshot({ balances: [{ kind: 'balance', asset: 'USDT', walletBalance: d('100') }] }, all, () => KEY, () => KEY, s.fence());
    expect(balanceOf(s, 'USDT')).toEqual({ wallet: '100', available: '100' });
    s.applySnapshot({ balances: [{ kind: 'balance', asset: 'USDT', walletBalance: d('90'), availableBalance: d('40') }] }, all, () => KEY, () => KEY, s.fence());
    expect(balanceOf(s, 'USDT')).toEqual({ wallet: '90', available: '40' });
  });

  test('a snapshot row without a wallet balance leaves the known balance alone', () => {
    const s = new AccountState('linear');
    s.applySnapshot({ balances: [{ kind: 'balance', asset: 'USDT', walletBalance: d('100'), availableBalance: d('60') }] }, all, () => KEY, () => KEY, s.fence());
    s.applySnapshot({ balances: [{ kind: 'balance', asset: 'USDT', availableBalance: d('0') }] }, all, () => KEY, () => KEY, s.fence());
    expect(balanceOf(s, 'USDT')).toEqual({ wallet: '100', available: '60' });
    // And one that never had a balance does not get a zero one.
    s.applySnapshot({ balances: [{ kind: 'balance', asset: 'BNB' }] }, all, () => KEY, () => KEY, s.fence());
    expect(s.balances.has('BNB')).toBe(false);
  });
});

describe('fills (lesson 2)', () => {
  test('a fill is recorded once per trade id', () => {
    const s = new AccountState('linear');
    expect(s.hasFill('t1')).toBe(false);
    expect(s.applyExecution(exec('t1'), KEY)).toBe(true);
    expect(s.hasFill('t1')).toBe(true);
    expect(s.applyExecution(exec('t1'), KEY)).toBe(false);
    expect(s.hasFill('t2')).toBe(false);
  });

  test('a trade id applied in an earlier run is a duplicate', () => {
    const s = new AccountState('linear');
    s.seedFills(['t9']);
    expect(s.applyExecution(exec('t9'), KEY)).toBe(false);
    expect(s.applyExecution(exec('t10'), KEY)).toBe(true);
  });
});
