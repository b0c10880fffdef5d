// Custom order ids are opaque lookup keys into the OrderContextStore, unique across restarts
// (random, not counters), short enough for every venue (Binance allows 36 characters).
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function newCustomOrderId(prefix = 'xs'): string {
  const bytes = randomBytes(18);
  let out = prefix;
  for (const b of bytes) out += ALPHABET[b % 62];
  return out;
}
