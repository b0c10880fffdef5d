// The one scrubber: registered values, secret-bearing parameters in any notation, signatures by
// shape, listen keys in socket paths; the journal applies it to every record (copy on write).
import { Decimal } from 'decimal.js';
import { parseServiceConfig } from '../../src/config/service-config.js';
import { Journal } from '../../src/runtime/journal.js';
import { REDACTED, clearRegisteredSecrets, registerSecret, scrubDeep, scrubText } from '../../src/runtime/redact.js';

afterEach(() => clearRegisteredSecrets());

test('values the configuration registered are cut from any text, also URL-encoded', () => {
  parseServiceConfig({ TAKE_PROFIT_PCT: '1', STOP_LOSS_PCT: '2', DCA_STEPS: '1:100', API_KEY: 'cfgKEYvalue123', API_SECRET: 'cfg/SECRET+value' });
  const out = scrubText('key cfgKEYvalue123 secret cfg/SECRET+value encoded cfg%2FSECRET%2Bvalue');
  expect(out).toBe(`key ${REDACTED} secret ${REDACTED} encoded ${REDACTED}`);
});

test.each([
  ['query', 'GET /fapi/v1/order?symbol=BTCUSDT&timestamp=1&signature=abc123def', 'abc123def'],
  ['json', '{"listenKey":"lkVALUEabcdef","code":-1}', 'lkVALUEabcdef'],
  ['header', 'X-MBX-APIKEY: hdrVALUE42 rest', 'hdrVALUE42'],
  ['ws path', 'Connection to ws://127.0.0.1:1/ws/AbCdEfGhIjKlMnOpQrStUv failed', 'AbCdEfGhIjKlMnOpQrStUv'],
  ['64 hex', `sig ${'a1'.repeat(32)} end`, 'a1'.repeat(32)],
])('%s', (_what, text, secret) => {
  expect(scrubText(text)).not.toContain(secret);
});

test('ordinary words and short values stay; "undefined" after a name stays', () => {
  registerSecret('abc');
  expect(scrubText('abc order BTCUSDT')).toBe('abc order BTCUSDT');
  expect(scrubText('API_SECRET=undefined: VENUE=binanceusdm needs API_SECRET')).toBe('API_SECRET=undefined: VENUE=binanceusdm needs API_SECRET');
});

test('listen keys registered by the adapter are cut; only the latest 64 are kept', () => {
  for (let i = 0; i < 70; i++) registerSecret(`listen-key-number-${i}`, 'listen_key');
  expect(scrubText('x listen-key-number-69 y')).toBe(`x ${REDACTED} y`);
  expect(scrubText('x listen-key-number-0 y')).toBe('x listen-key-number-0 y');
});

test('scrubDeep copies only what changes and leaves class instances alone', () => {
  registerSecret('deepSECRET99');
  const scope = { symbol: 'BTCUSDT' };
  const price = new Decimal('65000');
  const fields = { scope, price, nested: [{ reason: 'failed for deepSECRET99' }] };
  const out = scrubDeep(fields);
  expect(out).not.toBe(fields);
  expect(out.scope).toBe(scope);
  expect(out.price).toBe(price);
  expect(out.nested[0]!.reason).toBe(`failed for ${REDACTED}`);
  const clean = { scope, price };
  expect(scrubDeep(clean)).toBe(clean);
  // A secret-named field that holds nothing is not a secret shown: the record comes back as it was.
  const absent = { scope, apiKey: undefined };
  expect(scrubDeep(absent)).toBe(absent);
});

test('every journal record is scrubbed before any sink sees it', () => {
  registerSecret('journalSECRET77');
  const journal = new Journal({ now: () => 0 });
  const seen: unknown[] = [];
  journal.subscribe((r) => seen.push(r));
  const r = journal.record('hydration_failed', { reason: 'GET /x?signature=ffee&k=journalSECRET77' });
  expect(JSON.stringify([r, seen])).not.toMatch(/journalSECRET77|signature=ffee/);
});

test('values are cut literally, whatever they hold: regular-expression characters are not patterns', () => {
  registerSecret('a.b*c+d?e(f)g[h]i{j}k|l^m$n\\o');
  registerSecret('dot.dot.dot.dot');
  const out = scrubText('x a.b*c+d?e(f)g[h]i{j}k|l^m$n\\o y dotXdotXdotXdot z dot.dot.dot.dot');
  // The literal values go; a text the value would match as a pattern ("." as any character) stays.
  expect(out).toBe(`x ${REDACTED} y dotXdotXdotXdot z ${REDACTED}`);
});

test('a value that is a prefix of another never cuts the longer one in two; given values are cut too', () => {
  registerSecret('PREFIXVALUE');
  registerSecret('PREFIXVALUE-AND-MORE');
  expect(scrubText('a PREFIXVALUE-AND-MORE b PREFIXVALUE c')).toBe(`a ${REDACTED} b ${REDACTED} c`);
  const given = ['given-secret-1', 'given-secret-1-longer'];
  expect(scrubText('p given-secret-1-longer q given-secret-1 r', given)).toBe(`p ${REDACTED} q ${REDACTED} r`);
  // The same list again, changed in place: its new content counts.
  given[0] = 'other-given-secret';
  expect(scrubText('s other-given-secret t', given)).toBe(`s ${REDACTED} t`);
});

test('a secret-named field anywhere in a record is cut when the record is made, and its log line shows it cut', async () => {
  const { Writable } = await import('node:stream');
  const { attachLogger, createLogger } = await import('../../src/runtime/logger.js');
  const journal = new Journal({ now: () => 0 });
  const lines: string[] = [];
  attachLogger(journal, createLogger({ level: 'info', destination: new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }) }));
  const seen: unknown[] = [];
  journal.subscribe((r) => seen.push(r));
  // An unregistered value under a secret-bearing name, nested in a pass-through (json) field.
  const seededPosition = { symbol: 'BTCUSDT', auth: { apiKey: 'plainKEYnotRegistered', listen_key: 'plainLISTENnotRegistered', Signature: 'plainSIGnotRegistered' } };
  journal.record('simulator_started', { rest: 'http://127.0.0.1:1', control: 'http://127.0.0.1:2', seededPosition });
  const out = JSON.stringify([seen, lines]);
  expect(out).not.toMatch(/plainKEY|plainLISTEN|plainSIG/);
  expect(seen).toEqual([expect.objectContaining({ seededPosition: { symbol: 'BTCUSDT', auth: { apiKey: REDACTED, listen_key: REDACTED, Signature: REDACTED } } })]);
  expect(JSON.parse(lines[0]!).seededPosition.auth.apiKey).toBe(REDACTED);
  // The caller's object is left as it was (copy on write).
  expect(seededPosition.auth.apiKey).toBe('plainKEYnotRegistered');
});

test('anything else logged through the logger has its secret-named fields cut, at any depth', async () => {
  const { Writable } = await import('node:stream');
  const { createLogger } = await import('../../src/runtime/logger.js');
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }) });
  logger.info({ apiKey: 'directKEY1', nested: { deeper: { secret: 'directSECRET2' } }, url: '/x?signature=directSIG3' }, 'direct');
  expect(lines.join('')).not.toMatch(/directKEY1|directSECRET2|directSIG3/);
  expect(JSON.parse(lines[0]!)).toMatchObject({ apiKey: REDACTED, nested: { deeper: { secret: REDACTED } } });
});
