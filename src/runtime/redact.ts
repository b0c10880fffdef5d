// Secrets never leave the process: keys, secrets, signatures and listen keys are cut from every
// record before a sink writes it, whatever the field's nesting, and from every free text (error
// messages, URLs) by ONE scrubber, `scrubText`. It knows the secret values the process holds:
// the configuration loader registers the API key and secret, the venue adapter registers each
// listen key it obtains (`registerSecret`); callers may pass more. Whatever it was told, it also
// cuts `signature=`/`listenKey=`/`apiKey=`-style parameters (query strings, JSON, headers),
// 64-hex runs (HMAC-SHA256 signatures) and the listen key in a user-data socket path (`/ws/KEY`).
const SECRET_KEY = /(api[-_]?key|secret|signature|listen[-_]?key|password|passphrase|token|authorization|x-mbx-apikey)/i;

export const REDACTED = '[redacted]';

/** Shortest value the registry accepts: shorter strings would cut ordinary words. */
const MIN_SECRET_LENGTH = 6;
const MAX_DYNAMIC_SECRETS = 64;

const permanent = new Set<string>();
const dynamic = new Set<string>();
/**
 * Every registered value and its URL-encoded form as ONE alternation, longest first (a value that
 * is a prefix of another must not cut it in two), built when the registry changes: one pass over
 * a text whatever the number of values (a per-value scan cost 1.5 us per record per listen key
 * kept, and a long-running service keeps up to MAX_DYNAMIC_SECRETS of them).
 */
let knownPattern: RegExp | null | undefined;

/**
 * Tells the scrubber a secret value held by this process. `permanent` (credentials) values stay
 * for the process's life; others (listen keys) are kept for the latest MAX_DYNAMIC_SECRETS.
 */
export function registerSecret(value: string | undefined | null, kind: 'credential' | 'listen_key' = 'credential'): void {
  if (typeof value !== 'string') return;
  const v = value.trim();
  if (v.length < MIN_SECRET_LENGTH || permanent.has(v)) return;
  knownPattern = undefined;
  if (kind === 'credential') {
    permanent.add(v);
    dynamic.delete(v);
    return;
  }
  dynamic.delete(v);
  dynamic.add(v);
  if (dynamic.size > MAX_DYNAMIC_SECRETS) dynamic.delete(dynamic.values().next().value!);
}

/** The values the scrubber knows (tests and diagnostics; never print them). */
export function registeredSecretCount(): number {
  return permanent.size + dynamic.size;
}

/** Forgets every registered value (tests only). */
export function clearRegisteredSecrets(): void {
  permanent.clear();
  dynamic.clear();
  knownPattern = undefined;
}

// name=value in query strings and forms; "name":"value" in JSON; name: value in headers.
// ("undefined", "null" and an already redacted value are left: they say nothing secret.)
const NAMED = /((?:signature|listen[-_]?key|api[-_]?key|secret|x-mbx-apikey)["']?\s*(?:=|:)\s*["']?)(?!(?:undefined|null)\b|\[redacted\]|\[set\])([^&\s"',;}\]]+)/gi;
const HEX64 = /(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/gi;
const WS_PATH_KEY = /(\/ws\/)([A-Za-z0-9_-]{16,})/g;

function withEncodings(secret: string): string[] {
  const encoded = encodeURIComponent(secret);
  return encoded === secret ? [secret] : [secret, encoded];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One alternation of the values and their encoded forms, longest first; null when there are none. */
function alternation(secrets: Iterable<string>): RegExp | null {
  const forms = new Set<string>();
  for (const s of secrets) if (s && s.length >= 4) for (const form of withEncodings(s)) forms.add(form);
  if (forms.size === 0) return null;
  return new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
}

/** Callers pass the same list again and again (an adapter's own secrets): its pattern is kept. */
const givenPatterns = new WeakMap<readonly string[], { key: string; pattern: RegExp | null }>();
function givenPattern(secrets: readonly string[]): RegExp | null {
  const key = secrets.join('\u0000');
  const cached = givenPatterns.get(secrets);
  if (cached && cached.key === key) return cached.pattern;
  const pattern = alternation(secrets);
  givenPatterns.set(secrets, { key, pattern });
  return pattern;
}

function cutKnown(text: string, pattern: RegExp | null): string {
  return pattern ? text.replace(pattern, REDACTED) : text;
}

/** Removes secret values (registered and given) and secret-bearing parameters from free text. */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  if (typeof text !== 'string' || text.length === 0) return text;
  if (knownPattern === undefined) knownPattern = alternation([...permanent, ...dynamic]);
  let out = cutKnown(text, knownPattern);
  if (secrets.length > 0) out = cutKnown(out, givenPattern(secrets));
  if (out.length < 16) return out;
  return out.replace(NAMED, `$1${REDACTED}`).replace(HEX64, REDACTED).replace(WS_PATH_KEY, `$1${REDACTED}`);
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Every string inside `value` (plain objects and arrays, to depth 8) through `scrubText`, and
 * every secret-named field (`apiKey`, `secret`, `signature`, `listenKey`...) as `[redacted]`:
 * the journal's one pass, after which its records need no other redaction on their way to a sink.
 * Copy on write: when nothing changes the same object comes back; class instances (decimals,
 * dates, maps) are left as they are.
 */
export function scrubDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return scrubText(value) as T;
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return scrubText(String(value.message)) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const s = scrubDeep(v, depth + 1);
      if (s !== v) (out ??= [...value])[i] = s;
    });
    return (out ?? value) as T;
  }
  if (!isPlain(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const s = SECRET_KEY.test(k) && v !== undefined ? REDACTED : scrubDeep(v, depth + 1);
    if (s !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = s;
  }
  return (out ?? value) as T;
}

/** Secret-named fields become `[redacted]`, and every other string is scrubbed, at any nesting. */
export function redact<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return scrubText(value) as T;
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1)) as T;
  if (value instanceof Error) return scrubText(String(value.message)) as T;
  // Values that serialize themselves (decimals, dates) are written as they say.
  if (!isPlain(value) && typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1);
  }
  return out as T;
}
