// The account's system mode, as operators see it: NORMAL, DEGRADED (no new exposure) or PAUSED
// (no venue writes). The runtime keeps the active reason codes and sends the mode they imply;
// entering a mode journals `mode_changed` with its reasons. Control state only.
import { assign, setup } from 'xstate';
import type { ModeReason, SystemMode } from '../src/domain/system-mode.js';

export interface ModeContext {
  mode: SystemMode;
  reasons: ModeReason[];
  sinceMs: number;
}

export type ModeEvent = { type: 'mode.set'; mode: SystemMode; reasons: ModeReason[]; atMs: number };

export const modeMachine = setup({
  types: { context: {} as ModeContext, events: {} as ModeEvent },
  guards: {
    modeIs: ({ event }, params: { mode: SystemMode }) => event.mode === params.mode,
    sameMode: ({ context, event }) => event.mode === context.mode,
  },
  actions: {
    keep: assign({
      mode: ({ context, event }) => (event.type === 'mode.set' ? event.mode : context.mode),
      reasons: ({ context, event }) => (event.type === 'mode.set' ? event.reasons : context.reasons),
      sinceMs: ({ context, event }) => (event.type === 'mode.set' ? event.atMs : context.sinceMs),
    }),
    keepReasons: assign({ reasons: ({ event }) => event.reasons }),
    /** Runtime hook: journals `mode_changed {mode, reasons, since}`. */
    onModeChanged: (_args, _params: { mode: SystemMode }) => {},
  },
}).createMachine({
  id: 'mode',
  context: { mode: 'NORMAL', reasons: [], sinceMs: 0 },
  initial: 'normal',
  on: {
    'mode.set': [
      // The same mode with other reasons: keep them; nothing is entered, nothing journaled.
      { guard: 'sameMode', actions: 'keepReasons' },
      { guard: { type: 'modeIs', params: { mode: 'PAUSED' } }, target: '.paused', actions: 'keepReasons' },
      { guard: { type: 'modeIs', params: { mode: 'DEGRADED' } }, target: '.degraded', actions: 'keepReasons' },
      { target: '.normal', actions: 'keepReasons' },
    ],
  },
  states: {
    normal: { entry: ['keep', { type: 'onModeChanged', params: { mode: 'NORMAL' } }] },
    degraded: { entry: ['keep', { type: 'onModeChanged', params: { mode: 'DEGRADED' } }] },
    paused: { entry: ['keep', { type: 'onModeChanged', params: { mode: 'PAUSED' } }] },
  },
});
