// Kills machines/ survivors of the 2026-12-02 path-tests-only Stryker run
// (docs/MUTATION_SURVIVORS_MACHINES.md), written from what the machines are for: the mode machine
// is what operators read (its mode, the reasons and since when), and a scope key always goes to
// the same shard group and shard, the keys spread over them (two levels: shard-group.machine.ts).
import { createActor } from 'xstate';
import { modeMachine } from '../../machines/mode.machine.js';
import { GROUP_COUNT, SHARDS_PER_GROUP, groupOf, shardOf } from '../../machines/shard-group.machine.js';

test('the mode machine starts NORMAL with no reasons since 0, and says since when each mode holds', () => {
  const mode = createActor(modeMachine).start();
  expect(mode.getSnapshot().context).toEqual({ mode: 'NORMAL', reasons: [], sinceMs: 0 });
  mode.send({ type: 'mode.set', mode: 'DEGRADED', reasons: ['RATE_LIMITED'], atMs: 1234 });
  expect(mode.getSnapshot().context).toEqual({ mode: 'DEGRADED', reasons: ['RATE_LIMITED'], sinceMs: 1234 });
  // The same mode with more reasons: the reasons change, "since" does not (nothing was entered).
  mode.send({ type: 'mode.set', mode: 'DEGRADED', reasons: ['RATE_LIMITED', 'STREAM_DOWN'], atMs: 5000 });
  expect(mode.getSnapshot().context).toEqual({ mode: 'DEGRADED', reasons: ['RATE_LIMITED', 'STREAM_DOWN'], sinceMs: 1234 });
  mode.send({ type: 'mode.set', mode: 'PAUSED', reasons: ['AUTH_FAILED'], atMs: 6000 });
  expect(mode.getSnapshot().context).toEqual({ mode: 'PAUSED', reasons: ['AUTH_FAILED'], sinceMs: 6000 });
  mode.send({ type: 'mode.set', mode: 'NORMAL', reasons: [], atMs: 7000 });
  expect(mode.getSnapshot().context).toEqual({ mode: 'NORMAL', reasons: [], sinceMs: 7000 });
  mode.stop();
});

test('a scope key always names the same group and shard, and keys spread over all of them', () => {
  const keys = Array.from({ length: 20_000 }, (_, i) => `binance:linear:SYM${i}USDT:${i % 2 ? 'LONG' : 'SHORT'}`);
  for (const key of keys) {
    expect(groupOf(key)).toBe(groupOf(key));
    expect(shardOf(key)).toBe(shardOf(key));
    expect(groupOf(key)).toMatch(/^group-\d+$/);
    expect(shardOf(key)).toMatch(/^shard-\d+$/);
    expect(Number(groupOf(key).slice('group-'.length))).toBeLessThan(GROUP_COUNT);
    expect(Number(shardOf(key).slice('shard-'.length))).toBeLessThan(SHARDS_PER_GROUP);
  }
  // Every character counts, and the shard is not the group again: keys differing only at the end
  // spread over the groups, and within one group over its shards.
  expect(new Set(keys.map(groupOf)).size).toBeGreaterThan(GROUP_COUNT / 2);
  const inOneGroup = keys.filter((k) => groupOf(k) === groupOf(keys[0]!));
  expect(new Set(inOneGroup.map(shardOf)).size).toBeGreaterThan(SHARDS_PER_GROUP / 2);
  // No parent holds more than a few hundred children at this size.
  const perShard = new Map<string, number>();
  for (const k of keys) perShard.set(`${groupOf(k)}/${shardOf(k)}`, (perShard.get(`${groupOf(k)}/${shardOf(k)}`) ?? 0) + 1);
  expect(Math.max(...perShard.values())).toBeLessThan(20);
});
