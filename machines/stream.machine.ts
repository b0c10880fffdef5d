// Private stream transport: open, gap detection by a heartbeat watchdog (a silent stream is a
// gap, not health), and reconnect with backoff. The runtime feeds transport signals and rows;
// the machine tells the account when the stream is usable and when it was lost.
import { assign, setup } from 'xstate';

export type StreamEvent =
  | { type: 'transport.open' }
  | { type: 'transport.closed'; reason: string }
  | { type: 'transport.activity' };

export const streamMachine = setup({
  types: {
    context: {} as { attempts: number },
    events: {} as StreamEvent,
  },
  guards: {
    watchdogEnabled: () => true,
  },
  actions: {
    notifyReady: () => {},
    notifyLost: (_args, _params: { reason: string }) => {},
    requestReconnect: () => {},
    countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
    resetAttempts: assign({ attempts: 0 }),
  },
  delays: {
    HEARTBEAT_TIMEOUT: 60_000,
    RECONNECT_BACKOFF: 1_000,
  },
}).createMachine({
  id: 'stream',
  context: { attempts: 0 },
  initial: 'connecting',
  states: {
    connecting: {
      on: {
        'transport.open': { target: 'open', actions: ['resetAttempts', 'notifyReady'] },
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
      entry: 'countAttempt',
      after: { RECONNECT_BACKOFF: { target: 'connecting', actions: 'requestReconnect' } },
      on: { 'transport.open': { target: 'open', actions: ['resetAttempts', 'notifyReady'] } },
    },
  },
});
