// `exstate conformance PATH`: runs every fixture of a pack file or a directory of packs.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { matches } from './matcher.js';
import { FixtureHarness } from './harness.js';
import { readEnvelope, readFixture, type Fixture } from './fixture-format.js';

export interface FixtureReport {
  file: string;
  name: string;
  passed: boolean;
  failures: string[];
  violations: string[];
}

export interface ConformanceReport {
  passed: number;
  failed: number;
  fixtures: FixtureReport[];
}

export async function packFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => n.endsWith('.json')).sort();
  return names.map((n) => join(path, n));
}

export async function runConformance(path: string): Promise<ConformanceReport> {
  const fixtures: FixtureReport[] = [];
  for (const file of await packFiles(path)) fixtures.push(...(await runPackFile(file)));
  const passed = fixtures.filter((f) => f.passed).length;
  return { passed, failed: fixtures.length - passed, fixtures };
}

export async function runPackFile(file: string): Promise<FixtureReport[]> {
  let raws: unknown[];
  try {
    raws = readEnvelope(JSON.parse(await readFile(file, 'utf8')), file);
  } catch (error) {
    return [{ file, name: '(file)', passed: false, failures: [(error as Error).message], violations: [] }];
  }
  const reports: FixtureReport[] = [];
  const names = new Set<string>();
  for (const [i, raw] of raws.entries()) {
    let fixture: Fixture;
    try {
      fixture = readFixture(raw, i);
    } catch (error) {
      const name = (raw as { name?: unknown })?.name;
      reports.push({ file, name: typeof name === 'string' ? name : `fixtures[${i}]`, passed: false, failures: [(error as Error).message], violations: [] });
      continue;
    }
    if (names.has(fixture.name)) {
      reports.push({ file, name: fixture.name, passed: false, failures: [`duplicate fixture name ${fixture.name}`], violations: [] });
      continue;
    }
    names.add(fixture.name);
    reports.push(await runFixture(file, fixture));
  }
  return reports;
}

export async function runFixture(file: string, fixture: Fixture): Promise<FixtureReport> {
  try {
    const { observed, violations } = await new FixtureHarness(fixture).run();
    const failures: string[] = [];
    for (const [key, expected] of Object.entries(fixture.expect)) {
      const actual = (observed as unknown as Record<string, unknown>)[key];
      if (!matches(expected, actual)) failures.push(`expect.${key}: expected ${short(expected)} but observed ${short(actual)}`);
    }
    // Every forbid id applies to every fixture, unless the fixture opts out and says why.
    const forbidden = violations.filter((v) => fixture.forbidExceptions[v] === undefined);
    for (const v of forbidden) failures.push(`forbidden trace: ${v}`);
    return { file, name: fixture.name, passed: failures.length === 0, failures, violations: forbidden };
  } catch (error) {
    return { file, name: fixture.name, passed: false, failures: [(error as Error).message], violations: [] };
  }
}

function short(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'undefined' : text.length > 1500 ? `${text.slice(0, 1500)}…` : text;
}

/** The observed state of one named fixture, for writing and debugging expectations. */
export async function observeFixture(path: string, name: string): Promise<unknown> {
  for (const file of await packFiles(path)) {
    const raws = readEnvelope(JSON.parse(await readFile(file, 'utf8')), file);
    for (const [i, raw] of raws.entries()) {
      if ((raw as { name?: unknown })?.name !== name) continue;
      const { observed } = await new FixtureHarness(readFixture(raw, i)).run();
      return observed;
    }
  }
  throw new Error(`no fixture named ${name} under ${path}`);
}
