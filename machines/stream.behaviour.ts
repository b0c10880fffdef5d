// Expected behaviour of the private stream machine (stream.machine.ts), one row per transition and
// guard outcome, from what each transition is FOR (its header comment and
// docs/WORKFLOW_STATE_MACHINE.md): an open transport is announced to the account; a closed
// transport or a silent one (the heartbeat watchdog) is a loss, announced with its reason, and
// backs off before it counts as connecting again. test/paths/stream.paths.test.ts checks every
// step of the real machine against these rows, once with the watchdog on and once off (the
// conformance harness turns it off: it scripts stream health itself).
import type { BehaviourRow, BehaviourTable, StepView } from './common.behaviour.js';

const lost = (s: StepView) => ({ type: 'notifyLost', params: { reason: s.event.reason } });

export function streamBehaviour(options: { watchdog: boolean }): BehaviourTable {
  const watchdog: BehaviourRow = options.watchdog
    ? { from: 'open.listening', event: 'xstate.after.HEARTBEAT_TIMEOUT', guard: 'watchdog on', to: 'backoff', actions: [{ type: 'notifyLost', params: { reason: 'heartbeat_timeout' } }], timers: ['RECONNECT_BACKOFF'], why: 'silence is a gap, not health: announce the loss and back off' }
    : { from: 'open.listening', event: 'xstate.after.HEARTBEAT_TIMEOUT', guard: 'watchdog off', why: 'without the watchdog silence changes nothing' };
  return {
    machine: `stream (watchdog ${options.watchdog ? 'on' : 'off'})`,
    rows: [
      { from: '(start)', event: '(start)', to: 'connecting', why: 'the transport starts unopened' },
      { from: 'connecting', event: 'transport.open', to: 'open.listening', actions: ['notifyReady'], timers: ['HEARTBEAT_TIMEOUT'], why: 'the stream is usable: tell the account, start the watchdog' },
      { from: 'connecting', event: 'transport.closed', to: 'backoff', actions: [lost], timers: ['RECONNECT_BACKOFF'], why: 'a dial that failed is a loss: tell the account, back off' },
      { from: 'open.listening', event: 'transport.activity', to: 'open.listening', timers: ['HEARTBEAT_TIMEOUT'], why: 'activity re-arms the watchdog (the pump tells it at most once per resolution window, not per row)' },
      watchdog,
      { from: 'open', event: 'transport.closed', to: 'backoff', actions: [lost], timers: ['RECONNECT_BACKOFF'], why: 'a closed transport is a loss: tell the account, back off' },
      { from: 'backoff', event: 'xstate.after.RECONNECT_BACKOFF', to: 'connecting', why: 'the backoff is over: count as connecting again (the adapter re-dials)' },
      { from: 'backoff', event: 'transport.open', to: 'open.listening', actions: ['notifyReady'], timers: ['HEARTBEAT_TIMEOUT'], why: 'the adapter re-dialled during the backoff: usable again' },
    ],
  };
}
