// Which scopes the Stately inspector shows (`--inspect-scopes`): comma-separated globs (`*` any
// run of characters, `?` one), case-insensitive, each tried against the scope's symbol
// (`BTC*`), its symbol and side (`BTCUSDT:LONG`, `*:SHORT`) and its full key
// (`binance:linear:BTCUSDT:LONG`). The account, its shards and the mode are always shown: they
// are not scopes. A scope the pattern leaves out is never named on the wire, not even inside an
// event or a shard's children (see sanitize.ts).

/** A scope key as the runtime spells it (`exchange:product:SYMBOL:LONG|SHORT`), anywhere in a string. */
const SCOPE_KEY_IN_TEXT = /\b[a-z]+:[a-z]+:[A-Za-z0-9._-]+:(?:LONG|SHORT)\b/g;
const SCOPE_KEY = /^[a-z]+:[a-z]+:[A-Za-z0-9._-]+:(?:LONG|SHORT)$/;

export interface ScopePattern {
  /** The pattern as given (`*` when none was). */
  readonly source: string;
  /** True when every scope is shown (nothing to mask). */
  readonly all: boolean;
  matches(scopeKey: string): boolean;
}

export function isScopeKey(text: string): boolean {
  return SCOPE_KEY.test(text);
}

/** The scope keys named inside a string (event types such as `xstate.error.actor.<key>`). */
export function scopeKeysIn(text: string): string[] {
  return text.match(SCOPE_KEY_IN_TEXT) ?? [];
}

/** Replaces every scope key the pattern leaves out by `replacement` (same string back when none). */
export function maskScopeKeys(text: string, pattern: ScopePattern, replacement: string): string {
  if (pattern.all || text.indexOf(':') < 0) return text;
  return text.replace(SCOPE_KEY_IN_TEXT, (key) => (pattern.matches(key) ? key : replacement));
}

function globToRegExp(glob: string): RegExp {
  const body = glob.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'i');
}

/** Parses `--inspect-scopes`; throws on an empty or unusable pattern (the operator's mistake, said at start). */
export function parseScopePattern(source: string | undefined): ScopePattern {
  const text = (source ?? '*').trim();
  const globs = text.split(',').map((g) => g.trim()).filter((g) => g.length > 0);
  if (globs.length === 0) throw new Error(`--inspect-scopes ${JSON.stringify(source)}: no pattern`);
  for (const g of globs) if (!/^[A-Za-z0-9._:*?-]+$/.test(g)) throw new Error(`--inspect-scopes ${JSON.stringify(g)}: only letters, digits, . _ - : * ? are allowed`);
  const all = globs.some((g) => /^\*+$/.test(g));
  const res = globs.map(globToRegExp);
  const cache = new Map<string, boolean>();
  return {
    source: globs.join(','),
    all,
    matches(scopeKey: string): boolean {
      if (all) return true;
      let hit = cache.get(scopeKey);
      if (hit === undefined) {
        const parts = scopeKey.split(':');
        const symbol = parts[2] ?? scopeKey;
        const symbolSide = `${symbol}:${parts[3] ?? ''}`;
        hit = res.some((re) => re.test(symbol) || re.test(symbolSide) || re.test(scopeKey));
        // Bounded: scope keys are few, but the cache must never grow without end.
        if (cache.size > 10_000) cache.clear();
        cache.set(scopeKey, hit);
      }
      return hit;
    },
  };
}
