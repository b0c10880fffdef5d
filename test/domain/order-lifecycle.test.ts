// Order lifecycle, table-driven from SPEC sections 2, 4, 5 and lessons 1, 4, 12-14 (not from the
// implementation): every rule that is general is checked over all states x all reports.
import {
  advanceLifecycle,
  contextStatusOf,
  isTerminalLifecycle,
  lifecycleOfStatus,
  type LifecycleReport,
  type LifecycleState,
} from '../../src/domain/order-lifecycle.js';
import { ORDER_STATUSES, type OrderStatus } from '../../src/domain/rows.js';

const TERMINAL: LifecycleState[] = ['filled', 'canceled', 'rejected', 'expired', 'triggered', 'never_placed'];
const NON_TERMINAL: LifecycleState[] = ['submitting', 'accepted', 'open', 'partially_filled', 'unknown'];
const ALL_STATES: LifecycleState[] = [...NON_TERMINAL, ...TERMINAL];
/** States in which the venue has not (yet) shown the order: the coarse status is `pending`. */
const PENDING: LifecycleState[] = ['submitting', 'accepted', 'unknown'];
/** States in which the venue has shown the order live: the coarse status is `active`. */
const ACTIVE: LifecycleState[] = ['open', 'partially_filled'];

const ALL_REPORTS: LifecycleReport[] = [
  { kind: 'rest_accepted' },
  { kind: 'rest_rejected' },
  { kind: 'rest_unknown' },
  ...ORDER_STATUSES.map((status): LifecycleReport => ({ kind: 'status', status })),
  { kind: 'vanished' },
  { kind: 'fill' },
  { kind: 'never_placed' },
];

const TERMINAL_STATUS_STATE: Array<[OrderStatus, LifecycleState]> = [
  ['FILLED', 'filled'],
  ['CANCELED', 'canceled'],
  ['REJECTED', 'rejected'],
  ['EXPIRED', 'expired'],
  ['TRIGGERED', 'triggered'],
];

const label = (r: LifecycleReport) => (r.kind === 'status' ? `status ${r.status}` : r.kind);
const cross = <A, B>(as: A[], bs: B[]): Array<[A, B]> => as.flatMap((a) => bs.map((b): [A, B] => [a, b]));

describe('isTerminalLifecycle', () => {
  test.each(TERMINAL)('%s is terminal', (s) => expect(isTerminalLifecycle(s)).toBe(true));
  test.each(NON_TERMINAL)('%s is not terminal', (s) => expect(isTerminalLifecycle(s)).toBe(false));
});

/** `never_placed` is a conclusion from absence; a venue row showing the order proves it wrong (a request that landed late). */
const venueShowsIt = (state: string, r: { kind: string; status?: string }) => state === 'never_placed' && r.kind === 'status' && r.status !== 'AMENDED';

describe('a terminal state absorbs every report: a finished order never reopens (lesson 14)', () => {
  test.each(cross(TERMINAL, ALL_REPORTS).filter(([s, r]) => !venueShowsIt(s, r)).map(([s, r]) => [s, label(r), r] as const))('%s + %s stays %s', (state, _l, report) => {
    expect(advanceLifecycle(state, report)).toBe(state);
  });
});

describe('never_placed yields to the venue: a request judged never placed that landed late is what the venue shows', () => {
  test.each([['NEW', 'open'], ['PARTIALLY_FILLED', 'partially_filled'], ['FILLED', 'filled'], ['CANCELED', 'canceled'], ['EXPIRED', 'expired'], ['TRIGGERED', 'triggered'], ['REJECTED', 'rejected']] as const)('never_placed + %s -> %s', (status, next) => {
    expect(advanceLifecycle('never_placed', { kind: 'status', status })).toBe(next);
  });
});

describe('REST acceptance records a pending confirmation only; it never makes an order open (section 2)', () => {
  test.each(ALL_STATES)('rest_accepted from %s never yields an active state it did not already have', (state) => {
    const next = advanceLifecycle(state, { kind: 'rest_accepted' });
    if (ACTIVE.includes(state)) expect(next).toBe(state);
    else expect(ACTIVE).not.toContain(next);
  });

  test('submitting -> accepted (coarse status stays pending)', () => {
    const next = advanceLifecycle('submitting', { kind: 'rest_accepted' });
    expect(next).toBe('accepted');
    expect(contextStatusOf(next)).toBe('pending');
  });

  test.each(NON_TERMINAL)('rest_accepted from %s never terminates the order', (state) => {
    expect(isTerminalLifecycle(advanceLifecycle(state, { kind: 'rest_accepted' }))).toBe(false);
  });

  test('accepted, then a venue row NEW -> open (only a venue row/lookup opens it)', () => {
    const accepted = advanceLifecycle('submitting', { kind: 'rest_accepted' });
    expect(advanceLifecycle(accepted, { kind: 'status', status: 'NEW' })).toBe('open');
  });

  test('unknown + rest_accepted stays pending (not open, not terminal)', () => {
    const next = advanceLifecycle('unknown', { kind: 'rest_accepted' });
    expect(['accepted', 'unknown']).toContain(next);
    expect(contextStatusOf(next)).toBe('pending');
  });
});

describe('a definite rejection ends only a request still submitting (lesson 13)', () => {
  test('submitting + rest_rejected -> rejected (terminal)', () => {
    expect(advanceLifecycle('submitting', { kind: 'rest_rejected' })).toBe('rejected');
  });
  test.each(NON_TERMINAL.filter((s) => s !== 'submitting'))('%s + rest_rejected stays %s', (state) => {
    expect(advanceLifecycle(state, { kind: 'rest_rejected' })).toBe(state);
  });
});

describe('an unknown REST outcome makes a submitting request unknown, never anything else (lessons 1, 12)', () => {
  test('submitting + rest_unknown -> unknown', () => {
    const next = advanceLifecycle('submitting', { kind: 'rest_unknown' });
    expect(next).toBe('unknown');
    expect(contextStatusOf(next)).toBe('pending');
  });
  test.each(NON_TERMINAL.filter((s) => s !== 'submitting'))('%s + rest_unknown stays %s', (state) => {
    expect(advanceLifecycle(state, { kind: 'rest_unknown' })).toBe(state);
  });
  test.each(NON_TERMINAL)('rest_unknown from %s never terminates (the order may exist)', (state) => {
    expect(isTerminalLifecycle(advanceLifecycle(state, { kind: 'rest_unknown' }))).toBe(false);
  });
});

describe('vanished from a snapshot without terminal evidence is not a cancel (lessons 4, 12)', () => {
  test.each(NON_TERMINAL)('%s + vanished -> unknown', (state) => {
    expect(advanceLifecycle(state, { kind: 'vanished' })).toBe('unknown');
  });
  test('unknown stays unknown under repeated vanished reports', () => {
    let s: LifecycleState = 'open';
    for (let i = 0; i < 3; i++) s = advanceLifecycle(s, { kind: 'vanished' });
    expect(s).toBe('unknown');
  });
});

describe('venue status rows and lookups', () => {
  test.each(NON_TERMINAL.filter((s) => s !== 'partially_filled'))('%s + NEW -> open', (state) => {
    expect(advanceLifecycle(state, { kind: 'status', status: 'NEW' })).toBe('open');
  });

  test('a late NEW after PARTIALLY_FILLED stays partially_filled (fills are never undone)', () => {
    const pf = advanceLifecycle('open', { kind: 'status', status: 'PARTIALLY_FILLED' });
    expect(pf).toBe('partially_filled');
    expect(advanceLifecycle(pf, { kind: 'status', status: 'NEW' })).toBe('partially_filled');
  });

  test.each(NON_TERMINAL)('%s + PARTIALLY_FILLED -> partially_filled', (state) => {
    expect(advanceLifecycle(state, { kind: 'status', status: 'PARTIALLY_FILLED' })).toBe('partially_filled');
  });

  test.each(cross(NON_TERMINAL, TERMINAL_STATUS_STATE).map(([s, [st, exp]]) => [s, st, exp] as const))(
    '%s + %s -> %s',
    (state, status, expected) => {
      expect(advanceLifecycle(state, { kind: 'status', status })).toBe(expected);
    },
  );

  test('AMENDED keeps an open order open', () => {
    expect(advanceLifecycle('open', { kind: 'status', status: 'AMENDED' })).toBe('open');
  });
  test('AMENDED keeps a partially filled order partially filled', () => {
    expect(advanceLifecycle('partially_filled', { kind: 'status', status: 'AMENDED' })).toBe('partially_filled');
  });
  test.each(NON_TERMINAL)('AMENDED from %s leaves the order active (a live venue row), never terminal', (state) => {
    const next = advanceLifecycle(state, { kind: 'status', status: 'AMENDED' });
    expect(ACTIVE).toContain(next);
    expect(contextStatusOf(next)).toBe('active');
  });
});

describe('fill evidence (section 2: a fill row never confirms an open order)', () => {
  test('open + fill -> partially_filled', () => {
    expect(advanceLifecycle('open', { kind: 'fill' })).toBe('partially_filled');
  });
  test('partially_filled + fill stays partially_filled', () => {
    expect(advanceLifecycle('partially_filled', { kind: 'fill' })).toBe('partially_filled');
  });
  test.each(NON_TERMINAL)('fill from %s never terminates the order by itself', (state) => {
    expect(isTerminalLifecycle(advanceLifecycle(state, { kind: 'fill' }))).toBe(false);
  });
  // Derived rule: in these states no venue row has shown the order live. A fill proves the order
  // reached the venue and traded, not that it is still open (it may have filled completely).
  test.each(PENDING)('fill from %s does not make the order active (no venue row showed it open)', (state) => {
    expect(contextStatusOf(advanceLifecycle(state, { kind: 'fill' }))).not.toBe('active');
  });
});

describe('never_placed settlement (lesson 12: only for an order the venue never acknowledged)', () => {
  test.each(['submitting', 'unknown'] as LifecycleState[])('%s + never_placed -> never_placed', (state) => {
    expect(advanceLifecycle(state, { kind: 'never_placed' })).toBe('never_placed');
  });
  // Derived rule: accepted/open/partially_filled mean the venue acknowledged the order, so it
  // cannot have "never been placed"; accepting it would free the slot for a second order.
  test.each(['accepted', 'open', 'partially_filled'] as LifecycleState[])(
    '%s (acknowledged by the venue) + never_placed does not become never_placed',
    (state) => {
      expect(advanceLifecycle(state, { kind: 'never_placed' })).not.toBe('never_placed');
    },
  );
});

describe('no non-terminal report path reopens or invents terminal states', () => {
  const NON_TERMINATING: LifecycleReport[] = [{ kind: 'rest_accepted' }, { kind: 'rest_unknown' }, { kind: 'vanished' }, { kind: 'status', status: 'NEW' }, { kind: 'status', status: 'PARTIALLY_FILLED' }, { kind: 'status', status: 'AMENDED' }];
  test.each(cross(NON_TERMINAL, NON_TERMINATING).map(([s, r]) => [s, label(r), r] as const))('%s + %s is not terminal', (state, _l, report) => {
    expect(isTerminalLifecycle(advanceLifecycle(state, report))).toBe(false);
  });
});

describe('coarse statuses: pending / active / terminal', () => {
  const table: Array<[LifecycleState, 'pending' | 'active' | 'terminal']> = [
    ['submitting', 'pending'],
    ['accepted', 'pending'],
    ['unknown', 'pending'],
    ['open', 'active'],
    ['partially_filled', 'active'],
    ...TERMINAL.map((s): [LifecycleState, 'terminal'] => [s, 'terminal']),
  ];
  test.each(table)('%s -> %s', (state, coarse) => expect(contextStatusOf(state)).toBe(coarse));

  test('every state maps to exactly one coarse status consistent with isTerminalLifecycle', () => {
    for (const s of ALL_STATES) expect(contextStatusOf(s) === 'terminal').toBe(isTerminalLifecycle(s));
  });

  test.each([
    ['pending', undefined, 'submitting'],
    ['pending', false, 'submitting'],
    ['active', undefined, 'open'],
    ['active', false, 'open'],
    ['terminal', true, 'filled'],
  ] as const)('lifecycleOfStatus(%s, filled=%s) -> %s', (status, filled, expected) => {
    expect(lifecycleOfStatus(status, filled)).toBe(expected);
  });

  test.each([undefined, false] as const)('lifecycleOfStatus(terminal, filled=%s) is terminal and not filled', (filled) => {
    const s = lifecycleOfStatus('terminal', filled);
    expect(isTerminalLifecycle(s)).toBe(true);
    expect(s).not.toBe('filled');
  });

  test.each(cross(['pending', 'active', 'terminal'] as const, [undefined, false, true] as const))(
    'round trip: contextStatusOf(lifecycleOfStatus(%s, %s)) is the same coarse status',
    (status, filled) => {
      expect(contextStatusOf(lifecycleOfStatus(status, filled))).toBe(status);
    },
  );
});
