// The simulator for the ccxt-ingest bench, run as its own process (its serialization must not be
// in the measuring process's CPU): hedge mode, `--symbols N` perpetuals (default 500) named as the
// other benches name them (S0000USDT ...). Prints one JSON line: URLs, credentials, symbols.
import { startSimulator } from '../../src/sim/server.js';
import type { SymbolSpec } from '../../src/sim/sim-types.js';
import { symbolsFor } from './rows.js';

const arg = process.argv.indexOf('--symbols');
const count = arg > 0 ? Number(process.argv[arg + 1]) : 500;
const symbols = symbolsFor(count);
const specs: SymbolSpec[] = symbols.map((symbol) => ({
  symbol, baseAsset: symbol.replace(/USDT$/, ''), quoteAsset: 'USDT', tickSize: '0.01', stepSize: '0.001', minQty: '0.001', maxQty: '100000', minNotional: '5', pricePrecision: 2, quantityPrecision: 3,
}));
const sim = await startSimulator({ seed: 1, positionMode: 'hedge', symbols: specs, marks: Object.fromEntries(symbols.map((s, i) => [s, String(100 + (i % 50))])), walletBalance: '1000000' });
process.stdout.write(`${JSON.stringify({ rest: sim.rest, ws: sim.ws, control: sim.control, apiKey: sim.apiKey, secret: sim.secret, symbols })}\n`);
const stop = () => void sim.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
process.stdin.on('end', stop); // the parent went away
process.stdin.resume();
