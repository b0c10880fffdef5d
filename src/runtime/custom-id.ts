// Custom order ids are opaque lookup keys into the OrderContextStore, unique across restarts
// (random, not counters), short and plain enough (20 letters and digits) for every registered
// venue's custom-id rules (each plug-in states its own; test/venues/registry.test.ts checks the fit).
// Random bytes are drawn in blocks: one system call per ~200 ids instead of one per id.
import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_CHARS = 18;
const pool = Buffer.alloc(4096);
let offset = pool.length;

export function newCustomOrderId(prefix = 'xs'): string {
  if (offset + ID_CHARS > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let out = prefix;
  for (let i = 0; i < ID_CHARS; i++) out += ALPHABET[pool[offset++]! % 62];
  return out;
}
