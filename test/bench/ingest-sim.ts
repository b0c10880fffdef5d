// The simulator for the ccxt-ingest and startup benches, run as its own process (its serialization
// must not be in the measuring process's CPU, nor on its core): hedge mode, `--symbols N`
// perpetuals (default 500) named as the other benches name them (S0000USDT ...). `--book` seeds
// every symbol as the startup benches do: a LONG and a SHORT position and 8 resting limit orders of
// another client, every mark at 100. Prints one JSON line: URLs, credentials, symbols.
import { startSimulator } from '../../src/sim/server.js';
import type { SymbolSpec } from '../../src/sim/sim-types.js';
import { symbolsFor } from './rows.js';
import { seedStartupBook } from './startup-book.js';

const arg = process.argv.indexOf('--symbols');
const count = arg > 0 ? Number(process.argv[arg + 1]) : 500;
const symbols = symbolsFor(count);
const specs: SymbolSpec[] = symbols.map((symbol) => ({
  symbol, baseAsset: symbol.replace(/USDT$/, ''), quoteAsset: 'USDT', tickSize: '0.01', stepSize: '0.001', minQty: '0.001', maxQty: '100000', minNotional: '5', pricePrecision: 2, quantityPrecision: 3,
}));
const book = process.argv.includes('--book');
const mark = (i: number) => (book ? '100' : String(100 + (i % 50)));
const sim = await startSimulator({ seed: 1, positionMode: 'hedge', symbols: specs, marks: Object.fromEntries(symbols.map((s, i) => [s, mark(i)])), walletBalance: book ? '1000000000' : '1000000' });
if (book) seedStartupBook(sim.engine, symbols);
process.stdout.write(`${JSON.stringify({ rest: sim.rest, ws: sim.ws, control: sim.control, apiKey: sim.apiKey, secret: sim.secret, symbols })}\n`);
const stop = () => void sim.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
process.stdin.on('end', stop); // the parent went away
process.stdin.resume();
