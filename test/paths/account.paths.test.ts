// Every state and every transition of the account machine, reached on the real machine, and every
// step checked against the behaviour table (machines/account.behaviour.ts).
import { accountBehaviour } from '../../machines/account.behaviour.js';
import { accountMachine } from '../../machines/account.machine.js';
import { assertBehaviour, coverMachine } from './path-driver.js';

const ACTORS = ['validateConfig', 'startupHydration', 'reconnectHydration', 'replayBuffered', 'restoreHydration', 'drain'];
const KEY = 'generic:linear:BTCUSDT:LONG';

function payloads(type: string) {
  switch (type) {
    case 'stream.lost':
      return [{ type, reason: 'closed' }];
    case 'scope.spawn':
    case 'scope.stop':
      return [{ type, scopeKey: KEY }];
    case 'scope.recover':
      return [{ type, scopeKey: KEY, reason: 'explicit_recovery' }];
    case 'scope.failed':
      return [{ type, scopeKey: KEY, error: new Error('scope failed') }];
    case 'account.restore':
      return [{ type, pending: [] }];
    case 'account.resync':
      return [{ type, reason: 'explicit_reconnect' }];
    case 'xstate.error.actor.*':
      return [{ type: `xstate.error.actor.${KEY}`, error: new Error('scope failed') }];
    default:
      if (type.startsWith('xstate.done.actor.')) return [{ type, output: undefined }];
      if (type.startsWith('xstate.error.actor.')) return [{ type, error: new Error('stub failure') }];
      return [{ type }];
  }
}

test('account machine: every state and transition is reached and behaves as its table says', async () => {
  const coverage = await coverMachine({
    machine: accountMachine,
    actors: ACTORS,
    delays: { HYDRATION_RETRY: 1000 },
    payloads,
    // The failure streak is unbounded: whether one is running is all the graph needs to tell apart.
    serialize: (s: any) => JSON.stringify({ v: s.value, c: { ...s.context, hydrationFailures: s.context.hydrationFailures > 0 } }),
    table: accountBehaviour,
  });
  const b = coverage.behaviour!;
  process.stdout.write(`account machine coverage: states ${coverage.states.covered}/${coverage.states.total}, transitions ${coverage.transitions.covered}/${coverage.transitions.total}, behaviour rows ${b.reached}/${b.rows} over ${b.steps} steps (${coverage.paths} shortest paths, ${coverage.replays} replays)\n`);
  for (const d of b.defects) process.stdout.write(`account machine known defect: ${d}\n`);
  assertBehaviour('account', b);
  expect(coverage.states.missing).toEqual([]);
  expect(coverage.transitions.missing).toEqual([]);
  // 68k steps over ~6,000 replays: about 30 s on a quiet 2-core machine, over 60 s on a loaded
  // one. The limit guards against a hang, not a speed.
}, 240_000);
