// The live machine view behind the dashboard's statechart: for the account machine and each scope
// actor, its current state value, since when, and its last transitions (time, event type, from,
// to). Fed by `root.system.inspect()`, attached only while someone watches (an event-stream
// client holds it) and for a short while after the last one leaves, so a page reload keeps the
// history; detached, it costs nothing and forgets everything. Only state values and event *types*
// are kept: never a context, never an event's payload.
import type { AnyActorRef, InspectionEvent, Subscription } from 'xstate';
import type { ScopeKey } from '../../domain/scope.js';
import { eventLabel } from './machine-layout.js';

/** The part of the runtime the hub reads. */
export interface ViewedRuntime {
  root: AnyActorRef;
  scopeStateValue(key: ScopeKey): unknown;
  core: { clock: { now(): number } };
}

export interface Transition {
  /** `account`, or the scope key. */
  actor: string;
  at: string;
  /** The event type that took it (timers and actor completions shortened: `after MAX_BURST_DELAY`, `done: recoverScope`). */
  event: string;
  from: unknown;
  to: unknown;
}

export interface ActorView {
  /** Whether the hub is attached now (transitions are recorded only then). */
  observing: boolean;
  value: unknown;
  /** When it entered `value`, if the hub saw it happen. */
  since: string | null;
  transitions: Transition[];
}

export interface ViewHubLimits {
  transitionsPerActor: number;
  /** Actors remembered at most (the least recently changed are forgotten first). */
  maxActors: number;
  /** The hub stays attached this long after the last viewer leaves. */
  lingerMs: number;
}

export const DEFAULT_VIEW_LIMITS: ViewHubLimits = { transitionsPerActor: 50, maxActors: 5_000, lingerMs: 30_000 };

export const ACCOUNT_ACTOR = 'account';

interface Entry {
  valueKey: string;
  value: unknown;
  sinceMs: number | undefined;
  transitions: Transition[];
}

export class ViewHub {
  private readonly limits: ViewHubLimits;
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(t: Transition) => void>();
  private subscription: Subscription | undefined;
  private viewers = 0;
  private lingerTimer: NodeJS.Timeout | undefined;
  /** Inspection events handled since the hub was created (what attaching costs, for /api/status). */
  handled = 0;

  constructor(private readonly runtime: ViewedRuntime, limits: Partial<ViewHubLimits> = {}) {
    this.limits = { ...DEFAULT_VIEW_LIMITS, ...limits };
  }

  get observing(): boolean {
    return this.subscription !== undefined;
  }

  /** A viewer arrives: attaches if it is the first. Returns its release (idempotent). */
  retain(): () => void {
    this.viewers++;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.subscription ??= this.runtime.root.system.inspect((event: InspectionEvent) => this.onInspect(event));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.viewers > 0) return;
      this.lingerTimer = setTimeout(() => this.detach(), this.limits.lingerMs);
      this.lingerTimer.unref();
    };
  }

  /** Told of every transition while attached (the event stream forwards them). */
  onTransition(listener: (t: Transition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private detach(): void {
    this.lingerTimer = undefined;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.entries.clear();
  }

  close(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.viewers = 0;
    this.detach();
    this.listeners.clear();
  }

  /** Which actor an inspection event speaks of, if it is one the dashboard shows. */
  private nameOf(ref: AnyActorRef): string | undefined {
    if (ref === this.runtime.root) return ACCOUNT_ACTOR;
    return (ref as unknown as { logic?: { id?: string } }).logic?.id === 'scope' ? ref.id : undefined;
  }

  private onInspect(event: InspectionEvent): void {
    // Microsteps too: a pass raises its outcome within one macrostep (planning -> idle), and only
    // the microsteps show the `planning` it went through.
    if (event.type !== '@xstate.microstep' && event.type !== '@xstate.snapshot') return;
    const ref = event.actorRef as AnyActorRef;
    const name = this.nameOf(ref);
    if (name === undefined) return;
    this.handled++;
    const value = (event.snapshot as { value?: unknown }).value;
    const valueKey = JSON.stringify(value ?? null);
    let entry = this.entries.get(name);
    if (!entry) {
      // First sight: during a microstep the actor still holds the snapshot it started from.
      const before = (ref.getSnapshot() as { value?: unknown } | undefined)?.value;
      entry = { valueKey: JSON.stringify(before ?? null), value: before, sinceMs: undefined, transitions: [] };
      this.remember(name, entry);
    }
    if (entry.valueKey === valueKey) return;
    const now = this.runtime.core.clock.now();
    const transition: Transition = { actor: name, at: new Date(now).toISOString(), event: eventLabel(String(event.event?.type ?? 'unknown')), from: entry.value ?? null, to: value ?? null };
    entry.value = value;
    entry.valueKey = valueKey;
    entry.sinceMs = now;
    entry.transitions.push(transition);
    if (entry.transitions.length > this.limits.transitionsPerActor) entry.transitions.shift();
    // Most recently changed last: the first in the map is the one to forget.
    this.entries.delete(name);
    this.remember(name, entry);
    for (const listener of this.listeners) listener(transition);
  }

  private remember(name: string, entry: Entry): void {
    this.entries.set(name, entry);
    if (this.entries.size > this.limits.maxActors) this.entries.delete(this.entries.keys().next().value!);
  }

  /** One actor's view: its value read now from the runtime, with what the hub saw of it. */
  view(actor: string): ActorView {
    const value = actor === ACCOUNT_ACTOR ? this.runtime.root.getSnapshot().value : this.runtime.scopeStateValue(actor);
    const entry = this.entries.get(actor);
    const current = entry && entry.valueKey === JSON.stringify(value ?? null);
    return {
      observing: this.observing,
      value: value ?? null,
      since: current && entry.sinceMs !== undefined ? new Date(entry.sinceMs).toISOString() : null,
      transitions: entry ? [...entry.transitions] : [],
    };
  }

  stats(): { observing: boolean; viewers: number; actors: number; inspectionEventsHandled: number } {
    return { observing: this.observing, viewers: this.viewers, actors: this.entries.size, inspectionEventsHandled: this.handled };
  }
}
