// Request parameters as the V5 routes read them: GET carries them in the query string, POST in a
// JSON body whose values ccxt sends as strings, numbers or booleans (`triggerDirection: 2`,
// `reduceOnly: true`); both become one map of strings. Missing or malformed values are 10001,
// Bybit's "request parameter error".
import { BybitError, MSG } from './errors.js';

export type BybitParams = Record<string, string>;

/** The query string's parameters, then the JSON body's (a body that is not a JSON object is 10001). */
export function readParams(query: string, body: string, method: string): BybitParams {
  const out: BybitParams = Object.fromEntries(new URLSearchParams(query));
  if (method !== 'POST' || body.trim() === '') return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new BybitError(10001, `${MSG.params}: the request body is not JSON`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new BybitError(10001, `${MSG.params}: the request body must be a JSON object`);
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** The same map without throwing (the request log records whatever arrived). */
export function loggedParams(query: string, body: string, method: string): BybitParams {
  try {
    return readParams(query, body, method);
  } catch {
    return Object.fromEntries(new URLSearchParams(query));
  }
}

export function need(p: BybitParams, name: string): string {
  const v = p[name];
  if (v === undefined || v === '') throw new BybitError(10001, `${MSG.params}: ${name} is required`);
  return v;
}

/** `true`/`false` (JSON booleans arrive as those strings); absent is false. */
export function flag(p: BybitParams, name: string): boolean {
  const v = p[name];
  if (v === undefined || v === '' || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1') return true;
  throw new BybitError(10001, `${MSG.params}: ${name} must be a boolean`);
}

/** An optional integer parameter (times, limits, indexes). */
export function intParam(p: BybitParams, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d{1,19}$/.test(v)) throw new BybitError(10001, `${MSG.params}: ${name} must be an integer`);
  return Number(v);
}

/** `limit` in [1, max] (default `fallback`); anything else is 10001. */
export function limitParam(p: BybitParams, fallback: number, max: number): number {
  const v = intParam(p, 'limit');
  if (v === undefined) return fallback;
  if (v < 1 || v > max) throw new BybitError(10001, `${MSG.params}: limit must be in [1, ${max}]`);
  return v;
}

/** One page of rows and the cursor of the next ("" at the end, which ends ccxt's pagination loop). */
export function page<T>(rows: T[], p: BybitParams, fallback: number, max: number): { list: T[]; nextPageCursor: string } {
  const limit = limitParam(p, fallback, max);
  const cursor = p.cursor ?? '';
  const m = /^page_(\d+)$/.exec(cursor);
  if (cursor !== '' && !m) throw new BybitError(10001, `${MSG.params}: cursor invalid`);
  const start = m ? Number(m[1]) : 0;
  const list = rows.slice(start, start + limit);
  return { list, nextPageCursor: start + limit < rows.length ? `page_${start + limit}` : '' };
}

/** Categories: only `linear` is served; the others answer empty lists where Bybit would list nothing for this account. */
export function category(p: BybitParams): string {
  const c = need(p, 'category');
  if (!['linear', 'inverse', 'spot', 'option'].includes(c)) throw new BybitError(10001, `${MSG.params}: category invalid`);
  return c;
}
