// Every state and every transition of the private stream machine, reached on the real machine,
// and every step checked against the behaviour table (machines/stream.behaviour.ts), with the
// heartbeat watchdog on (the service) and off (the conformance harness).
import { streamBehaviour } from '../../machines/stream.behaviour.js';
import { streamMachine } from '../../machines/stream.machine.js';
import { assertBehaviour, coverMachine } from './path-driver.js';

function payloads(type: string) {
  return type === 'transport.closed' ? [{ type, reason: 'socket closed' }] : [{ type }];
}

for (const watchdog of [true, false]) {
  test(`stream machine (watchdog ${watchdog ? 'on' : 'off'}): every state and transition is reached and behaves as its table says`, async () => {
    const coverage = await coverMachine({
      machine: streamMachine,
      actors: [],
      delays: { HEARTBEAT_TIMEOUT: 60_000, RECONNECT_BACKOFF: 1_000 },
      payloads,
      provide: { guards: { watchdogEnabled: () => watchdog } },
      serialize: (s: any) => JSON.stringify(s.value),
      table: streamBehaviour({ watchdog }),
    });
    const b = coverage.behaviour!;
    process.stdout.write(`stream machine (watchdog ${watchdog ? 'on' : 'off'}) coverage: states ${coverage.states.covered}/${coverage.states.total}, transitions ${coverage.transitions.covered}/${coverage.transitions.total}, behaviour rows ${b.reached}/${b.rows} over ${b.steps} steps (${coverage.paths} shortest paths, ${coverage.replays} replays)\n`);
    assertBehaviour('stream', b);
    expect(coverage.states.missing).toEqual([]);
    // With the watchdog off the heartbeat timeout fires but its guarded transition is never taken.
    expect(coverage.transitions.missing).toEqual(watchdog ? [] : ['stream.open.listening --xstate.after.HEARTBEAT_TIMEOUT.stream.open.listening["watchdogEnabled"]--> stream.backoff']);
  });
}
