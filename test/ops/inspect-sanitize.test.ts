// What the inspector may put on the wire, from real actors: the account, shard and scope machines
// under a real XState actor system, converted by @statelyai/inspect's own createInspector with the
// inspector's sanitizer. `--inspect-scopes` globs select scopes by symbol, symbol:side or key; a
// scope left out is masked wherever it is named (an event's type or payload, a shard's children);
// secret-named fields and secret-shaped text are cut; large values are capped; decimals,
// errors and actor refs become plain JSON.
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { createActor, setup, type InspectionEvent } from 'xstate';
import { Decimal } from '../../src/domain/decimal.js';
import { FILTERED, WireSanitizer } from '../../src/ops/inspect/sanitize.js';
import { maskScopeKeys, parseScopePattern } from '../../src/ops/inspect/scope-pattern.js';
import { shardMachine } from '../../machines/shard.machine.js';

const BTC_LONG = 'binance:linear:BTCUSDT:LONG';
const BTC_SHORT = 'binance:linear:BTCUSDT:SHORT';
const ETH_LONG = 'binance:linear:ETHUSDT:LONG';

test('scope patterns: globs on symbol, symbol:side or key, comma-separated, case-insensitive', () => {
  const btc = parseScopePattern('BTC*');
  expect([btc.matches(BTC_LONG), btc.matches(BTC_SHORT), btc.matches(ETH_LONG)]).toEqual([true, true, false]);
  const side = parseScopePattern('*:short, ethusdt');
  expect([side.matches(BTC_LONG), side.matches(BTC_SHORT), side.matches(ETH_LONG)]).toEqual([false, true, true]);
  expect(parseScopePattern('binance:linear:ETH?SDT:LONG').matches(ETH_LONG)).toBe(true);
  expect(parseScopePattern(undefined)).toMatchObject({ source: '*', all: true });
  expect(() => parseScopePattern(' , ')).toThrow(/no pattern/);
  expect(() => parseScopePattern('BTC(.*)')).toThrow(/only letters/);
  expect(maskScopeKeys(`xstate.error.actor.${ETH_LONG} and ${BTC_LONG}`, btc, FILTERED)).toBe(`xstate.error.actor.${FILTERED} and ${BTC_LONG}`);
});

test('values: secrets cut, sizes capped, decimals, errors, sets and refs plain', () => {
  const s = new WireSanitizer(parseScopePattern('BTC*'), { maxItems: 3, maxString: 40, maxKeys: 4, maxDepth: 3 });
  const hex = 'ab'.repeat(32);
  expect(s.clean({ apiKey: 'k-123456', nested: { secret: 'zzz', url: `https://x/?a=1&signature=${hex}` } })).toEqual({
    apiKey: '[redacted]', nested: { secret: '[redacted]', url: 'https://x/?a=1&signature=[redacted]' },
  });
  expect(s.clean({ price: new Decimal('65000.5'), tags: new Set(['a']), error: new Error(`boom ${hex}`) })).toEqual({ price: '65000.5', tags: ['a'], error: 'boom [redacted]' });
  expect(s.clean([1, 2, 3, 4, 5])).toEqual([1, 2, 3, '… 2 more']);
  expect(s.clean('x'.repeat(50))).toBe(`${'x'.repeat(40)}… (50 chars)`);
  expect(s.clean({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 })).toEqual({ a: 1, b: 2, c: 3, d: 4, '…': '2 more keys' });
  expect(s.clean({ a: { b: { c: { d: 1 } } } })).toEqual({ a: { b: { c: '[…]' } } });
  expect(s.clean({ fn: () => 1, n: 1 })).toEqual({ n: 1 });
  // A left-out scope: masked in text, its key dropped from a map; the selected one kept.
  expect(s.clean({ [ETH_LONG]: 1, [BTC_LONG]: 2, note: `spawn ${ETH_LONG}` })).toEqual({ [BTC_LONG]: 2, note: `spawn ${FILTERED}` });
});

test('real actors through createInspector: a shard never names a left-out scope, the wire carries only protocol fields', async () => {
  const pattern = parseScopePattern('BTC*');
  const s = new WireSanitizer(pattern);
  const wire: StatelyInspectionEvent[] = [];
  const inspector = createInspector({ send: (e) => wire.push(e) }, { sanitizeContext: s.context, sanitizeEvent: s.event, serialize: s.wire });
  // A parent that spawns a shard, which spawns scope actors for BTC and ETH (the real machines).
  const parent = setup({ actors: { shard: shardMachine } }).createMachine({
    invoke: { id: 'shard-1', src: 'shard' },
    on: { '*': { actions: ({ event, system }) => system.get('x')?.send(event) } },
  });
  const actor = createActor(parent, { inspect: (e: InspectionEvent) => inspector.inspect.next?.(e) }).start();
  const shard = actor.getSnapshot().children['shard-1']!;
  shard.send({ type: 'scope.spawn', scopeKey: BTC_LONG });
  shard.send({ type: 'scope.spawn', scopeKey: ETH_LONG });
  shard.send({ type: 'scope.affected', reason: 'position' } as never);
  await new Promise((r) => setTimeout(r, 20));
  actor.stop();

  const shardId = shard.sessionId;
  const ofShard = wire.filter((e) => e.sessionId === shardId);
  const text = JSON.stringify(ofShard);
  expect(text).toContain(BTC_LONG);
  expect(text).not.toContain('ETHUSDT');
  expect(text).toContain(`"scopeKey":"${FILTERED}"`); // the spawn event of the ETH scope, masked
  const last = ofShard.filter((e) => e.type === '@xstate.snapshot').at(-1) as unknown as { snapshot: { children: Record<string, unknown> } };
  expect(Object.keys(last.snapshot.children)).toEqual([BTC_LONG]);
  for (const e of wire) {
    const allowed = ['type', 'sessionId', 'rootId', 'createdAt', 'id', '_version', 'name', 'parentId', 'definition', 'snapshot', 'event', 'sourceId'];
    expect(Object.keys(e).filter((k) => !allowed.includes(k))).toEqual([]);
    if ('snapshot' in e) expect(Object.keys(e.snapshot as object).filter((k) => !['status', 'value', 'context', 'children', 'tags', 'input', 'output', 'error', 'historyValue'].includes(k))).toEqual([]);
  }
});
