// STORE_URL and the lease settings (docs/DEPLOYMENT.md): refused with the variable named, the
// database password never in a message, the account name the same on every host of one account.
import { parseServiceConfig } from '../../src/config/service-config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { scrubText } from '../../src/runtime/redact.js';
import { defaultAccountId, displayStoreUrl } from '../../src/config/shared-store-config.js';

const base = { TAKE_PROFIT_PCT: '1', STOP_LOSS_PCT: '2', DCA_STEPS: '1:100' };
const refusal = (env: Record<string, string>): ConfigError => {
  try {
    parseServiceConfig({ ...base, ...env });
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('expected a rejection');
};

test('unset: the SQLite file, no shared store', () => {
  expect(parseServiceConfig(base).sharedStore).toBeUndefined();
  expect(parseServiceConfig({ ...base, STORE_URL: '  ' }).sharedStore).toBeUndefined();
});

test('a postgres URL with the lease defaults; the password is registered with the scrubber', () => {
  const c = parseServiceConfig({ ...base, STORE_URL: 'postgres://svc:s3cretPw0rd@db.internal:5432/exstate' });
  expect(c.sharedStore).toMatchObject({ leaseTtlMs: 15_000, leaseMarginMs: 5_000 });
  expect(c.sharedStore!.accountId).toMatch(/^sim-[0-9a-f]{16}$/);
  expect(scrubText('connect failed for s3cretPw0rd')).not.toContain('s3cretPw0rd');
  expect(displayStoreUrl(c.sharedStore!.url)).toBe('postgres://db.internal:5432/exstate');
});

test.each([
  [{ STORE_URL: 'mysql://u:hunter2@h/db' }, 'STORE_URL'],
  [{ STORE_URL: 'not a url' }, 'STORE_URL'],
  [{ STORE_URL: 'postgres://h/db', ACCOUNT_ID: 'has space' }, 'ACCOUNT_ID'],
  [{ STORE_URL: 'postgres://h/db', LEASE_TTL_MS: '1000' }, 'LEASE_TTL_MS'],
  [{ STORE_URL: 'postgres://h/db', LEASE_TTL_MS: '10000', LEASE_MARGIN_MS: '6000' }, 'LEASE_MARGIN_MS'],
  [{ STORE_URL: 'postgres://h/db', LEASE_MARGIN_MS: '100' }, 'LEASE_MARGIN_MS'],
  [{ STORE_URL: 'postgres://h/db', LEASE_TTL_MS: 'soon' }, 'LEASE_TTL_MS'],
])('%j is refused, naming %s', (env, field) => {
  const error = refusal(env);
  expect(error.field).toBe(field);
  expect(`${error.message} ${JSON.stringify(error.value)}`).not.toContain('hunter2');
});

test('the default account name is the same for the same venue, URL and key, differs otherwise, and holds no key', () => {
  const a = defaultAccountId({ venue: 'binanceusdm', url: 'https://fapi.example', apiKey: 'KEY-AAAA' });
  expect(defaultAccountId({ venue: 'binanceusdm', url: 'https://fapi.example', apiKey: 'KEY-AAAA' })).toBe(a);
  expect(defaultAccountId({ venue: 'binanceusdm', url: 'https://fapi.example', apiKey: 'KEY-BBBB' })).not.toBe(a);
  expect(a).not.toContain('KEY');
});
