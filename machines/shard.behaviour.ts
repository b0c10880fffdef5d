// Expected behaviour of a shard (shard.machine.ts): it supervises a slice of the account's scope
// actors and has no logic of its own: it spawns a scope's owner, stops it, and reports a failed
// one to the account (which journals it and respawns the scope). One scope key, one owner.
// test/paths/shard.paths.test.ts checks every step of the real machine (under a recording
// parent, with real scope actors that really fail) against these rows.
import type { BehaviourTable, StepView } from './common.behaviour.js';

const running = (s: StepView) => s.children[s.event.scopeKey] === 'active';
const failedKey = (s: StepView) => s.event.type.slice('xstate.error.actor.'.length);

export const shardBehaviour: BehaviourTable = {
  machine: 'shard',
  rows: [
    { from: '(start)', event: '(start)', to: '(root)', why: 'a shard starts empty' },
    { from: '*', event: 'scope.spawn', guard: 'no owner yet', when: (s) => !running(s), actions: ['spawnScope'], actors: ['scope'], why: 'spawn the scope\'s owner' },
    {
      from: '*', event: 'scope.spawn', guard: 'owner already there', when: running, actions: ['spawnScope'],
      why: 'one owner per scope: a second spawn keeps the running owner (its timers and pending work)',
    },
    { from: '*', event: 'scope.stop', guard: 'owner running', when: running, actions: ['stopScope'], why: 'stop the scope\'s owner' },
    { from: '*', event: 'scope.stop', guard: 'no owner', when: (s) => !running(s), actions: ['stopScope'], why: 'stopping an unknown scope is harmless' },
    {
      from: '*', event: 'xstate.error.actor.*', actions: ['reportFailure'],
      sends: (s) => [{ to: 'parent', event: { type: 'scope.failed', scopeKey: failedKey(s), error: s.event.error } }],
      why: 'a failed owner is reported to the account with its scope key and error; the shard keeps running',
    },
  ],
};
