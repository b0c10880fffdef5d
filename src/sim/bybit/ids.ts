// Bybit order and execution ids for the engine's numeric ids. Bybit linear ids are UUID-shaped
// strings, and a conditional order keeps ONE id through its trigger: the engine keeps two rows (the
// algo order and the order its trigger created), so the id is derived from what the client first
// saw (the regular order, or the algo order) and the triggered order is presented under its algo
// order's id. Derived, not random: the same seed and inputs give the same ids, and an id names its
// engine row without a lookup table.

/** Which engine row a Bybit order id names. */
export type OrderKey = { kind: 'order'; id: number } | { kind: 'algo'; id: number };

const PREFIX = { order: '00000001', algo: '00000002' } as const;
const EXEC_PREFIX = '00000003';
const ID = /^(0000000[12])-0000-4000-8000-(\d{12})$/;

const tail = (n: number) => String(n).padStart(12, '0');

export function bybitOrderId(key: OrderKey): string {
  return `${PREFIX[key.kind]}-0000-4000-8000-${tail(key.id)}`;
}

/** The engine row an id names; undefined for anything the simulator never issued. */
export function parseOrderId(id: string | undefined): OrderKey | undefined {
  const m = id ? ID.exec(id) : null;
  if (!m) return undefined;
  return { kind: m[1] === PREFIX.order ? 'order' : 'algo', id: Number(m[2]) };
}

export function execId(tradeId: number): string {
  return `${EXEC_PREFIX}-0000-4000-8000-${tail(tradeId)}`;
}

export function sameKey(a: OrderKey, b: OrderKey): boolean {
  return a.kind === b.kind && a.id === b.id;
}

export function keyString(key: OrderKey): string {
  return `${key.kind}:${key.id}`;
}
