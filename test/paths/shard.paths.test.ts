// Every transition of a shard, reached on the real machine under a recording parent (its failure
// reports go there), with real scope actors as children that really fail (a pass that throws),
// and every step checked against the behaviour table (machines/shard.behaviour.ts).
import { shardBehaviour } from '../../machines/shard.behaviour.js';
import { scopeMachine } from '../../machines/scope.machine.js';
import { shardMachine } from '../../machines/shard.machine.js';
import { assertBehaviour, coverMachine } from './path-driver.js';

const KEYS = ['generic:linear:BTCUSDT:LONG', 'generic:linear:BTCUSDT:SHORT'];
const failure = new Error('pass threw');
/** The real scope machine, whose pass throws: an immediate row makes its owner fail. */
const failingScope = scopeMachine.provide({ actions: { runPass: () => { throw failure; } } as never });
const active = (snapshot: any, key: string) => snapshot.children[key]?.getSnapshot().status === 'active';

function payloads(type: string, snapshot: any) {
  switch (type) {
    case 'scope.spawn':
    case 'scope.stop':
      return KEYS.map((scopeKey) => ({ type, scopeKey }));
    case 'xstate.error.actor.*':
      // Only a running owner can fail.
      return KEYS.filter((k) => active(snapshot, k)).map((k) => ({ type: `xstate.error.actor.${k}`, error: failure }));
    default:
      return [{ type }];
  }
}

test('shard machine: every transition is reached and behaves as its table says', async () => {
  const coverage = await coverMachine({
    machine: shardMachine,
    actors: [],
    delays: {},
    payloads,
    provide: { actors: { scope: failingScope } },
    // A failure report needs a parent, which the graph's pure transitions do not have.
    graphSkip: ['xstate.error.actor.*'],
    withParent: true,
    // Make the scope's owner fail for real instead of forging its error event.
    deliver: (e, ctx) => {
      if (!e.type.startsWith('xstate.error.actor.')) return false;
      const child = (ctx.actor.getSnapshot() as any).children[e.type.slice('xstate.error.actor.'.length)];
      child.send({ type: 'scope.affected', reason: 'row', immediate: true });
      return true;
    },
    serialize: (s: any) => JSON.stringify(Object.keys(s.children).sort()),
    table: shardBehaviour,
  });
  const b = coverage.behaviour!;
  process.stdout.write(`shard machine coverage: states ${coverage.states.covered}/${coverage.states.total}, transitions ${coverage.transitions.covered}/${coverage.transitions.total}, behaviour rows ${b.reached}/${b.rows} over ${b.steps} steps (${coverage.paths} shortest paths, ${coverage.replays} replays)\n`);
  for (const d of b.defects) process.stdout.write(`shard machine known defect: ${d}\n`);
  assertBehaviour('shard', b);
  expect(coverage.states.missing).toEqual([]);
  expect(coverage.transitions.missing).toEqual([]);
});
