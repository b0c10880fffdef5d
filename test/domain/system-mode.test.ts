// The system mode follows from the active reasons alone: refused credentials or signatures, and a
// lost account lease (another process may own the account), pause every write; every other
// reason only holds back new exposure; no reason is NORMAL.
import { allowsExposure, allowsWrites, MODE_REASONS, modeOf, type ModeReason } from '../../src/domain/system-mode.js';

describe('system mode', () => {
  test('no reason is NORMAL: exposure and writes allowed', () => {
    expect(modeOf([])).toBe('NORMAL');
    expect(allowsExposure('NORMAL')).toBe(true);
    expect(allowsWrites('NORMAL')).toBe(true);
  });

  const PAUSING: ModeReason[] = ['AUTH_FAILED', 'CLOCK_SKEW', 'LEASE_LOST'];

  test.each(PAUSING)('%s pauses every write, whatever else is active', (reason) => {
    for (const other of MODE_REASONS) expect(modeOf([other, reason])).toBe('PAUSED');
    expect(allowsWrites('PAUSED')).toBe(false);
    expect(allowsExposure('PAUSED')).toBe(false);
  });

  test.each(MODE_REASONS.filter((r) => !PAUSING.includes(r)))('%s degrades: protection goes on, no new exposure', (reason) => {
    expect(modeOf([reason])).toBe('DEGRADED');
    expect(allowsWrites('DEGRADED')).toBe(true);
    expect(allowsExposure('DEGRADED')).toBe(false);
  });
});
