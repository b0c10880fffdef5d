// A small client for the operator HTTP surface in tests: plain GETs that keep every answer (so a
// test can search them all for secrets at the end), a Server-Sent Events reader, and the
// secret-shaped patterns no answer may contain.
import type { Simulator } from '../../src/sim/server.js';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export const answers: Array<{ where: string; text: string }> = [];

export async function request(base: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  answers.push({ where: `${init.method ?? 'GET'} ${path}`, text: `${JSON.stringify([...response.headers])}\n${text}` });
  return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
}

export interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

export interface SseReader {
  events: SseEvent[];
  raw(): string;
  /** Resolves with the first event (from `from` on) that matches. */
  next(what: string, predicate: (e: SseEvent) => boolean, timeoutMs?: number, from?: number): Promise<SseEvent>;
  close(): void;
}

/** Reads an SSE stream as it arrives (a fast client: it never stops reading). */
export async function openSse(base: string, path = '/api/events'): Promise<SseReader> {
  const abort = new AbortController();
  const response = await fetch(`${base}${path}`, { signal: abort.signal, headers: { accept: 'text/event-stream' } });
  if (response.status !== 200 || !response.body) throw new Error(`SSE answered ${response.status}`);
  const events: SseEvent[] = [];
  let raw = '';
  let buffer = '';
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        raw += text;
        buffer += text;
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const parsed = parseSseBlock(block);
          if (parsed) events.push(parsed);
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    raw: () => raw,
    async next(what, predicate, timeoutMs = 15_000, from = 0) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const hit = events.slice(from).find(predicate);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no SSE event "${what}" within ${timeoutMs} ms; got ${events.map((e) => e.event).join(',')}`);
    },
    close: () => {
      answers.push({ where: `SSE ${path}`, text: raw });
      abort.abort();
    },
  };
}

export function parseSseBlock(block: string): SseEvent | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0 && event === 'message') return undefined;
  return { event, ...(id !== undefined ? { id } : {}), data: data.join('\n') };
}

export function listenKeysOf(sim: Simulator): string[] {
  return [...(sim.stream as unknown as { keys: Map<string, unknown> }).keys.keys()];
}

/** Every secret-looking thing in `text`: the simulator's credentials, its listen keys, signatures. */
export function secretsIn(text: string, sim: Simulator): string[] {
  const found: string[] = [];
  const values: Array<[string, string]> = [['apiKey', sim.apiKey], ['secret', sim.secret], ...listenKeysOf(sim).map((k) => ['listenKey', k] as [string, string])];
  for (const [label, value] of values) if (value && text.includes(value)) found.push(`${label} at …${text.slice(Math.max(0, text.indexOf(value) - 60), text.indexOf(value))}`);
  for (const [label, re] of [
    ['signature=', /signature=(?!\[redacted\])[^&\s"]+/i],
    ['listenKey=', /listenKey["']?\s*[=:]\s*["']?(?!\[redacted\])[A-Za-z0-9_-]{8,}/],
    ['64-hex', /(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/i],
  ] as const) {
    const m = re.exec(text);
    if (m) found.push(`${label}: …${text.slice(Math.max(0, m.index - 60), m.index + 20)}`);
  }
  return found;
}

/** Metric samples of the Prometheus text format: name, labels, value. */
export function parseMetrics(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const out: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}
