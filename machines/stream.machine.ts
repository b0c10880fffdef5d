// Private stream transport: open, gap detection by a heartbeat watchdog (a silent stream is a
// gap, not health), and a backoff before it counts as connecting again. The runtime feeds
// transport signals and rows; the machine tells the account when the stream is usable and when
// it was lost. Re-dialling the socket is the venue adapter's job (its own backoff and jitter).
import { setup } from 'xstate';

export type StreamEvent =
  | { type: 'transport.open' }
  | { type: 'transport.closed'; reason: string }
  /** The stream said something: sent at most once per resolution window (runtime/stream-pump.ts), not per row. */
  | { type: 'transport.activity' };

export const streamMachine = setup({
  types: {
    events: {} as StreamEvent,
  },
  guards: {
    watchdogEnabled: () => true,
  },
  actions: {
    notifyReady: () => {},
    notifyLost: (_args, _params: { reason: string }) => {},
  },
  delays: {
    HEARTBEAT_TIMEOUT: 60_000,
    RECONNECT_BACKOFF: 1_000,
  },
}).createMachine({
  id: 'stream',
  initial: 'connecting',
  states: {
    connecting: {
      on: {
        'transport.open': { target: 'open', actions: 'notifyReady' },
        'transport.closed': { target: 'backoff', actions: { type: 'notifyLost', params: ({ event }) => ({ reason: event.reason }) } },
      },
    },
    open: {
      initial: 'listening',
      states: {
        listening: {
          after: { HEARTBEAT_TIMEOUT: { guard: 'watchdogEnabled', target: '#stream.backoff', actions: { type: 'notifyLost', params: { reason: 'heartbeat_timeout' } } } },
          on: { 'transport.activity': { target: 'listening', reenter: true } },
        },
      },
      on: {
        'transport.closed': { target: 'backoff', actions: { type: 'notifyLost', params: ({ event }) => ({ reason: event.reason }) } },
      },
    },
    backoff: {
      after: { RECONNECT_BACKOFF: 'connecting' },
      on: { 'transport.open': { target: 'open', actions: 'notifyReady' } },
    },
  },
});
