// Keeps the account's active mode reasons (with when and why each was raised), journals each
// alert as it is raised and cleared, and tells the mode machine the mode they imply. Everything
// that can degrade or pause the account raises a reason here, and clears it on the evidence that
// it is over (a successful call, a reconnect, a write that lands).
import { allowsExposure, allowsWrites, modeOf, type ModeReason, type SystemMode } from '../domain/system-mode.js';
import type { ModeEvent } from '../../machines/mode.machine.js';
import type { RuntimeClock } from './clock.js';
import type { Journal } from './journal.js';

export class ModeSupervisor {
  private readonly active = new Map<ModeReason, { sinceMs: number; detail: string }>();
  private current: SystemMode = 'NORMAL';
  private sink: ((event: ModeEvent) => void) | undefined;
  /** Told when the mode allows more than before (scopes with held work are woken). */
  onImproved: (() => void) | undefined;
  /** Told each reason as it is raised. */
  onRaised: ((reason: ModeReason) => void) | undefined;

  constructor(private readonly journal: Journal, private readonly clock: RuntimeClock) {}

  attach(sink: (event: ModeEvent) => void): void {
    this.sink = sink;
  }

  raise(reason: ModeReason, detail: string): void {
    if (this.active.has(reason)) return;
    this.active.set(reason, { sinceMs: this.clock.now(), detail });
    this.journal.record('alert_raised', { reason, detail });
    this.publish();
    this.onRaised?.(reason);
  }

  clear(reason: ModeReason): void {
    if (!this.active.delete(reason)) return;
    this.journal.record('alert_cleared', { reason });
    this.publish();
  }

  has(reason: ModeReason): boolean {
    return this.active.has(reason);
  }

  mode(): SystemMode {
    return this.current;
  }

  exposureAllowed(): boolean {
    return allowsExposure(this.current);
  }

  writesAllowed(): boolean {
    return allowsWrites(this.current);
  }

  reasons(): Array<{ reason: ModeReason; sinceMs: number; detail: string }> {
    return [...this.active].map(([reason, a]) => ({ reason, ...a }));
  }

  private publish(): void {
    const before = this.current;
    this.current = modeOf(this.active.keys());
    this.sink?.({ type: 'mode.set', mode: this.current, reasons: [...this.active.keys()], atMs: this.clock.now() });
    const rank = (m: SystemMode) => (m === 'NORMAL' ? 0 : m === 'DEGRADED' ? 1 : 2);
    if (rank(this.current) < rank(before)) this.onImproved?.();
  }
}
