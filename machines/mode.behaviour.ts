// Expected behaviour of the system mode machine (mode.machine.ts): the runtime sends the mode its
// active reasons imply; entering a different mode records its reasons and when it began and
// journals `mode_changed`; the same mode again only keeps the new reasons (no second journal
// line). test/paths/mode.paths.test.ts checks every step of the real machine against these rows.
import type { SystemMode } from '../src/domain/system-mode.js';
import type { BehaviourRow, BehaviourTable, StepView } from './common.behaviour.js';

const STATES: Record<SystemMode, string> = { NORMAL: 'normal', DEGRADED: 'degraded', PAUSED: 'paused' };

function rows(): BehaviourRow[] {
  const out: BehaviourRow[] = [
    { from: '(start)', event: '(start)', to: 'normal', actions: ['keep', { type: 'onModeChanged', params: { mode: 'NORMAL' } }], why: 'an account starts NORMAL (the journal line is skipped for the start)' },
  ];
  for (const mode of ['NORMAL', 'DEGRADED', 'PAUSED'] as const) {
    for (const from of Object.values(STATES)) {
      const same = from === STATES[mode];
      out.push({
        from, event: 'mode.set', guard: same ? `mode ${mode} again` : `mode ${mode}`, when: (s: StepView) => s.event.mode === mode,
        ...(same
          ? { actions: ['keepReasons'], why: `still ${mode}: keep the new reasons, journal nothing` }
          : { to: STATES[mode], actions: ['keepReasons', 'keep', { type: 'onModeChanged', params: { mode } }], why: `now ${mode}: record since when and journal mode_changed` }),
      });
    }
  }
  return out;
}

export const modeBehaviour: BehaviourTable = { machine: 'mode', rows: rows() };
