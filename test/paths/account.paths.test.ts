// Every state and every transition of the account machine, reached on the real machine.
import { accountMachine } from '../../machines/account.machine.js';
import { coverMachine } from './path-driver.js';

const ACTORS = ['validateConfig', 'startupHydration', 'reconnectHydration', 'replayBuffered', 'drain'];

function payloads(type: string) {
  switch (type) {
    case 'stream.lost':
      return [{ type, reason: 'closed' }];
    case 'scope.spawn':
    case 'scope.stop':
      return [{ type, scopeKey: 'generic:linear:BTCUSDT:LONG' }];
    case 'scope.failed':
      return [{ type, scopeKey: 'generic:linear:BTCUSDT:LONG', error: new Error('scope failed') }];
    case 'xstate.error.actor.*':
      return [{ type: 'xstate.error.actor.generic:linear:BTCUSDT:LONG', error: new Error('scope failed') }];
    default:
      if (type.startsWith('xstate.done.actor.')) return [{ type, output: undefined }];
      if (type.startsWith('xstate.error.actor.')) return [{ type, error: new Error('stub failure') }];
      return [{ type }];
  }
}

test('account machine: every state and every transition is reached', async () => {
  const coverage = await coverMachine({
    machine: accountMachine,
    actors: ACTORS,
    delays: { HYDRATION_RETRY: 1000 },
    payloads,
    serialize: (s: any) => JSON.stringify({ v: s.value, c: s.context }),
  });
  process.stdout.write(`account machine coverage: states ${coverage.states.covered}/${coverage.states.total}, transitions ${coverage.transitions.covered}/${coverage.transitions.total} (${coverage.paths} shortest paths, ${coverage.replays} replays)\n`);
  expect(coverage.states.missing).toEqual([]);
  expect(coverage.transitions.missing).toEqual([]);
});
