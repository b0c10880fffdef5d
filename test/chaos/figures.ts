// One line of figures per chaos run (CLI and CI).
import type { RunResult } from './runner.js';

export function figuresLine(r: RunResult): string {
  const f = r.figures;
  return `seed ${f.seed} (${f.positionMode}): steps=${f.steps} faults=${f.faults} kills=${f.killsDone}/${f.kills} graceful=${f.gracefulRestarts} starts=${f.incarnations} orders=${f.orders} fills=${f.appFills} requests=${f.requests} refused=${f.stepsRefused} settle=${(f.settleMs / 1000).toFixed(1)}s wall=${(f.wallMs / 1000).toFixed(1)}s violations=${r.violations.length}${r.warnings.length ? ` warnings=${r.warnings.length}` : ''}`;
}
