// Kills for the surviving mutants of src/runtime/redact.ts (issue 9, part B,
// docs/MUTATION_SURVIVORS_RUNTIME.md), written from SPEC section 6 ("Secrets, signatures and listen
// keys never reach a log, the dashboard or an error message") and the contract the module states:
// one scrubber knows the values the process holds (credentials for the process's life, the latest
// 64 listen keys), cuts them and their URL-encoded forms, secret-bearing parameters, 64-hex runs
// and the listen key of a socket path; records are scrubbed copy on write to depth 8; secret-named
// fields are replaced whatever they hold. (test/secrets/ covers the same ground but is one of the
// slow suites a mutation run leaves out.)
import { Decimal } from 'decimal.js';
import { REDACTED, clearRegisteredSecrets, redact, registerSecret, registeredSecretCount, scrubDeep, scrubText } from '../../src/runtime/redact.js';

afterEach(() => clearRegisteredSecrets());

describe('the registry of secret values', () => {
  test('a value shorter than 6 characters (after trimming) is not registered; 6 is', () => {
    registerSecret('  abcde  ');
    expect(registeredSecretCount()).toBe(0);
    registerSecret('  abcdef  ');
    expect(registeredSecretCount()).toBe(1);
    // Registered trimmed: the value is cut where it stands in a text.
    expect(scrubText('x abcdef y')).toBe(`x ${REDACTED} y`);
  });

  test('nothing, null or a non-string registers nothing', () => {
    registerSecret(undefined);
    registerSecret(null);
    registerSecret(12345678 as unknown as string);
    expect(registeredSecretCount()).toBe(0);
  });

  test('registering a value twice counts it once; a credential stays a credential', () => {
    registerSecret('credential-1');
    registerSecret('credential-1');
    registerSecret('credential-1', 'listen_key');
    expect(registeredSecretCount()).toBe(1);
    // Not pushed out by 64 listen keys: it was never one.
    for (let i = 0; i < 64; i++) registerSecret(`listen-key-value-${i}`, 'listen_key');
    expect(registeredSecretCount()).toBe(65);
    expect(scrubText('x credential-1 y')).toBe(`x ${REDACTED} y`);
  });

  test('a listen key later registered as a credential is kept for the process\'s life', () => {
    registerSecret('promoted-key-1', 'listen_key');
    registerSecret('promoted-key-1');
    expect(registeredSecretCount()).toBe(1);
    for (let i = 0; i < 64; i++) registerSecret(`listen-key-value-${i}`, 'listen_key');
    expect(scrubText('x promoted-key-1 y')).toBe(`x ${REDACTED} y`);
    expect(registeredSecretCount()).toBe(65);
  });

  test('exactly 64 listen keys are kept; the 65th pushes out the oldest', () => {
    for (let i = 0; i < 64; i++) registerSecret(`listen-key-value-${i}`, 'listen_key');
    expect(registeredSecretCount()).toBe(64);
    expect(scrubText('a listen-key-value-0 b')).toBe(`a ${REDACTED} b`);
    registerSecret('listen-key-value-64', 'listen_key');
    expect(registeredSecretCount()).toBe(64);
    expect(scrubText('a listen-key-value-0 b')).toBe('a listen-key-value-0 b');
    expect(scrubText('a listen-key-value-1 b')).toBe(`a ${REDACTED} b`);
  });

  test('a listen key registered again becomes the newest (the oldest other one goes first)', () => {
    for (let i = 0; i < 64; i++) registerSecret(`listen-key-value-${i}`, 'listen_key');
    registerSecret('listen-key-value-0', 'listen_key');
    registerSecret('listen-key-value-64', 'listen_key');
    expect(scrubText('a listen-key-value-0 b')).toBe(`a ${REDACTED} b`);
    expect(scrubText('a listen-key-value-1 b')).toBe('a listen-key-value-1 b');
  });

  test('a value registered after a text was scrubbed is cut from the next text', () => {
    expect(scrubText('p late-secret-9 q')).toBe('p late-secret-9 q');
    registerSecret('late-secret-9');
    expect(scrubText('p late-secret-9 q')).toBe(`p ${REDACTED} q`);
    registerSecret('late-listen-key-9', 'listen_key');
    expect(scrubText('p late-listen-key-9 q')).toBe(`p ${REDACTED} q`);
  });

  test('clearing forgets every value, and texts are no longer cut', () => {
    registerSecret('credential-1');
    registerSecret('listen-key-1', 'listen_key');
    expect(scrubText('credential-1')).toBe(REDACTED);
    clearRegisteredSecrets();
    expect(registeredSecretCount()).toBe(0);
    expect(scrubText('credential-1 listen-key-1')).toBe('credential-1 listen-key-1');
  });
});

describe('scrubText', () => {
  test('a registered value and its URL-encoded form are cut; a value without special characters has one form', () => {
    registerSecret('se/cr+et value');
    expect(scrubText('a se/cr+et value b se%2Fcr%2Bet%20value c')).toBe(`a ${REDACTED} b ${REDACTED} c`);
  });

  test('an empty text, or not a text, comes back as it is', () => {
    registerSecret('credential-1');
    expect(scrubText('')).toBe('');
    expect(scrubText(undefined as unknown as string)).toBeUndefined();
  });

  test('given values are cut; a given value shorter than 4 characters is not', () => {
    expect(scrubText('key abc and abcd here', ['abc'])).toBe('key abc and abcd here');
    expect(scrubText('key abcd here', ['abcd'])).toBe(`key ${REDACTED} here`);
    expect(scrubText('key abcd here', [''])).toBe('key abcd here');
  });

  test('a given list of another content with the same array is cut by its new content', () => {
    const given = ['first-given-1'];
    expect(scrubText('first-given-1 second-given-2', given)).toBe(`${REDACTED} second-given-2`);
    given.push('second-given-2');
    expect(scrubText('first-given-1 second-given-2', given)).toBe(`${REDACTED} ${REDACTED}`);
    // Another array with the same content: the same cut.
    expect(scrubText('first-given-1 second-given-2', ['first-given-1', 'second-given-2'])).toBe(`${REDACTED} ${REDACTED}`);
  });

  test('secret-bearing parameters are cut in query strings, JSON and headers', () => {
    expect(scrubText('GET /x?symbol=BTCUSDT&signature=abc123def&y=1')).toBe(`GET /x?symbol=BTCUSDT&signature=${REDACTED}&y=1`);
    expect(scrubText('{"listenKey":"lkVALUEabcdef","code":-1}')).toBe(`{"listenKey":"${REDACTED}","code":-1}`);
    expect(scrubText('X-MBX-APIKEY: hdrVALUE42 rest of it')).toBe(`X-MBX-APIKEY: ${REDACTED} rest of it`);
    expect(scrubText('api_key=someKEYvalue and more')).toBe(`api_key=${REDACTED} and more`);
  });

  test('"undefined", "null" and an already redacted value after a name stay', () => {
    expect(scrubText('API_SECRET=undefined: VENUE=binanceusdm needs API_SECRET')).toBe('API_SECRET=undefined: VENUE=binanceusdm needs API_SECRET');
    expect(scrubText('the signature=null was refused here')).toBe('the signature=null was refused here');
  });

  test('a 64-hex run is a signature; 63 or 65 hex characters are not', () => {
    const sig = 'a1'.repeat(32);
    expect(scrubText(`sig ${sig} end`)).toBe(`sig ${REDACTED} end`);
    expect(scrubText(`sig ${sig.slice(1)} end`)).toBe(`sig ${sig.slice(1)} end`);
    expect(scrubText(`sig ${sig}f end`)).toBe(`sig ${sig}f end`);
    expect(scrubText(`sig ${sig.toUpperCase()} end`)).toBe(`sig ${REDACTED} end`);
  });

  test('the listen key of a user-data socket path is cut', () => {
    expect(scrubText('Connection to ws://127.0.0.1:1/ws/AbCdEfGhIjKlMnOpQrStUv failed')).toBe(`Connection to ws://127.0.0.1:1/ws/${REDACTED} failed`);
    expect(scrubText('Connection to wss://x/ws/short-name failed')).toBe('Connection to wss://x/ws/short-name failed');
  });

  test('one text with every kind: all cut, ordinary words left', () => {
    registerSecret('REGISTERED-CRED');
    const text = `order BTCUSDT REGISTERED-CRED signature=zz9 ${'b'.repeat(64)} /ws/ABCDEFGHIJKLMNOPQRST done`;
    expect(scrubText(text)).toBe(`order BTCUSDT ${REDACTED} signature=${REDACTED} ${REDACTED} /ws/${REDACTED} done`);
  });
});

describe('scrubDeep: every string of a record, copy on write, class instances left', () => {
  test('nested objects and arrays: only what changed is copied', () => {
    registerSecret('deepSECRET99');
    const scope = { symbol: 'BTCUSDT' };
    const list = ['plain', 'deepSECRET99'];
    const clean = ['a', 'b'];
    const fields = { scope, list, clean, n: 5, nothing: null };
    const out = scrubDeep(fields);
    expect(out).not.toBe(fields);
    expect(out.scope).toBe(scope);
    expect(out.clean).toBe(clean);
    expect(out.list).not.toBe(list);
    expect(out.list).toEqual(['plain', REDACTED]);
    expect(list).toEqual(['plain', 'deepSECRET99']);
    expect(fields.list).toBe(list);
    expect(out.n).toBe(5);
    expect(out.nothing).toBeNull();
  });

  test('a clean array comes back as the same array', () => {
    const arr = ['a', { b: 'c' }];
    expect(scrubDeep(arr)).toBe(arr);
  });

  test('an Error becomes its scrubbed message; class instances are left as they are', () => {
    registerSecret('errSECRET123');
    expect(scrubDeep({ e: new Error('failed errSECRET123') })).toEqual({ e: `failed ${REDACTED}` });
    const price = new Decimal('1');
    const map = new Map([['k', 'errSECRET123']]);
    const out = scrubDeep({ price, map });
    expect(out.price).toBe(price);
    expect(out.map).toBe(map);
  });

  test('an object without a prototype is plain: scrubbed', () => {
    registerSecret('nullPROTOsecret');
    const o = Object.create(null) as Record<string, unknown>;
    o.reason = 'nullPROTOsecret';
    expect(scrubDeep({ o }).o).toEqual(Object.assign(Object.create(null), { reason: REDACTED }));
  });

  test('depth: scrubbed down to depth 8, left below', () => {
    registerSecret('depthSECRET1');
    const nest = (n: number): unknown => (n === 0 ? 'depthSECRET1' : { x: nest(n - 1) });
    expect(JSON.stringify(scrubDeep(nest(9)))).not.toContain('depthSECRET1');
    expect(JSON.stringify(scrubDeep(nest(10)))).toContain('depthSECRET1');
  });
});

describe('redact: secret-named fields replaced, every other string scrubbed', () => {
  test('secret-named fields at any nesting, whatever they hold', () => {
    const out = redact({ apiKey: 'k', nested: { api_secret: { deep: 1 }, Authorization: 'Bearer x', password: 'p', passphrase: 'q', token: 't', listen_key: 'l' }, list: [{ signature: 's' }], symbol: 'BTCUSDT' });
    expect(out).toEqual({ apiKey: REDACTED, nested: { api_secret: REDACTED, Authorization: REDACTED, password: REDACTED, passphrase: REDACTED, token: REDACTED, listen_key: REDACTED }, list: [{ signature: REDACTED }], symbol: 'BTCUSDT' });
  });

  test('strings are scrubbed; numbers, booleans and null stay', () => {
    registerSecret('redactSECRET7');
    expect(redact({ reason: 'with redactSECRET7', n: 1, b: true, z: null })).toEqual({ reason: `with ${REDACTED}`, n: 1, b: true, z: null });
    expect(redact('redactSECRET7')).toBe(REDACTED);
    expect(redact(['redactSECRET7', 2])).toEqual([REDACTED, 2]);
  });

  test('an Error becomes its scrubbed message; values that serialize themselves are kept', () => {
    registerSecret('redactSECRET8');
    const price = new Decimal('65000');
    const when = new Date(0);
    const out = redact({ e: new Error('x redactSECRET8'), price, when });
    expect(out.e).toBe(`x ${REDACTED}`);
    expect(out.price).toBe(price);
    expect(out.when).toBe(when);
  });

  test('a class instance without toJSON is read field by field', () => {
    class Thing { secret = 'hidden'; name = 'ok'; }
    expect(redact({ t: new Thing() })).toEqual({ t: { secret: REDACTED, name: 'ok' } });
  });

  test('depth: fields are replaced down to depth 8, left below', () => {
    const nest = (n: number): unknown => (n === 0 ? { secret: 'deep-value' } : { x: nest(n - 1) });
    expect(JSON.stringify(redact(nest(8)))).not.toContain('deep-value');
    expect(JSON.stringify(redact(nest(9)))).toContain('deep-value');
  });
});

describe('more of the scrubber\'s contract', () => {
  test('a registered value that is a prefix of another never cuts the longer one in two, whatever the order registered', () => {
    registerSecret('PREFIXVALUE');
    registerSecret('PREFIXVALUE-AND-MORE');
    expect(scrubText('a PREFIXVALUE-AND-MORE b PREFIXVALUE c')).toBe(`a ${REDACTED} b ${REDACTED} c`);
    const given = ['given-secret-1', 'given-secret-1-longer'];
    expect(scrubText('p given-secret-1-longer q given-secret-1 r', given)).toBe(`p ${REDACTED} q ${REDACTED} r`);
  });

  test('a given list changed in place is read anew, even when its values only moved a character across', () => {
    const given = ['given-aaaa1', 'bbbb-given'];
    expect(scrubText('x given-aaaa1 y bbbb-given z', given)).toBe(`x ${REDACTED} y ${REDACTED} z`);
    given[0] = 'given-aaaa';
    given[1] = '1bbbb-given';
    expect(scrubText('x given-aaaa y 1bbbb-given z', given)).toBe(`x ${REDACTED} y ${REDACTED} z`);
  });

  test('a text of exactly 16 characters still loses a secret-bearing parameter', () => {
    expect('signature=abcdef').toHaveLength(16);
    expect(scrubText('signature=abcdef')).toBe(`signature=${REDACTED}`);
  });

  test('undefined fields in a record are fine: kept as they are', () => {
    const rec = { customOrderId: undefined, n: 1, list: [undefined, 'a'] };
    expect(scrubDeep(rec)).toBe(rec);
  });

  test('a record that refers to itself is scrubbed to the depth bound, not forever', () => {
    registerSecret('cyclicSECRET1');
    const list: unknown[] = ['cyclicSECRET1'];
    list.push(list);
    const out = scrubDeep(list) as unknown[];
    expect(out[0]).toBe(REDACTED);
    const obj: Record<string, unknown> = { reason: 'cyclicSECRET1' };
    obj.self = obj;
    expect((scrubDeep(obj) as Record<string, unknown>).reason).toBe(REDACTED);
  });
});
