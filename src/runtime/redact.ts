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
/** Every registered value, longest first (a value that is a prefix of another must not cut it in two). */
let ordered: string[] | undefined;

/**
 * Tells the scrubber a secret value held by this process. `permanent` (credentials) values stay
 * for the process's life; others (listen keys) are kept for the latest MAX_DYNAMIC_SECRETS.
 */
export function registerSecret(value: string | undefined | null, kind: 'credential' | 'listen_key' = 'credential'): void {
  if (typeof value !== 'string') return;
  const v = value.trim();
  if (v.length < MIN_SECRET_LENGTH || permanent.has(v)) return;
  ordered = undefined;
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
  ordered = undefined;
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

function cutKnown(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of withEncodings(s)) if (out.includes(form)) out = out.split(form).join(REDACTED);
  }
  return out;
}

/** Removes secret values (registered and given) and secret-bearing parameters from free text. */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  if (typeof text !== 'string' || text.length === 0) return text;
  ordered ??= [...permanent, ...dynamic].sort((a, b) => b.length - a.length);
  let out = cutKnown(text, ordered);
  if (secrets.length > 0) out = cutKnown(out, [...secrets].sort((a, b) => b.length - a.length));
  if (out.length < 16) return out;
  return out.replace(NAMED, `$1${REDACTED}`).replace(HEX64, REDACTED).replace(WS_PATH_KEY, `$1${REDACTED}`);
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Every string inside `value` (plain objects and arrays, to depth 8) through `scrubText`.
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
    const s = scrubDeep(v, depth + 1);
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
