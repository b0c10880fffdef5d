// What a fixture scripts about the scripted venue's calls beyond its REST view: faults aimed at
// the next matching hydration, lookup, fill-history read or submission, and calls held until a
// later step releases them (a snapshot answered after a newer stream row, to test fencing).
export type VenueCall = 'hydration' | 'lookup' | 'fills' | 'submission';
export const VENUE_CALLS: readonly VenueCall[] = ['hydration', 'lookup', 'fills', 'submission'];

export type FaultKind = 'timeout' | 'network_error' | 'http_5xx' | 'auth';
export const FAULT_KINDS: readonly FaultKind[] = ['timeout', 'network_error', 'http_5xx', 'auth'];

export interface ArmedFault {
  call: VenueCall;
  kind: FaultKind;
  remaining: number;
  /** The venue code a 5xx body carries (none: a plain 503 page). */
  code?: number;
  httpStatus?: number;
  /** Submissions only: the venue applied the request although the answer failed. */
  applied?: boolean;
  /** Submissions only: which ones. */
  action?: string;
  slot?: string;
}

export class VenueScript {
  private readonly faults: ArmedFault[] = [];
  private readonly holds = new Map<VenueCall, number>();
  private readonly held: Array<{ call: VenueCall; release: () => void }> = [];

  arm(fault: ArmedFault): void {
    this.faults.push(fault);
  }

  /** The first armed fault for this call (and submission), counted down. */
  take(call: VenueCall, submission?: { action: string; slot: string }): ArmedFault | undefined {
    const i = this.faults.findIndex((f) => f.call === call && f.remaining > 0 &&
      (!submission || ((f.action === undefined || f.action === submission.action) && (f.slot === undefined || f.slot === submission.slot))));
    if (i < 0) return undefined;
    const fault = this.faults[i]!;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults.splice(i, 1);
    return fault;
  }

  holdNext(call: VenueCall, count: number): void {
    this.holds.set(call, (this.holds.get(call) ?? 0) + count);
  }

  /** Whether this call is held; if so its answer waits for `release`. */
  takeHold(call: VenueCall): boolean {
    const n = this.holds.get(call) ?? 0;
    if (n <= 0) return false;
    this.holds.set(call, n - 1);
    return true;
  }

  park(call: VenueCall, release: () => void): void {
    this.held.push({ call, release });
  }

  /** Releases the oldest held call of this kind; false when none is held. */
  release(call: VenueCall): boolean {
    const i = this.held.findIndex((h) => h.call === call);
    if (i < 0) return false;
    const [h] = this.held.splice(i, 1);
    h!.release();
    return true;
  }
}

/** The error a failing read throws, as a venue adapter would raise it (no URL, no secret). */
export function faultError(fault: ArmedFault): Error {
  switch (fault.kind) {
    case 'timeout':
      return new Error('venue call timed out');
    case 'network_error':
      return new Error('venue connection reset');
    case 'auth':
      return new Error('venue refused the credentials: HTTP 401 {"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}');
    case 'http_5xx':
      return new Error(`venue HTTP ${fault.httpStatus ?? 503}${fault.code !== undefined ? ` {"code":${fault.code}}` : ''}`);
  }
}
