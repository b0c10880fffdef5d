// The harness's durable store: a real keyv store over an in-memory Map that can be told to fail
// its next N writes. It also answers "was this key durably written?" for the forbid checks.
import Keyv from 'keyv';

export class FailingMap extends Map<string, unknown> {
  failWrites = 0;

  override set(key: string, value: unknown): this {
    if (this.failWrites > 0) {
      this.failWrites--;
      throw new Error('injected store write failure');
    }
    return super.set(key, value);
  }
}

export function createFailingStore(): { keyv: Keyv; map: FailingMap } {
  const map = new FailingMap();
  const keyv = new Keyv({ store: map, namespace: 'exstate', throwOnErrors: true });
  // Keyv emits errors as events too; the store's callers see them as rejected writes.
  keyv.on('error', () => undefined);
  return { keyv, map };
}

/** Whether a key exists in the map under keyv's namespace prefix. */
export function durablyHolds(map: Map<string, unknown>, key: string): boolean {
  return map.has(`exstate:${key}`) || map.has(key);
}
