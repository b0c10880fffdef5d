// Subject trust per scope: what the local view may be relied on for, subject by subject.
export type TrustValue = 'trusted' | 'untrusted';
export type TrustSubject = 'order' | 'position' | 'filter' | 'context';
export type ScopeTrust = Record<TrustSubject, TrustValue>;

export function untrustedScope(): ScopeTrust {
  return { order: 'untrusted', position: 'untrusted', filter: 'untrusted', context: 'untrusted' };
}
