// A misspelled or unknown exstate variable stops the start with one line naming it (a service
// running with a take-profit only because STOPLOSS_PCT was ignored loses money).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/config-error.js';
import { loadEnvironment } from '../../src/config/env.js';
import { parseServiceConfig } from '../../src/config/service-config.js';
import { nearMiss } from '../../src/config/unknown-variables.js';
import { runCli } from '../gates/spawn.js';

const BASE = { TAKE_PROFIT_PCT: '1', STOP_LOSS_PCT: '2', DCA_STEPS: '1:100' };

function rejection(env: Record<string, string>): ConfigError {
  try {
    parseServiceConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

test('a near miss of a known name is refused with the name it meant', () => {
  const { TAKE_PROFIT_PCT } = BASE;
  const e = rejection({ TAKE_PROFIT_PCT, STOPLOSS_PCT: '2' });
  expect(e.field).toBe('STOPLOSS_PCT');
  expect(e.reason).toBe('unknown variable: did you mean STOP_LOSS_PCT?');
  expect(rejection({ ...BASE, EXECUTON_MODE: 'DEMO' }).reason).toMatch(/did you mean EXECUTION_MODE\?/);
  expect(rejection({ ...BASE, SYMBOL: 'BTCUSDT' }).reason).toMatch(/did you mean SYMBOLS\?/);
  expect(nearMiss('HEARTBEAT_TIMEOUT', ['HEARTBEAT_TIMEOUT_MS'])).toBe('HEARTBEAT_TIMEOUT_MS');
  expect(nearMiss('PATH', ['STORE_PATH'])).toBeUndefined();
});

test('an unknown variable with an exstate prefix in an operator file is refused; the rest of the environment is not ours', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exstate-env-'));
  writeFileSync(join(dir, '.env'), 'TAKE_PROFIT_PCT=1\nSTOP_LOSS_PCT=2\nDCA_STEPS=1:100\nSTOP_LOSS_TRAILING=1\n');
  const e = rejection(loadEnvironment({ cwd: dir }) as Record<string, string>);
  expect(e.field).toBe('STOP_LOSS_TRAILING');
  expect(e.reason).toMatch(/unknown variable/);
  // Variables of other software in the process environment are left alone.
  const env = loadEnvironment({ cwd: mkdtempSync(join(tmpdir(), 'exstate-env-')) });
  expect(() => parseServiceConfig({ ...env, ...BASE, EDITOR: 'vi', DATABASE_URL: 'x' } as Record<string, string>)).not.toThrow();
});

test('a missing --profile file is one line naming it', () => {
  expect(() => loadEnvironment({ profile: '/nonexistent/profile.env' })).toThrow(ConfigError);
});

test('tried as a new user: a .env with STOPLOSS_PCT=2 refuses to start, names the right variable, exit code 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'exstate-newuser-'));
  writeFileSync(join(dir, '.env'), 'TAKE_PROFIT_PCT=1\nSTOPLOSS_PCT=2\nDCA_STEPS=1:100\n');
  const child = runCli(['start'], {}, dir);
  expect(await child.exited).toBe(2);
  const lines = child.stderr().trim().split('\n');
  expect(lines).toEqual(['exstate: configuration rejected: STOPLOSS_PCT="2": unknown variable: did you mean STOP_LOSS_PCT?']);
}, 30_000);
