// Expected behaviour of the scope machine (scope.machine.ts), one row per transition and guard
// outcome, written from what each transition is FOR (the header comment of scope.machine.ts and
// docs/WORKFLOW_STATE_MACHINE.md). test/paths/scope.paths.test.ts replays every transition of the
// real machine and checks each step against its row: target, named actions in order (with
// params), actors started, timers armed.
//
// Conventions: every way INTO `planning` runs the pass (startPass takes the recorded reasons,
// then runPass plans once); every way into `settling` arms the burst wait (the MAX_BURST_DELAY
// timer, and `armQuietWindow`: the runtime keeps the EVENT_BURST quiet window as data and says
// `burst.quiet` when it passed); `pendingConfirmation` arms the confirmation deadline, `backoff`
// counts a retry and arms RETRY_BACKOFF; leaving `submitting` drops the planned requests,
// leaving `backoff` drops the venue's Retry-After. A row arriving anywhere is recorded as a
// follow-up reason and, outside `idle`/`blocked`/`settling`, changes nothing else.
import type { BehaviourRow, BehaviourTable, StepView } from './common.behaviour.js';
import type { ScopeContext } from './scope.machine.js';

type S = StepView<ScopeContext>;

const PASS = ['startPass', 'runPass'];
const BURST = ['MAX_BURST_DELAY'];
/** Entering `settling.quiet`: its entry action starts the runtime's quiet window. */
const QUIET = 'armQuietWindow';
const immediate = (s: S) => s.event.immediate === true;
const queued = (s: S) => s.event.immediate !== true;
/** Rows recorded while the scope was busy: they ask for one more pass. */
const followUps = (s: S) => s.context.reasons.length > 0;
const passNext = (s: S) => s.event.next as string;
const submitNext = (s: S) => s.event.next as string | undefined;

/** Entering `settling` or `planning` from a resting state (idle, blocked): a new row. */
function fromRest(from: 'idle' | 'blocked', why: string): BehaviourRow<ScopeContext>[] {
  return [
    { from, event: 'scope.affected', guard: 'immediate (hydration queued it)', when: immediate, to: 'planning', actions: ['recordReason', ...PASS], why: `${why}: work queued by a hydration skips the burst wait` },
    { from, event: 'scope.affected', guard: 'a row', when: queued, to: 'settling.quiet', actions: ['recordReason', QUIET], timers: BURST, why: `${why}: a row starts the burst wait (quiet window and max delay)` },
    { from, event: 'confirmation.restored', to: 'pendingConfirmation', timers: ['CONFIRMATION_TIMEOUT'], why: 'a restored running service re-arms the deadline of a pending confirmation' },
  ];
}

export const scopeBehaviour: BehaviourTable<ScopeContext> = {
  machine: 'scope',
  rows: [
    { from: '(start)', event: '(start)', to: 'idle', why: 'a new scope owner rests until something affects it' },

    ...fromRest('idle', 'idle'),
    ...fromRest('blocked', 'blocked: only a new row leaves it'),

    // settling: the event-burst wait.
    { from: 'settling.quiet', event: 'scope.affected', guard: 'immediate', when: immediate, to: 'planning', actions: ['recordReason', ...PASS], why: 'hydration work ends the wait at once' },
    { from: 'settling.quiet', event: 'scope.affected', guard: 'a row', when: queued, actions: ['recordReason'], why: 'a row with a new reason is recorded; the runtime extends the quiet window (data), nothing is re-armed here, the max delay is kept' },
    { from: 'settling.quiet', event: 'burst.quiet', to: 'planning', actions: PASS, why: 'the burst went quiet (the runtime\'s window passed): plan once for all of it' },
    { from: 'settling', event: 'xstate.after.MAX_BURST_DELAY', to: 'planning', actions: PASS, why: 'a burst that never goes quiet is planned after the max delay' },
    { from: 'settling', event: 'confirmation.restored', to: 'pendingConfirmation', timers: ['CONFIRMATION_TIMEOUT'], why: 'a restored pending confirmation takes precedence: wait for it' },

    // planning: one pass, one action family; its outcome decides.
    { from: 'planning', event: 'scope.affected', actions: ['recordReason'], why: 'a row during a pass is a follow-up reason (at most one deferred pass)' },
    { from: 'planning', event: 'pass.done', guard: 'next=submit', when: (s) => passNext(s) === 'submit', to: 'submitting', actions: ['keepPlanned', 'startSubmit'], why: 'the pass planned requests: hand them to the submitter (it answers submit.done or submit.failed)' },
    { from: 'planning', event: 'pass.done', guard: 'next=recover', when: (s) => passNext(s) === 'recover', to: 'recovering', actors: ['recoverScope'], why: 'the pass selected recovery: run the scoped recovery hydration' },
    { from: 'planning', event: 'pass.done', guard: 'next=unplaceable', when: (s) => passNext(s) === 'unplaceable', to: 'protectionUnplaceable', actions: ['resetRetries'], timers: ['MARK_POLL'], why: 'protection the market refuses for now: watch the mark (lesson 18)' },
    { from: 'planning', event: 'pass.done', guard: 'nothing to send, follow-ups recorded', when: (s) => ['blocked', 'done'].includes(passNext(s)) && followUps(s), to: 'settling.quiet', actions: ['resetRetries', QUIET], timers: BURST, why: 'rows arrived during the pass: one deferred pass after a burst wait' },
    { from: 'planning', event: 'pass.done', guard: 'next=blocked, no follow-ups', when: (s) => passNext(s) === 'blocked' && !followUps(s), to: 'blocked', actions: ['resetRetries'], why: 'missing evidence or configuration: rest until a new row' },
    { from: 'planning', event: 'pass.done', guard: 'next=done, no follow-ups', when: (s) => passNext(s) === 'done' && !followUps(s), to: 'idle', actions: ['resetRetries'], why: 'nothing to do: rest' },
    { from: 'planning', event: 'pass.failed', to: 'backoff', actions: [{ type: 'onStepFailed', params: { step: 'pass' } }, 'countRetry'], timers: ['RETRY_BACKOFF'], why: 'a pass that threw is journaled and retried after a backoff' },

    // submitting: contexts written, requests sent.
    { from: 'submitting', event: 'scope.affected', actions: ['recordReason'], why: 'a row during a submission is a follow-up reason' },
    { from: 'submitting', event: 'submit.done', guard: 'unknown outcome (recover)', when: (s) => submitNext(s) === 'recover', to: 'planning', actions: ['clearPlanned', ...PASS], why: 'an unknown outcome goes back to planning, whose pass selects recovery' },
    { from: 'submitting', event: 'submit.done', guard: 'rate limited or write failed (retry)', when: (s) => submitNext(s) === 'retry', to: 'backoff', actions: ['clearPlanned', 'keepRetryAfter', 'countRetry'], timers: ['RETRY_BACKOFF'], why: 'back off, honouring the venue\'s Retry-After' },
    { from: 'submitting', event: 'submit.done', guard: 'protection refused for now (unplaceable)', when: (s) => submitNext(s) === 'unplaceable', to: 'protectionUnplaceable', actions: ['clearPlanned', 'resetRetries'], timers: ['MARK_POLL'], why: 'the venue refused protection for a market-state reason: alert raised, watch the mark' },
    { from: 'submitting', event: 'submit.done', guard: 'accepted (await_confirmation)', when: (s) => submitNext(s) === 'await_confirmation', to: 'pendingConfirmation', actions: ['clearPlanned', 'resetRetries'], timers: ['CONFIRMATION_TIMEOUT'], why: 'accepted mutations wait for their private confirmations, under a deadline' },
    { from: 'submitting', event: 'submit.done', guard: 'done, follow-ups recorded', when: (s) => submitNext(s) === 'done' && followUps(s), to: 'settling.quiet', actions: ['clearPlanned', 'resetRetries', QUIET], timers: BURST, why: 'rows arrived during the submission: one deferred pass' },
    { from: 'submitting', event: 'submit.done', guard: 'done, no follow-ups', when: (s) => submitNext(s) === 'done' && !followUps(s), to: 'idle', actions: ['clearPlanned', 'resetRetries'], why: 'nothing left to wait for' },
    { from: 'submitting', event: 'submit.failed', to: 'backoff', actions: ['clearPlanned', { type: 'onStepFailed', params: { step: 'submit' } }, 'countRetry'], timers: ['RETRY_BACKOFF'], why: 'a submitter that threw is journaled and retried after a backoff' },

    // pendingConfirmation: waiting for private confirmations.
    { from: 'pendingConfirmation', event: 'scope.affected', actions: ['recordReason'], why: 'rows do not move the deadline (it runs from the oldest accepted mutation)' },
    { from: 'pendingConfirmation', event: 'confirmation.resolved', guard: 'none remaining', when: (s) => s.event.remaining === 0, to: 'settling.quiet', actions: [QUIET], timers: BURST, why: 'trusted state changed: plan again after the burst wait' },
    { from: 'pendingConfirmation', event: 'confirmation.resolved', guard: 'some remaining', when: (s) => s.event.remaining !== 0, to: 'pendingConfirmation', timers: ['CONFIRMATION_TIMEOUT'], why: 're-arm the deadline against the next oldest pending confirmation' },
    { from: 'pendingConfirmation', event: 'confirmation.restored', to: 'pendingConfirmation', timers: ['CONFIRMATION_TIMEOUT'], why: 'a restored confirmation re-arms the deadline' },
    { from: 'pendingConfirmation', event: 'xstate.after.CONFIRMATION_TIMEOUT', to: 'planning', actions: ['onConfirmationTimeout', ...PASS], why: 'a missed deadline marks the scope for recovery; the pass then selects it' },

    // recovering: scoped recovery hydration and lookups by custom id.
    { from: 'recovering', event: 'scope.affected', actions: ['recordReason'], why: 'a row during recovery is a follow-up reason' },
    { from: 'recovering', event: 'xstate.done.actor.recoverScope', to: 'planning', actions: PASS, why: 'recovered: plan from the settled view' },
    { from: 'recovering', event: 'xstate.error.actor.recoverScope', to: 'backoff', actions: [{ type: 'onStepFailed', params: { step: 'recovery' } }, 'countRetry'], timers: ['RETRY_BACKOFF'], why: 'a failed recovery is journaled and retried after a backoff' },

    // protectionUnplaceable / checkingMark: protection the market refuses for now (lesson 18).
    { from: 'protectionUnplaceable', event: 'scope.affected', guard: 'immediate', when: immediate, to: 'planning', actions: ['recordReason', ...PASS], why: 'hydration work plans at once' },
    { from: 'protectionUnplaceable', event: 'scope.affected', guard: 'a row', when: queued, to: 'settling.quiet', actions: ['recordReason', QUIET], timers: BURST, why: 'a row may change everything (a flat position needs no protection): plan after the burst wait' },
    { from: 'protectionUnplaceable', event: 'xstate.after.MARK_POLL', to: 'checkingMark', actors: ['readMark'], why: 'read the mark (bounded: once per MARK_POLL)' },
    { from: 'checkingMark', event: 'scope.affected', actions: ['recordReason'], why: 'a row while reading the mark is a follow-up reason' },
    { from: 'checkingMark', event: 'xstate.done.actor.readMark', to: 'planning', actions: PASS, why: 'plan with the new mark: placed if the market allows, still refused otherwise' },
    { from: 'checkingMark', event: 'xstate.error.actor.readMark', to: 'protectionUnplaceable', actions: [{ type: 'onStepFailed', params: { step: 'mark' } }], timers: ['MARK_POLL'], why: 'a failed read is journaled; read again after the poll period' },

    // backoff: rate limits and failed steps.
    { from: 'backoff', event: 'scope.affected', actions: ['recordReason'], why: 'a row during the backoff is a follow-up reason; it does not cut the wait short' },
    { from: 'backoff', event: 'xstate.after.RETRY_BACKOFF', to: 'planning', actions: ['clearRetryAfter', ...PASS], why: 'the wait is over: plan again; the Retry-After applied to this wait only' },
  ],
};
