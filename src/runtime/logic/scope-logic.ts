// The scope machine's implementation: one pass (planner), the submitter, scoped recovery, and
// the delays that depend on the running account (confirmation deadline, Retry-After).
import { enqueueActions, fromPromise } from 'xstate';
import { scopeMachine, type SubmitNext } from '../../../machines/scope.machine.js';
import type { PassRunner, PlannedRequest } from '../pass-runner.js';
import { scrubText } from '../redact.js';
import { UnresolvedEvidenceError, type RecoveryHydrator } from '../recovery-hydrator.js';
import type { RuntimeCore } from '../runtime-core.js';
import { doublingBackoffMs } from '../backoff.js';
import type { SubmissionExecutor } from '../submission-executor.js';

const MAX_RETRY_BACKOFF_MS = 30_000;

/** Consecutive failed recoveries of one scope before the account raises RECOVERY_FAILING. */
const RECOVERY_FAILURES_BEFORE_ALERT = 3;

export function scopeLogic(core: RuntimeCore, passes: PassRunner, executor: SubmissionExecutor, hydrator: RecoveryHydrator) {
  const { config } = core;
  const recoveryFailures = new Map<string, number>();
  return scopeMachine.provide({
    actors: {
      readMark: fromPromise<void, { scopeKey: string }>(async ({ input }) => {
        const symbol = core.scopeOf(input.scopeKey).symbol;
        if (!core.venue.markPrice) throw new Error('the venue gives no mark price');
        core.marks.set(symbol, await core.venue.markPrice(symbol));
      }),
      recoverScope: fromPromise<void, { scopeKey: string }>(async ({ input }) => {
        const key = input.scopeKey;
        const reason = core.tracker.ofScope(key).some((p) => p.state === 'unknown') ? 'unknown_outcome' : core.recoveryReasons.get(key) ?? 'recovery_required';
        try {
          await hydrator.recoverScope(key, reason);
        } catch (error) {
          // A request that may still land is waited for, not a failing recovery.
          if (error instanceof UnresolvedEvidenceError && error.onlyWaiting) throw error;
          // The scope retries with backoff; an account whose recoveries keep failing is DEGRADED.
          const failures = (recoveryFailures.get(key) ?? 0) + 1;
          recoveryFailures.set(key, failures);
          if (failures >= RECOVERY_FAILURES_BEFORE_ALERT) core.modes.raise('RECOVERY_FAILING', `scoped recovery of ${key} failed ${failures} times in a row`);
          throw error;
        }
        recoveryFailures.delete(key);
        if (![...recoveryFailures.values()].some((n) => n >= RECOVERY_FAILURES_BEFORE_ALERT)) core.modes.clear('RECOVERY_FAILING');
      }),
    },
    actions: {
      // The answer comes back as an event to this scope (no child actor: see scope.machine.ts).
      startSubmit: ({ context, self }) => {
        const reply = (event: { type: 'submit.done'; next: SubmitNext; retryAfterMs?: number } | { type: 'submit.failed'; reason: string }) => {
          if (self.getSnapshot().status === 'active') self.send(event);
        };
        executor.submitPlanned(context.scopeKey, context.planned as readonly PlannedRequest[]).then(
          (result) => reply({ type: 'submit.done', next: result.next, ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}) }),
          (error) => reply({ type: 'submit.failed', reason: String((error as Error)?.message ?? error) }),
        );
      },
      runPass: enqueueActions(({ context, enqueue }) => {
        try {
          const result = passes.run(context.scopeKey, context.passReasons);
          enqueue.raise({ type: 'pass.done', next: result.next, ...(result.requests ? { requests: result.requests } : {}) });
        } catch (error) {
          enqueue.raise({ type: 'pass.failed', reason: String((error as Error)?.message ?? error) });
        }
      }),
      armQuietWindow: ({ context }) => core.armQuietWindow(context.scopeKey),
      onConfirmationTimeout: ({ context }) => {
        const overdue = core.tracker.awaitingConfirmation(context.scopeKey);
        core.journal.record('confirmation_timeout', { scope: core.scopeOf(context.scopeKey), customOrderIds: overdue.map((p) => p.customOrderId) });
        core.requireRecovery(context.scopeKey, 'confirmation_timeout');
      },
      onStepFailed: ({ context, event }, params) => {
        const e = event as { error?: Error; reason?: string };
        core.journal.record('scope_step_failed', { scope: core.scopeOf(context.scopeKey), step: params.step, reason: scrubText(String(e.error?.message ?? e.reason ?? 'unknown')) });
      },
    },
    delays: {
      MAX_BURST_DELAY: config.maxBurstDelayMs,
      CONFIRMATION_TIMEOUT: ({ context }) => {
        const deadline = core.tracker.deadline(context.scopeKey, config.confirmationTimeoutMs);
        return deadline === undefined ? config.confirmationTimeoutMs : Math.max(0, deadline - core.clock.now());
      },
      MARK_POLL: config.markPollMs ?? 2_000,
      RETRY_BACKOFF: ({ context }) => context.retryAfterMs ?? doublingBackoffMs(context.retries, MAX_RETRY_BACKOFF_MS),
    },
  });
}
