// Kills machines/ survivors of the 2026-12-02 path-tests-only Stryker run
// (docs/MUTATION_SURVIVORS_MACHINES.md), written from what the machines are for: the mode machine
// is what operators read (its mode, the reasons and since when), and a scope key always goes to
// the same one of SHARD_COUNT shards, the keys spread over them.
import { createActor } from 'xstate';
import { modeMachine } from '../../machines/mode.machine.js';
import { SHARD_COUNT, shardOf } from '../../machines/account.machine.js';

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

test('a scope key always names the same shard, and keys spread over the shards', () => {
  const keys = Array.from({ length: 2000 }, (_, i) => `binance:linear:SYM${i}USDT:${i % 2 ? 'LONG' : 'SHORT'}`);
  for (const key of keys) {
    expect(shardOf(key)).toBe(shardOf(key));
    expect(shardOf(key)).toMatch(/^shard-\d+$/);
    expect(Number(shardOf(key).slice('shard-'.length))).toBeLessThan(SHARD_COUNT);
  }
  // Every character counts: keys differing only at the end are not all on one shard.
  const used = new Set(keys.map(shardOf));
  expect(used.size).toBeGreaterThan(SHARD_COUNT / 2);
});
