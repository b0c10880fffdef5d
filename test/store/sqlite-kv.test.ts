// The embedded store: durable across reopen, all-or-nothing per transaction, readable by (and
// able to read) the file format the earlier keyv store wrote, and never written by read-only modes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import { openSqliteKv, openSqliteReadOnly } from '../../src/store/sqlite-kv.js';
import type { DurableKv } from '../../src/store/durable-kv.js';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'exstate-kv-')), 'store.sqlite');

async function all(kv: DurableKv): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for await (const [k, v] of kv.entries()) out.set(k, v);
  return out;
}

test('a write survives closing and reopening the file', async () => {
  const path = fresh();
  const kv = openSqliteKv(path);
  await kv.set('ctx:a', { customOrderId: 'a', status: 'pending', note: ':colon first' });
  await kv.set('ctx:a', { customOrderId: 'a', status: 'active', note: ':colon first' });
  await kv.close();
  const again = openSqliteKv(path);
  expect(await all(again)).toEqual(new Map([['ctx:a', { customOrderId: 'a', status: 'active', note: ':colon first' }]]));
  await again.close();
});

test('setMany writes all of its entries or none of them', async () => {
  const path = fresh();
  const kv = openSqliteKv(path);
  await kv.set('ctx:keep', { v: 1 });
  // A value that cannot be serialized fails the transaction after the first entry was written in it.
  await expect(kv.setMany([['ctx:sl', { v: 2 }], ['ctx:tp', { big: 1n }]])).rejects.toThrow();
  expect(await all(kv)).toEqual(new Map([['ctx:keep', { v: 1 }]]));
  await kv.setMany([['ctx:sl', { v: 2 }], ['ctx:tp', { v: 3 }]]);
  expect([...(await all(kv)).keys()].sort()).toEqual(['ctx:keep', 'ctx:sl', 'ctx:tp']);
  await kv.close();
});

test('a store file written by the earlier keyv store opens with every entry, and keyv reads what this one writes', async () => {
  const path = fresh();
  const old = new Keyv({ store: new KeyvSqlite({ uri: `sqlite://${path}`, table: 'exstate' }), namespace: 'exstate' });
  await old.set('ctx:old', { customOrderId: 'old', note: ':x', n: null });
  await old.set('ladder:BTC|LONG', { scopeKey: 'BTC|LONG', consumedSteps: 2 });
  await old.disconnect();
  const kv = openSqliteKv(path);
  expect(await all(kv)).toEqual(new Map<string, unknown>([
    ['ctx:old', { customOrderId: 'old', note: ':x', n: null }],
    ['ladder:BTC|LONG', { scopeKey: 'BTC|LONG', consumedSteps: 2 }],
  ]));
  await kv.set('ctx:new', { customOrderId: 'new', note: ':y' });
  await kv.close();
  const reader = new Keyv({ store: new KeyvSqlite({ uri: `sqlite://${path}`, table: 'exstate' }), namespace: 'exstate' });
  expect(await reader.get('ctx:new')).toEqual({ customOrderId: 'new', note: ':y' });
  await reader.disconnect();
});

test('the read-only view reads the file once and never writes it; a missing file is an empty store', async () => {
  const path = fresh();
  const kv = openSqliteKv(path);
  await kv.set('ctx:a', { v: 1 });
  await kv.close();
  const ro = openSqliteReadOnly(path);
  await ro.set('ctx:b', { v: 2 });
  expect([...(await all(ro)).keys()].sort()).toEqual(['ctx:a', 'ctx:b']);
  const check = openSqliteKv(path);
  expect([...(await all(check)).keys()]).toEqual(['ctx:a']);
  await check.close();
  expect((await all(openSqliteReadOnly(fresh()))).size).toBe(0);
});
