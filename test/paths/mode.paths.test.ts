// Every state and transition of the system mode machine, reached on the real machine, and every
// step checked against its behaviour table (machines/mode.behaviour.ts).
import { modeBehaviour } from '../../machines/mode.behaviour.js';
import { modeMachine } from '../../machines/mode.machine.js';
import { assertBehaviour, coverMachine } from './path-driver.js';

function payloads(type: string) {
  if (type !== 'mode.set') return [{ type }];
  return [
    { type, mode: 'NORMAL', reasons: [], atMs: 1 },
    { type, mode: 'DEGRADED', reasons: ['STREAM_DOWN'], atMs: 2 },
    { type, mode: 'PAUSED', reasons: ['AUTH_FAILED'], atMs: 3 },
  ];
}

test('mode machine: every state and transition is reached and behaves as its table says', async () => {
  const coverage = await coverMachine({
    machine: modeMachine,
    actors: [],
    delays: {},
    payloads,
    serialize: (s: any) => JSON.stringify(s.value),
    table: modeBehaviour,
  });
  const b = coverage.behaviour!;
  process.stdout.write(`mode machine coverage: states ${coverage.states.covered}/${coverage.states.total}, transitions ${coverage.transitions.covered}/${coverage.transitions.total}, behaviour rows ${b.reached}/${b.rows} over ${b.steps} steps\n`);
  assertBehaviour('mode', b);
  expect(coverage.states.missing).toEqual([]);
  expect(coverage.transitions.missing).toEqual([]);
});
