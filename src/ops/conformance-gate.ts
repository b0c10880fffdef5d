// The conformance gate of DEMO/TESTNET/LIVE: the configured pack is run against the real runtime
// at start, and writes are allowed only when it is complete and clean. Complete: every required
// check and lesson (src/conformance/required-checks.ts) has a PASSING fixture in it, so a pack of
// one passing fixture (or an empty directory) never opens it. Clean: no fixture fails. A pack
// path that is not absolute, does not exist or cannot be read closes the gate with a one-line
// reason, never a stack trace.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { missingRequired } from '../conformance/required-checks.js';
import { runConformance, type ConformanceReport } from '../conformance/runner.js';
import { scrubText } from '../runtime/redact.js';

export interface ConformanceGate {
  open: boolean;
  /** One line: why the gate is closed, or what opened it. */
  reason: string;
  pack: string;
  passed: number;
  failed: number;
  /** Names of the fixtures that failed (at most 20). */
  failedFixtures: string[];
  /** Required checks and lessons without a passing fixture in the pack. */
  missing: string[];
}

const closed = (pack: string, reason: string, extra: Partial<ConformanceGate> = {}): ConformanceGate => ({
  open: false, reason, pack, passed: 0, failed: 0, failedFixtures: [], missing: [], ...extra,
});

const oneLine = (error: unknown) => scrubText(String((error as Error)?.message ?? error), []).split('\n')[0]!.slice(0, 300);

export async function evaluateConformanceGate(pack: string, run: (path: string) => Promise<ConformanceReport> = runConformance): Promise<ConformanceGate> {
  if (!pack || !isAbsolute(pack)) {
    return closed(pack, `CONFORMANCE_PACK=${JSON.stringify(pack)} is not an absolute path (leave it blank for the shipped pack)`);
  }
  try {
    await stat(pack);
    await access(pack, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return closed(pack, `CONFORMANCE_PACK=${JSON.stringify(pack)} cannot be read (${code ?? oneLine(error)})`);
  }
  let report: ConformanceReport;
  try {
    report = await run(pack);
  } catch (error) {
    return closed(pack, `CONFORMANCE_PACK=${JSON.stringify(pack)} could not be run: ${oneLine(error)}`);
  }
  const failedFixtures = report.fixtures.filter((f) => !f.passed).map((f) => f.name);
  const missing = missingRequired(report.fixtures.filter((f) => f.passed).map((f) => f.name));
  const counts = { passed: report.passed, failed: report.failed, failedFixtures: failedFixtures.slice(0, 20), missing };
  if (report.fixtures.length === 0) return closed(pack, `the pack at ${pack} holds no fixtures`, counts);
  if (failedFixtures.length > 0) {
    const more = failedFixtures.length > 3 ? ` and ${failedFixtures.length - 3} more` : '';
    return closed(pack, `${failedFixtures.length} fixture(s) failed: ${failedFixtures.slice(0, 3).join(', ')}${more}`, counts);
  }
  if (missing.length > 0) {
    const more = missing.length > 3 ? ` and ${missing.length - 3} more` : '';
    return closed(pack, `${missing.length} required check(s) without a passing fixture: ${missing.slice(0, 3).join(', ')}${more}`, counts);
  }
  return { open: true, reason: `${report.passed} fixture(s) passed, every required check covered`, pack, ...counts };
}
