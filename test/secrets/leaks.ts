// What counts as a leaked secret in any output: each known value (an API key, a secret, a listen
// key), a `signature=` or `listenKey=` value, and a 64-hex run (an HMAC-SHA256 signature).
// Returns each finding with its surroundings, the secret itself masked.
export function findLeaks(text: string, secrets: Array<[label: string, value: string]>): string[] {
  const found: string[] = [];
  const around = (at: number, len: number, label: string) =>
    `${label}: …${text.slice(Math.max(0, at - 60), at)}<${label}>${text.slice(at + len, at + len + 40)}…`;
  for (const [label, value] of secrets) {
    const at = text.indexOf(value);
    if (at >= 0) found.push(around(at, value.length, label));
  }
  for (const [label, re] of [
    ['signature=', /signature=(?!\[redacted\])[^&\s"]+/i],
    ['listenKey=', /listenKey["']?\s*[=:]\s*["']?(?!\[redacted\])[A-Za-z0-9_-]{8,}/],
    ['64-hex', /(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/i],
  ] as const) {
    const m = re.exec(text);
    if (m) found.push(around(m.index, m[0].length, label));
  }
  return found;
}
