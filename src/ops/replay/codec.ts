// The replay codec: what crosses the venue port (rows, snapshots, mutations, outcomes, errors) as
// plain JSON for the audit journal, and back, losslessly. The journal's own JSON would turn a
// Decimal into a bare string (a price and a symbol look alike) and drop a field set to
// `undefined` (which a spread `{ ...a, ...row }` treats differently from a missing one), so both
// are tagged: `{ "$d": "65000.1" }` and `{ "$u": 1 }`. Object key order is not kept (the audit
// journal sorts keys; nothing behind the port depends on it); array order is.
import { Decimal } from '../../domain/decimal.js';

export type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

const DEC = '$d';
const UNDEF = '$u';
const NUM = '$n';
/** A plain object whose own keys start with `$`: escaped, so no datum reads as a tag. */
const OBJ = '$o';
/** A value with no faithful JSON form (a function, a class instance): its text, and it decodes as that text. */
const OPAQUE = '$x';

const isPlain = (v: object) => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** Any value that crosses the venue port, as plain JSON (never throws: the recorder must not break the service). */
export function encode(value: unknown, depth = 0): Encoded {
  if (value === undefined) return { [UNDEF]: 1 };
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? value : { [NUM]: String(Object.is(value, -0) ? '-0' : value) };
  // valueOf: toString's text, but a negative zero keeps its sign.
  if (Decimal.isDecimal(value)) return { [DEC]: (value as Decimal).valueOf() };
  if (depth > 32 || typeof value !== 'object') return { [OPAQUE]: String(value) };
  if (Array.isArray(value)) return value.map((v) => encode(v, depth + 1));
  if (value instanceof Error) return encodeError(value);
  if (!isPlain(value)) return { [OPAQUE]: String(value) };
  const out: Record<string, Encoded> = {};
  let escaped = false;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.startsWith('$')) escaped = true;
    Object.defineProperty(out, k, { value: encode(v, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return escaped ? { [OBJ]: out } : out;
}

export function decode(value: Encoded): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decode);
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [k] = keys as [string];
    const v = value[k]!;
    if (k === DEC && typeof v === 'string') return new Decimal(v);
    if (k === UNDEF) return undefined;
    if (k === NUM && typeof v === 'string') return v === '-0' ? -0 : Number(v);
    if (k === OPAQUE) return v;
    if (k === OBJ && v && typeof v === 'object' && !Array.isArray(v)) return decodeObject(v);
  }
  return decodeObject(value);
}

function decodeObject(value: { [key: string]: Encoded }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // A key named __proto__ is data here, never the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value: decode(v), enumerable: true, writable: true, configurable: true });
    else out[k] = decode(v);
  }
  return out;
}

/** A thrown venue error: its name, message and own fields (a VenueCallError's class, code, HTTP status). */
export interface EncodedError {
  name: string;
  message: string;
  fields?: Encoded;
}

export function encodeError(error: unknown): { [key: string]: Encoded } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(error)) if (k !== 'stack' && k !== 'message') own[k] = v;
  return { name: error.name, message: String(error.message), ...(Object.keys(own).length ? { fields: encode(own) } : {}) };
}

/** The error the replayed venue throws: same name, message and fields (the runtime reads only these). */
export function decodeError(encoded: EncodedError): Error {
  const error = new Error(encoded.message);
  const fields = encoded.fields === undefined ? {} : (decode(encoded.fields) as Record<string, unknown>);
  Object.assign(error, fields);
  Object.defineProperty(error, 'name', { value: encoded.name, enumerable: false, configurable: true, writable: true });
  return error;
}
