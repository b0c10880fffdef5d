// The simulator's own record of every venue request it received (not the control API): method,
// path, the parameters (query and form body, without the signature), the fault rule it met,
// whether the engine processed it and what was answered. Tests count submissions per client id
// from here, on the venue's side of the wire, and can act at the exact moment a request has been
// applied (a listener runs before the answer is written).

export interface RequestRecord {
  /** 1, 2, 3, … in arrival order of the answers (or non-answers). */
  seq: number;
  /** Server wall-clock time (epoch ms) when it was recorded. */
  at: number;
  method: string;
  path: string;
  /** Query and form parameters; `signature` is left out. */
  params: Record<string, string>;
  /** The fault rule this request met, if any (its `kind`). */
  fault?: string;
  /** The preset of a `preset` fault rule (fault-presets.ts), e.g. "unknown_503". */
  preset?: string;
  /** True when the engine processed the request (it may still have answered an error code). */
  applied: boolean;
  /** HTTP status answered; 0 when nothing was answered (timeout_after_apply, reset_after_apply). */
  status: number;
  /** Binance error code of an error answer. */
  code?: number;
  /** listenKey routes: the key created, kept alive or closed. */
  listenKey?: string;
  /** Bybit POST routes: the raw JSON body as sent (`params` has its values as strings). */
  body?: string;
}

export class RequestLog {
  records: RequestRecord[] = [];
  /** Records dropped from the front once `maxRecords` was reached. */
  dropped = 0;
  private seq = 0;
  private readonly listeners = new Set<(r: RequestRecord) => void>();

  constructor(readonly maxRecords = 100_000) {}

  record(entry: Omit<RequestRecord, 'seq' | 'at'>, at: number): RequestRecord {
    const r: RequestRecord = { seq: ++this.seq, at, ...entry };
    this.records.push(r);
    if (this.records.length > this.maxRecords) {
      this.records.shift();
      this.dropped++;
    }
    for (const l of this.listeners) l(r);
    return r;
  }

  /** Called synchronously for every record, before the answer (if any) is written. */
  onRecord(listener: (r: RequestRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records with a sequence number above `seq`. */
  since(seq = 0): RequestRecord[] {
    return this.records.filter((r) => r.seq > seq);
  }

  clear(): void {
    this.records = [];
    this.dropped = 0;
  }
}

/** Query and form parameters of a request, without the signature. */
export function requestParams(query: string, body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const text of [query, body]) {
    if (!text) continue;
    for (const [k, v] of new URLSearchParams(text)) if (k !== 'signature') out[k] = v;
  }
  return out;
}
