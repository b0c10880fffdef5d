// The shape of a behaviour table (machines/*.behaviour.ts): what each transition of a machine is
// FOR, written from the design intent, not read off the machine. test/paths/path-driver.ts replays
// every transition of the real machine and checks each step against its row: the state it ends
// in, the named actions it runs (in order, with their params), the actors it starts (invoked or
// spawned), the timers it arms and the events it sends. A step no row explains fails, and so
// does a row no step reached.

export interface StepEvent {
  type: string;
  [k: string]: any;
}

/** What a row's conditions and expectations may read: the situation just before the step. */
export interface StepView<C = any> {
  /** Active leaf state before the step, as a path without the machine id ('settling.quiet'). */
  from: string;
  /** The event that started the step (for an eventless step: the event whose macrostep it is in). */
  event: StepEvent;
  /** Context before the step. */
  context: C;
  /** The actor's children before the step, by id, with their status then ('active', 'error', 'stopped', 'done'). */
  children: Record<string, string>;
  /** The earlier steps of the same run, oldest first. */
  history: readonly ObservedStep[];
}

/** One step as the driver observed it on a live actor. */
export interface ObservedStep extends StepView {
  /** The event type the step matched on: a type, 'always', 'xstate.after.NAME' or '(start)'. */
  eventType: string;
  /** Active leaf state after the step. */
  to: string;
  /** Named actions run by the step (exit, transition, entry), in order. XState's own builtins are left out. */
  actions: Array<{ type: string; params?: unknown }>;
  /** Actors started by the step (invoked or spawned), by logic name. */
  actors: string[];
  /** Named delays armed by the step. */
  timers: string[];
  /** Events the step sends to other actors ('parent' or the child's id). */
  sends: Array<{ to: string; event: unknown }>;
  /** The machine's transitions the step took (empty: the event was not handled). */
  transitions: string[];
}

/** An action by name (no params), with its params, or with params read from the situation before the step. */
export type ActionSpec = string | { type: string; params: unknown } | ((s: StepView) => { type: string; params: unknown });

export interface Expectation<C = any> {
  /** Leaf state after the step; omitted: the step leaves the state as it was. */
  to?: string;
  actions?: ActionSpec[] | ((s: StepView<C>) => ActionSpec[]);
  actors?: string[] | ((s: StepView<C>) => string[]);
  timers?: string[];
  sends?: Array<{ to: string; event: unknown }> | ((s: StepView<C>) => Array<{ to: string; event: unknown }>);
}

export interface BehaviourRow<C = any> extends Expectation<C> {
  /** State the step starts in: a path ('settling' also covers 'settling.quiet'), '*' (any state no more specific row claims), or '(start)'. */
  from: string;
  /** Event type, 'always' (eventless), 'xstate.after.NAME', a prefix ending in '*', or '(start)'. */
  event: string;
  /** The guard outcome, in words (part of the row's name). */
  guard?: string;
  /** When the guard outcome holds, as a predicate on the situation before the step. */
  when?: (s: StepView<C>) => boolean;
  /** What the transition is for. */
  why: string;
  /**
   * Cases the row must be reached in, each at least once (the graph merges states that look
   * alike, so a mutant that loses the difference would otherwise go unseen): `by` names the case
   * of a step, `each` lists the cases.
   */
  reach?: { by: (s: StepView<C>) => string; each: string[] };
  /**
   * A known defect: the row states the intent, `now` what the machine does instead (a complete
   * expectation: `to` omitted means the state does not change). The driver
   * requires the step to match `now` exactly (so the row keeps biting) and NOT to match the intent
   * (so the marker goes once the machine is fixed).
   */
  defect?: { note: string; now: Expectation<C> };
}

export interface BehaviourTable<C = any> {
  machine: string;
  rows: Array<BehaviourRow<C>>;
}

export function rowName(machine: string, row: BehaviourRow): string {
  return `${machine}: ${row.from} --${row.event}${row.guard ? ` [${row.guard}]` : ''}--> ${row.to ?? '(stays)'}`;
}
