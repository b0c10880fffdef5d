// What the Stately inspector may see of a snapshot or an event: secrets cut by the one scrubber
// (`scrubText`, `redact`: secret values and secret-named fields), made small and plain: strings, arrays,
// objects and depth are capped, class instances become what they serialize to (decimals as
// strings, actor refs as ids), functions are dropped, and every scope the `--inspect-scopes`
// pattern leaves out is masked wherever it is named (an event's type or payload, a shard's
// children). The result is plain JSON: the relay stringifies it once for every viewer.
import type { StatelyInspectionEvent } from '@statelyai/inspect';
import { redact, scrubText } from '../../runtime/redact.js';
import { isScopeKey, maskScopeKeys, type ScopePattern } from './scope-pattern.js';

export interface SanitizeLimits {
  /** Nesting kept (deeper values become `[…]`). */
  maxDepth: number;
  /** Characters kept of a string. */
  maxString: number;
  /** Items kept of an array (then one `… N more` item). */
  maxItems: number;
  /** Keys kept of an object (then one `…` key with the count left out). */
  maxKeys: number;
}

export const DEFAULT_SANITIZE_LIMITS: SanitizeLimits = { maxDepth: 8, maxString: 512, maxItems: 25, maxKeys: 40 };

/** What a left-out scope is replaced by. */
export const FILTERED = '[filtered]';

type Plain = string | number | boolean | null | undefined | Plain[] | { [k: string]: Plain };

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export class WireSanitizer {
  private readonly limits: SanitizeLimits;

  constructor(private readonly pattern: ScopePattern, limits: Partial<SanitizeLimits> = {}) {
    this.limits = { ...DEFAULT_SANITIZE_LIMITS, ...limits };
  }

  /**
   * Any value, made plain and capped (each string scrubbed before it is cut, so a cut never
   * hides half a secret from the scrubber), then through `redact` (secret-named fields).
   */
  clean(value: unknown): Plain {
    return redact(this.shrink(value, 0));
  }

  /** For createInspector's `sanitizeContext`. */
  readonly context = (context: unknown): Record<string, unknown> => this.clean(context) as Record<string, unknown>;

  /** For createInspector's `sanitizeEvent`: an event keeps a string `type`. */
  readonly event = <E extends { type: string }>(event: E): E => {
    const cleaned = this.clean(event);
    if (cleaned && typeof cleaned === 'object' && !Array.isArray(cleaned) && typeof cleaned.type === 'string') return cleaned as unknown as E;
    return { type: typeof event?.type === 'string' ? maskScopeKeys(event.type, this.pattern, FILTERED) : 'unknown' } as E;
  };

  /**
   * For createInspector's `serialize`: the wire event with only the fields Stately's protocol
   * defines, its snapshot reduced to status, value, context, children, tags, input, output and
   * error (the raw snapshot also holds the machine, its state nodes and history: never sent).
   */
  readonly wire = (event: StatelyInspectionEvent): StatelyInspectionEvent => {
    const base = { type: event.type, sessionId: event.sessionId, rootId: event.rootId, createdAt: event.createdAt, id: event.id, _version: event._version };
    switch (event.type) {
      case '@xstate.actor':
        return { ...base, type: event.type, name: maskScopeKeys(String(event.name), this.pattern, FILTERED), parentId: event.parentId, definition: event.definition, snapshot: this.snapshot(event.snapshot) as never };
      case '@xstate.event':
        return { ...base, type: event.type, sourceId: event.sourceId, event: event.event } as StatelyInspectionEvent;
      case '@xstate.snapshot':
        return { ...base, type: event.type, event: event.event, snapshot: this.snapshot(event.snapshot) as never } as StatelyInspectionEvent;
      default:
        return base as StatelyInspectionEvent;
    }
  };

  private snapshot(snapshot: unknown): Record<string, Plain> {
    const s = (snapshot ?? {}) as Record<string, unknown>;
    const out: Record<string, Plain> = { status: typeof s.status === 'string' ? s.status : 'active' };
    if (s.value !== undefined) out.value = this.clean(s.value);
    // The context was sanitized already (sanitizeContext); a second pass would only cost.
    if (s.context !== undefined) out.context = s.context as Plain;
    if (s.children !== undefined) out.children = this.clean(s.children);
    if (s.tags !== undefined) out.tags = this.clean(s.tags);
    if (s.input !== undefined) out.input = this.clean(s.input);
    if (s.output !== undefined) out.output = this.clean(s.output);
    if (s.error !== undefined) out.error = this.clean(s.error);
    out.historyValue = {};
    return out;
  }

  private shrink(value: unknown, depth: number): Plain {
    switch (typeof value) {
      case 'string':
        return this.text(value);
      case 'number':
      case 'boolean':
      case 'undefined':
        return value;
      case 'bigint':
        return value.toString();
      case 'function':
      case 'symbol':
        return undefined;
    }
    if (value === null) return null;
    const { maxDepth, maxItems, maxKeys } = this.limits;
    if (depth >= maxDepth) return '[…]';
    const object = value as object;
    if (Array.isArray(object) || object instanceof Set) {
      const items = Array.isArray(object) ? object : [...object];
      const out = items.slice(0, maxItems).map((v) => this.shrink(v, depth + 1));
      if (items.length > maxItems) out.push(`… ${items.length - maxItems} more`);
      return out;
    }
    if (object instanceof Map) return this.shrink(Object.fromEntries(object), depth);
    if (object instanceof Error) return this.text(String(object.message));
    if (!isPlainObject(object)) {
      // Decimals, dates, actor refs and snapshots say what they are; anything else is named only.
      const toJSON = (object as { toJSON?: () => unknown }).toJSON;
      if (typeof toJSON === 'function') return this.shrink(toJSON.call(object), depth);
      return `[${object.constructor?.name ?? 'object'}]`;
    }
    const out: Record<string, Plain> = {};
    let kept = 0;
    let left = 0;
    for (const [k, v] of Object.entries(object)) {
      // A shard's children are keyed by scope: one the pattern leaves out is not named at all.
      if (!this.pattern.all && isScopeKey(k) && !this.pattern.matches(k)) continue;
      if (kept >= maxKeys) {
        left++;
        continue;
      }
      const s = this.shrink(v, depth + 1);
      if (s === undefined) continue;
      out[k] = s;
      kept++;
    }
    if (left > 0) out['…'] = `${left} more keys`;
    return out;
  }

  private text(value: string): string {
    // Scrubbed and masked before it is cut: a cut must not leave half a secret or half a
    // left-out scope's key behind.
    const masked = maskScopeKeys(scrubText(value), this.pattern, FILTERED);
    return masked.length > this.limits.maxString ? `${masked.slice(0, this.limits.maxString)}… (${masked.length} chars)` : masked;
  }
}
