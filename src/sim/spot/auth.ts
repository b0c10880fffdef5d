// Binance's request security, shared by the spot REST routes and the WebSocket API: the API key
// (-2015, HTTP 401), an HMAC-SHA256 signature (-1022; missing -1102) over the query string and
// form body up to `&signature=` (REST) or over the other parameters sorted by name (WebSocket
// API), and the timestamp against recvWindow (-1021; recvWindow above 60000 -1131).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SimError } from '../sim-types.js';
import type { Params } from '../rest-params.js';

export interface Credentials {
  apiKey: string;
  secret: string;
}

export function checkApiKey(given: unknown, creds: Credentials): void {
  if (given !== creds.apiKey) throw new SimError(-2015, 'Invalid API-key, IP, or permissions for action.', 401);
}

function sameHex(expected: string, given: string): boolean {
  const g = given.toLowerCase();
  return expected.length === g.length && timingSafeEqual(Buffer.from(expected), Buffer.from(g));
}

const noSignature = () => new SimError(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
const badSignature = () => new SimError(-1022, 'Signature for this request is not valid.');

/** A signed REST request: the verified parameters (query, then form body), signature left out. */
export function verifyRest(query: string, body: string, creds: Credentials, serverTime: number): Params {
  const payload = [query, body].filter(Boolean).join('');
  const m = /(^|&)signature=([0-9a-fA-F]+)(&|$)/.exec(payload);
  if (!m) throw noSignature();
  const signed = payload.slice(0, m.index);
  const expected = createHmac('sha256', creds.secret).update(signed).digest('hex');
  if (!sameHex(expected, m[2]!)) throw badSignature();
  const params = Object.fromEntries(new URLSearchParams(signed));
  checkTimestamp(params, serverTime);
  return params;
}

/** A signed WebSocket API request's `params`: the signature covers the others, sorted by name, as `k=v&...`. */
export function verifyWsParams(params: Record<string, unknown>, creds: Credentials, serverTime: number): void {
  checkApiKey(params.apiKey, creds);
  const signature = params.signature;
  if (typeof signature !== 'string' || signature === '') throw noSignature();
  const payload = Object.keys(params).filter((k) => k !== 'signature').sort()
    .map((k) => `${k}=${String(params[k])}`).join('&');
  const expected = createHmac('sha256', creds.secret).update(payload).digest('hex');
  if (!sameHex(expected, signature)) throw badSignature();
  checkTimestamp(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])), serverTime);
}

/** general-info "Timing Security": timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow. */
function checkTimestamp(params: Params, now: number): void {
  const timestamp = Number(params.timestamp);
  if (!params.timestamp || !Number.isFinite(timestamp)) throw new SimError(-1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
  const recvWindow = params.recvWindow ? Number(params.recvWindow) : 5000;
  if (!Number.isFinite(recvWindow) || recvWindow <= 0 || recvWindow > 60_000) throw new SimError(-1131, 'recvWindow must be less than 60000');
  if (timestamp >= now + 1000) throw new SimError(-1021, "Timestamp for this request was 1000ms ahead of the server's time.");
  if (now - timestamp > recvWindow) throw new SimError(-1021, 'Timestamp for this request is outside of the recvWindow.');
}
