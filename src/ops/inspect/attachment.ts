// Connects the account's actors to the relay, only while a viewer is there. `attach()` subscribes
// to the inspection stream of each actor system given (the account root's: account, shards,
// scopes and what they invoke; the mode's), `detach()` unsubscribes: with no viewer XState has no
// inspection observer and skips building inspection events altogether, so an idle inspector costs
// nothing per event. While attached, raw events are filtered before anything is deferred or
// serialized (microsteps and actions are dropped, as Stately's own converter does; actors of a
// scope outside `--inspect-scopes` are dropped), then converted to Stately's wire format by
// @statelyai/inspect's own `createInspector` with our sanitizer (sanitize.ts). A viewer that
// connects gets a replay first: an `@xstate.actor` per live actor (parents first), each carrying
// the actor's current snapshot, converted by the same code as live events; it joins the live
// broadcast right after, so it starts from the current state rather than from the next event.
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import type { AnyActorRef, InspectionEvent, Subscription } from 'xstate';
import { WireSanitizer, type SanitizeLimits } from './sanitize.js';
import { isScopeKey, type ScopePattern } from './scope-pattern.js';

/** Actors replayed to a viewer at most (each `@xstate.actor` carries its machine's definition, ~3.5 kB). */
export const DEFAULT_MAX_REPLAY_ACTORS = 2000;

const WIRE_TYPES = new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot']);

export interface AttachmentOptions {
  /** The actors whose systems are inspected (each is its system's root). */
  roots: readonly AnyActorRef[];
  pattern: ScopePattern;
  /** Where live wire events go (every joined viewer). */
  broadcast: (text: string) => void;
  maxReplayActors?: number;
  limits?: Partial<SanitizeLimits>;
}

export interface AttachmentStats {
  attached: boolean;
  /** Raw inspection events XState handed over (all types, before the filter). */
  inspected: number;
  /** Raw events that passed the filter and were handed to the converter (deferred). */
  forwarded: number;
  /** Wire events converted and handed to the relay (`forwarded - delivered` are still deferred). */
  delivered: number;
}

/** The account's supervisors (shard groups and shards): no state of their own, shown for what they hold. */
function isSupervisor(ref: AnyActorRef): boolean {
  const id = (ref as unknown as { logic?: { id?: string } }).logic?.id;
  return id === 'shard' || id === 'shardGroup';
}

export class InspectAttachment {
  private subscriptions: Subscription[] = [];
  private readonly included = new WeakMap<AnyActorRef, boolean>();
  private readonly sanitizer: WireSanitizer;
  private readonly live: ReturnType<typeof createInspector>;
  private inspected = 0;
  private forwarded = 0;
  private delivered = 0;

  constructor(private readonly options: AttachmentOptions) {
    this.sanitizer = new WireSanitizer(options.pattern, options.limits);
    this.live = createInspector({
      send: (event: StatelyInspectionEvent) => {
        this.delivered++;
        options.broadcast(JSON.stringify(event));
      },
    }, this.inspectorOptions());
  }

  get attached(): boolean {
    return this.subscriptions.length > 0;
  }

  stats(): AttachmentStats {
    return { attached: this.attached, inspected: this.inspected, forwarded: this.forwarded, delivered: this.delivered };
  }

  attach(): void {
    if (this.attached) return;
    const observer = { next: (event: InspectionEvent) => this.onInspection(event) };
    this.subscriptions = this.options.roots.map((root) => root.system.inspect(observer));
  }

  detach(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
  }

  /** Whether an actor is shown: it is not a scope, nor inside one, or its scope matches the pattern. */
  includes(ref: AnyActorRef): boolean {
    if (this.options.pattern.all) return true;
    let hit = this.included.get(ref);
    if (hit !== undefined) return hit;
    hit = true;
    for (let r: AnyActorRef | undefined = ref; r; r = r._parent) {
      if (isScopeKey(r.id)) {
        hit = this.options.pattern.matches(r.id);
        break;
      }
    }
    this.included.set(ref, hit);
    return hit;
  }

  /**
   * Sends one viewer an `@xstate.actor` (with its current snapshot) for every shown live actor,
   * parents before children, then calls `done`. Conversion is deferred the way live events are,
   * so the replay leaves in order ahead of any live event raised after this call. Returns how
   * many actors are replayed and whether the cap cut the list.
   */
  replay(send: (text: string) => void, done: () => void): { actors: number; truncated: boolean } {
    const max = this.options.maxReplayActors ?? DEFAULT_MAX_REPLAY_ACTORS;
    const actors: Array<{ ref: AnyActorRef; rootId: string }> = [];
    let truncated = false;
    // Depth first, parents before children. A shard group or shard with no shown scope below it
    // is left out: under a narrow `--inspect-scopes` the thousands of supervisors of a large
    // account would otherwise fill the cap before a single selected scope.
    const walk = (ref: AnyActorRef, rootId: string): boolean => {
      if (actors.length >= max) {
        truncated = true;
        return false;
      }
      const at = actors.length;
      actors.push({ ref, rootId });
      const children = (ref.getSnapshot() as { children?: Record<string, AnyActorRef | undefined> } | undefined)?.children ?? {};
      let shownBelow = false;
      for (const child of Object.values(children)) if (child && this.includes(child)) shownBelow = walk(child, rootId) || shownBelow;
      if (isSupervisor(ref) && !shownBelow) {
        actors.length = at;
        return false;
      }
      return true;
    };
    for (const root of this.options.roots) if (root.getSnapshot()?.status === 'active') walk(root, root.sessionId);
    const one = createInspector({ send: (event: StatelyInspectionEvent) => send(JSON.stringify(event)) }, this.inspectorOptions());
    for (const { ref, rootId } of actors) one.inspect.next?.({ type: '@xstate.actor', actorRef: ref, rootId } as InspectionEvent);
    setTimeout(done, 0);
    return { actors: actors.length, truncated };
  }

  private onInspection(event: InspectionEvent): void {
    this.inspected++;
    if (!WIRE_TYPES.has(event.type) || !this.includes(event.actorRef as AnyActorRef)) return;
    this.forwarded++;
    this.live.inspect.next?.(event);
  }

  private inspectorOptions() {
    return {
      sanitizeContext: this.sanitizer.context,
      sanitizeEvent: this.sanitizer.event,
      serialize: this.sanitizer.wire,
      // Our sanitizer caps depth itself; the converter's own limit only bounds its first copy.
      serializationDepthLimit: 10,
    };
  }
}
