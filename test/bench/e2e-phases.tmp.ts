import { PerformanceObserver } from 'node:perf_hooks';
import { benchSymbols, service, until, BURST_MS } from './e2e.js';
import { startSimulator } from '../../src/sim/server.js';
const count = 200;
const symbols = benchSymbols(count);
const sim = await startSimulator({ seed: 1, symbols, marks: Object.fromEntries(symbols.map((s) => [s.symbol, '100'])), walletBalance: '100000000' });
const ph = new Map<string, Record<string, number>>();
const at = (s: string, k: string) => { const r = ph.get(s) ?? {}; if (r[k] === undefined) r[k] = performance.now(); ph.set(s, r); };
sim.engine.onEvent((e) => { const o = (e as any).o; if (!o?.s) return;
  if (e.e === 'ORDER_TRADE_UPDATE' && o.x === 'TRADE') at(o.s, 'fill');
  if (e.e === 'ALGO_UPDATE') at(o.s, 'algo'); });
const gcs: Array<[number, number]> = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) gcs.push([e.startTime, e.duration]); }).observe({ entryTypes: ['gc'] });
const { runtime, journal } = await service(sim, 'demo');
journal.subscribe((r: any) => { const s = r.scope?.symbol ?? r.symbol; if (!s) return;
  if (r.event === 'scope_affected' && r.reason === 'position') at(s, 'posRow');
  if (r.event === 'scope_affected') { const p = ph.get(s) ?? {}; p.lastRow = performance.now(); ph.set(s, p); }
  if (r.event === 'workflow_pass' && r.actionFamily === 'protective') at(s, 'pass');
  if (r.event === 'submission_sent' && r.slot === 'SL') at(s, 'sent'); });
runtime.boot(); runtime.start();
await until('ready', () => runtime.state.serviceReady, 30_000);
for (const s of symbols) {
  sim.engine.placeOrder({ symbol: s.symbol, side: 'BUY', type: 'MARKET', quantity: '1', positionSide: 'LONG', owner: 'manual' });
  await until('algo', () => ph.get(s.symbol)?.algo !== undefined, 10_000);
}
await new Promise((r) => setTimeout(r, 200));
const rows = symbols.slice(20).map((s) => { const p = ph.get(s.symbol)!; return { s: s.symbol, total: p.algo! - p.fill! - BURST_MS, rows: p.posRow! - p.fill!, window: p.pass! - p.posRow! - BURST_MS, pass2sent: p.sent! - p.pass!, rest: p.algo! - p.sent!, gc: gcs.filter(([t, d]) => t + d > p.fill! && t < p.algo!).reduce((a, [, d]) => a + d, 0) }; });
rows.sort((a, b) => b.total - a.total);
const f = (x: number) => x.toFixed(1).padStart(6);
console.log('symbol      total  rows window  p2s   rest   gc');
for (const r of rows.slice(0, 8)) console.log(r.s, f(r.total), f(r.rows), f(r.window), f(r.pass2sent), f(r.rest), f(r.gc));
const med = (k: keyof typeof rows[0]) => { const v = rows.map((r) => r[k] as number).sort((a, b) => a - b); return v[Math.floor(v.length / 2)]!; };
console.log('median    ', f(med('total')), f(med('rows')), f(med('window')), f(med('pass2sent')), f(med('rest')), f(med('gc')));
process.exit(0);
