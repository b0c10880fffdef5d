// One workflow owner per symbol-side scope. Control state only: the data lives in AccountState
// and the stores, and every effect is a named actor or action the runtime provides.
//
//   idle/blocked --affected--> settling (quiet window kept as data by the runtime, extended by
//     every row; it says `burst.quiet` when the window passed; max delay kept here)
//     --> planning (one pass, one action family) --> submitting --> pendingConfirmation
//     --> settling (trusted state changed) ... ; unknown outcome or timeout --> planning
//     (the pass selects recovery) --> recovering --> planning.
// Rows arriving during a pass are recorded as bounded follow-up reasons: at most one deferred pass.
import { assign, enqueueActions, fromPromise, setup } from 'xstate';

export const MAX_FOLLOW_UP_REASONS = 8;

/**
 * The one empty list every idle scope shares (frozen: the machine only ever replaces its lists).
 * At 100,000 scopes a fresh empty array per field costs about 5 MB for nothing.
 */
const NONE: readonly never[] = Object.freeze([]);

export type PassNext = 'submit' | 'recover' | 'blocked' | 'unplaceable' | 'done';
export type SubmitNext = 'await_confirmation' | 'recover' | 'retry' | 'unplaceable' | 'done';

export interface ScopeInput {
  scopeKey: string;
}

export interface ScopeContext {
  scopeKey: string;
  /** Reasons recorded since the current or next pass started (bounded). */
  reasons: readonly string[];
  /** Reasons the running pass was started for. */
  passReasons: readonly string[];
  retries: number;
  /** The requests the last pass planned, waiting for the submitter (opaque to the machine). */
  planned: readonly unknown[];
  /** The venue's Retry-After for the next backoff, when it gave one. */
  retryAfterMs?: number;
}

export type ScopeEvent =
  | { type: 'scope.affected'; reason: string; immediate?: boolean }
  /** The runtime's quiet window (EVENT_BURST after the last row, data with one timer per scope) passed. */
  | { type: 'burst.quiet' }
  | { type: 'confirmation.resolved'; remaining: number }
  | { type: 'confirmation.restored' }
  | { type: 'pass.done'; next: PassNext; requests?: readonly unknown[] }
  | { type: 'pass.failed'; reason: string }
  /** The submitter's answer (the runtime sends it when the venue calls of the plan are settled). */
  | { type: 'submit.done'; next: SubmitNext; retryAfterMs?: number }
  | { type: 'submit.failed'; reason: string };

export const scopeMachine = setup({
  types: {
    context: {} as ScopeContext,
    input: {} as ScopeInput,
    events: {} as ScopeEvent,
  },
  actors: {
    recoverScope: fromPromise<void, { scopeKey: string }>(async () => {
      throw new Error('recoverScope is provided by the runtime');
    }),
    readMark: fromPromise<void, { scopeKey: string }>(async () => {
      throw new Error('readMark is provided by the runtime');
    }),
  },
  guards: {
    isImmediate: ({ event }) => event.type === 'scope.affected' && event.immediate === true,
    hasFollowUps: ({ context }) => context.reasons.length > 0,
    allResolved: ({ event }) => event.type === 'confirmation.resolved' && event.remaining === 0,
    passNextIs: ({ event }, params: { next: PassNext }) => event.type === 'pass.done' && event.next === params.next,
    submitNextIs: ({ event }, params: { next: SubmitNext }) => event.type === 'submit.done' && event.next === params.next,
  },
  actions: {
    recordReason: assign({
      reasons: ({ context, event }) =>
        event.type === 'scope.affected' && context.reasons.length < MAX_FOLLOW_UP_REASONS && !context.reasons.includes(event.reason)
          ? [...context.reasons, event.reason]
          : context.reasons,
    }),
    startPass: assign({ passReasons: ({ context }) => (context.reasons.length > 0 ? context.reasons : ['follow_up']), reasons: () => NONE }),
    countRetry: assign({ retries: ({ context }) => context.retries + 1 }),
    keepPlanned: assign({ planned: ({ event }) => (event.type === 'pass.done' ? event.requests ?? NONE : NONE) }),
    clearPlanned: assign({ planned: () => NONE }),
    keepRetryAfter: assign({ retryAfterMs: ({ event }) => (event.type === 'submit.done' ? event.retryAfterMs : undefined) }),
    clearRetryAfter: assign({ retryAfterMs: () => undefined }),
    resetRetries: assign({ retries: 0 }),
    /**
     * Runs ONE pass synchronously (the planner is pure and fast) and raises `pass.done` with what
     * comes next, or `pass.failed`. Provided by the runtime; a plain action, not an invoked actor,
     * because a promise actor per pass costs more than the pass itself.
     */
    runPass: enqueueActions(() => {}) as never,
    /**
     * Starts the submission of the planned requests; the runtime answers with `submit.done` or
     * `submit.failed`. A plain action, not an invoked promise actor: stopping a child actor makes
     * XState walk every delayed event of the actor system (its scheduler's cancelAll), so a promise
     * actor per submission costs O(timers of all scopes) — quadratic when thousands of scopes
     * protect at once.
     */
    startSubmit: () => {},
    /**
     * Runtime hook: the quiet window starts (EVENT_BURST from now). The runtime keeps it as data,
     * extends it on every row that affects the scope, and sends `burst.quiet` once it has passed:
     * one timer per scope, and no actor event for a row that records nothing new.
     */
    armQuietWindow: () => {},
    /** Runtime hook: a confirmation deadline passed; the runtime journals it and marks the scope for recovery. */
    onConfirmationTimeout: () => {},
    /** Runtime hook: a pass, submission or recovery failed unexpectedly. */
    onStepFailed: (_args, _params: { step: string }) => {},
  },
  delays: {
    MAX_BURST_DELAY: 1_000,
    CONFIRMATION_TIMEOUT: 5_000,
    RETRY_BACKOFF: 1_000,
    MARK_POLL: 2_000,
  },
}).createMachine({
  id: 'scope',
  context: ({ input }) => ({ scopeKey: input.scopeKey, reasons: NONE, passReasons: NONE, retries: 0, planned: NONE }),
  initial: 'idle',
  states: {
    idle: {
      on: {
        'scope.affected': [
          { guard: 'isImmediate', target: 'planning', actions: 'recordReason' },
          { target: 'settling', actions: 'recordReason' },
        ],
        'confirmation.restored': 'pendingConfirmation',
      },
    },
    blocked: {
      on: {
        'scope.affected': [
          { guard: 'isImmediate', target: 'planning', actions: 'recordReason' },
          { target: 'settling', actions: 'recordReason' },
        ],
        'confirmation.restored': 'pendingConfirmation',
      },
    },
    settling: {
      after: { MAX_BURST_DELAY: 'planning' },
      initial: 'quiet',
      on: {
        'confirmation.restored': 'pendingConfirmation',
      },
      states: {
        quiet: {
          entry: 'armQuietWindow',
          on: {
            'scope.affected': [
              { guard: 'isImmediate', target: '#scope.planning', actions: 'recordReason' },
              // The runtime extends the quiet window (data): nothing is re-armed here.
              { actions: 'recordReason' },
            ],
            'burst.quiet': '#scope.planning',
          },
        },
      },
    },
    planning: {
      entry: ['startPass', 'runPass'],
      on: {
        'scope.affected': { actions: 'recordReason' },
        'pass.done': [
          { guard: { type: 'passNextIs', params: { next: 'submit' } }, target: 'submitting', actions: 'keepPlanned' },
          { guard: { type: 'passNextIs', params: { next: 'recover' } }, target: 'recovering' },
          { guard: { type: 'passNextIs', params: { next: 'unplaceable' } }, target: 'protectionUnplaceable', actions: 'resetRetries' },
          { guard: 'hasFollowUps', target: 'settling', actions: 'resetRetries' },
          { guard: { type: 'passNextIs', params: { next: 'blocked' } }, target: 'blocked', actions: 'resetRetries' },
          { target: 'idle', actions: 'resetRetries' },
        ],
        'pass.failed': { target: 'backoff', actions: { type: 'onStepFailed', params: { step: 'pass' } } },
      },
    },
    submitting: {
      entry: 'startSubmit',
      exit: 'clearPlanned',
      on: {
        'scope.affected': { actions: 'recordReason' },
        'submit.done': [
          { guard: { type: 'submitNextIs', params: { next: 'recover' } }, target: 'planning' },
          { guard: { type: 'submitNextIs', params: { next: 'retry' } }, target: 'backoff', actions: 'keepRetryAfter' },
          { guard: { type: 'submitNextIs', params: { next: 'unplaceable' } }, target: 'protectionUnplaceable', actions: 'resetRetries' },
          { guard: { type: 'submitNextIs', params: { next: 'await_confirmation' } }, target: 'pendingConfirmation', actions: 'resetRetries' },
          { guard: 'hasFollowUps', target: 'settling', actions: 'resetRetries' },
          { target: 'idle', actions: 'resetRetries' },
        ],
        'submit.failed': { target: 'backoff', actions: { type: 'onStepFailed', params: { step: 'submit' } } },
      },
    },
    pendingConfirmation: {
      after: { CONFIRMATION_TIMEOUT: { target: 'planning', actions: 'onConfirmationTimeout' } },
      on: {
        'scope.affected': { actions: 'recordReason' },
        'confirmation.restored': { target: 'pendingConfirmation', reenter: true },
        'confirmation.resolved': [
          { guard: 'allResolved', target: 'settling' },
          // Re-enter to re-arm the timeout against the next oldest pending confirmation.
          { target: 'pendingConfirmation', reenter: true },
        ],
      },
    },
    recovering: {
      on: { 'scope.affected': { actions: 'recordReason' } },
      invoke: {
        id: 'recoverScope',
        src: 'recoverScope',
        input: ({ context }) => ({ scopeKey: context.scopeKey }),
        onDone: { target: 'planning' },
        onError: { target: 'backoff', actions: { type: 'onStepFailed', params: { step: 'recovery' } } },
      },
    },
    // The venue refused protection for a market-state reason (an SL that would trigger at once):
    // watch the mark, bounded, and plan again as soon as it allows, or when a row changes things.
    protectionUnplaceable: {
      after: { MARK_POLL: 'checkingMark' },
      on: {
        'scope.affected': [
          { guard: 'isImmediate', target: 'planning', actions: 'recordReason' },
          { target: 'settling', actions: 'recordReason' },
        ],
      },
    },
    checkingMark: {
      on: { 'scope.affected': { actions: 'recordReason' } },
      invoke: {
        id: 'readMark',
        src: 'readMark',
        input: ({ context }) => ({ scopeKey: context.scopeKey }),
        onDone: { target: 'planning' },
        onError: { target: 'protectionUnplaceable', actions: { type: 'onStepFailed', params: { step: 'mark' } } },
      },
    },
    backoff: {
      entry: 'countRetry',
      exit: 'clearRetryAfter',
      after: { RETRY_BACKOFF: 'planning' },
      on: {
        'scope.affected': { actions: 'recordReason' },
      },
    },
  },
});

export type ScopeMachine = typeof scopeMachine;

/**
 * Whether `scope.affected` with this reason would change nothing in a scope whose snapshot this
 * is: every state records it as a follow-up reason only (a resting state and an immediate row in
 * `settling` move on instead), and a reason already recorded, or one past the bound, records
 * nothing. The runtime does not send such an event at all: most rows of a burst are this.
 */
export function affectedChangesNothing(snapshot: { value: unknown; context: ScopeContext }, reason: string, immediate: boolean): boolean {
  // `settling` is the machine's only compound state (its value is then an object).
  const state = typeof snapshot.value === 'string' ? snapshot.value : 'settling';
  if (state === 'idle' || state === 'blocked' || state === 'protectionUnplaceable') return false;
  if (immediate && state === 'settling') return false;
  const { reasons } = snapshot.context;
  return reasons.length >= MAX_FOLLOW_UP_REASONS || reasons.includes(reason);
}
