// The harness's durable store: a real keyv store over an in-memory Map that can be told to fail
// its next N writes. It also answers "was this key durably written?" for the forbid checks.
import Keyv from 'keyv';

export class FailingMap extends Map<string, unknown> {
  failWrites = 0;
  private aimed: { remaining: number; slot?: string; customOrderId?: string } | undefined;

  /** The next N writes of the contexts of one slot or one custom id fail (others succeed). */
  failFor(count: number, target: { slot?: string; customOrderId?: string }): void {
    this.aimed = { remaining: count, ...target };
  }

  override set(key: string, value: unknown): this {
    if (this.failWrites > 0) {
      this.failWrites--;
      throw new Error('injected store write failure');
    }
    if (this.aimed && this.aimed.remaining > 0 && this.hits(key, value)) {
      this.aimed.remaining--;
      throw new Error('injected store write failure');
    }
    return super.set(key, value);
  }

  private hits(key: string, value: unknown): boolean {
    const a = this.aimed!;
    if (!key.includes('ctx:')) return false;
    if (a.customOrderId !== undefined) return key.endsWith(`ctx:${a.customOrderId}`);
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.includes(`"slot":"${a.slot}"`);
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
