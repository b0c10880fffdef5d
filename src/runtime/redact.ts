// Secrets never leave the process: keys, secrets, signatures and listen keys are cut from every
// record before a sink writes it, whatever the field's nesting.
const SECRET_KEY = /(api[-_]?key|secret|signature|listen[-_]?key|password|passphrase|token|authorization|x-mbx-apikey)/i;

export const REDACTED = '[redacted]';

export function redact<T>(value: T, depth = 0): T {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1);
  }
  return out as T;
}

/** Removes known secret values from free text (error messages, URLs). */
export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join(REDACTED);
  return out.replace(/(signature|listenKey|apiKey|secret)=([^&\s]+)/gi, `$1=${REDACTED}`);
}
