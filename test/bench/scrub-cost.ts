// The scrubber's cost per journal record as the registry grows (issue 13 item 4): 2 credentials
// plus N listen keys (a long-running service keeps up to 64). Run alone:
// `node --import tsx test/bench/scrub-cost.ts [listenKeys]`.
import { registerSecret, scrubDeep, clearRegisteredSecrets } from '../../src/runtime/redact.js';
clearRegisteredSecrets();
registerSecret('k'.repeat(10) + 'APIKEYVALUE1234567890abcdefghijklmnopqrstuvwxyzABCDEFGHIJ');
registerSecret('SECRETVALUE1234567890abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO');
for (let i = 0; i < Number(process.argv[2] ?? 30); i++) registerSecret(`listenkey${i}abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWX`, 'listen_key');
const rec = { scope: { exchange: 'binance', product: 'linear', symbol: 'BTCUSDT', managedSide: 'LONG' }, slot: 'SL', customOrderId: 'xs8Jk2mQpL0aZ9rT4yWq', exchangeOrderId: '123456789', price: '63700.5', qty: '0.010', reason: 'position row changed the size', passId: 42 };
let x = 0;
for (let i = 0; i < 20000; i++) x += Object.keys(scrubDeep(rec)).length;
const t = process.cpuUsage();
const N = 200000;
for (let i = 0; i < N; i++) x += Object.keys(scrubDeep({ ...rec, passId: i })).length;
const c = process.cpuUsage(t);
console.log(JSON.stringify({ secrets: Number(process.argv[2] ?? 30) + 2, usPerRecord: (c.user + c.system) / N, x }));
