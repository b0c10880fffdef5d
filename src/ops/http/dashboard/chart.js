// The activity chart (uPlot): reaction time (from the first row that affected a scope to its
// first request) and private rows per second, sampled once a second in the page from the running
// totals the status carries (`activity.reactions`, `activity.reactionSecondsSum`,
// `stream.rowsIngested`). The last five minutes; nothing is kept on the server for it.
import { html, useEffect, useRef } from '/assets/htm-preact.mjs';
import uPlot from '/assets/uplot.mjs';

const WINDOW = 300;
const HEIGHT = 170;

/** One sample from two readings of the totals: mean reaction (ms) over the second, rows/s. */
export function sample(previous, current, dtSeconds) {
  const dReactions = current.reactions - previous.reactions;
  const reactionMs = dReactions > 0 ? ((current.reactionSecondsSum - previous.reactionSecondsSum) / dReactions) * 1000 : null;
  const rowsPerSecond = dtSeconds > 0 ? Math.max(0, current.rows - previous.rows) / dtSeconds : 0;
  return { reactionMs, rowsPerSecond };
}

const totals = (status) => ({ reactions: status.activity?.reactions ?? 0, reactionSecondsSum: status.activity?.reactionSecondsSum ?? 0, rows: status.stream.rowsIngested ?? 0 });

export function ActivityChart({ status }) {
  const box = useRef(null);
  const latest = useRef(status);
  latest.current = status;

  useEffect(() => {
    const data = [[], [], []];
    const plot = new uPlot({
      width: box.current.clientWidth || 600, height: HEIGHT,
      scales: { x: { time: true }, ms: { auto: true, range: (_u, _min, max) => [0, Math.max(10, max ?? 0)] }, rows: { auto: true, range: (_u, _min, max) => [0, Math.max(1, max ?? 0)] } },
      series: [
        {},
        { label: 'reaction (ms)', scale: 'ms', stroke: '#d9822b', width: 2, points: { show: true, size: 5 }, spanGaps: false },
        { label: 'rows/s', scale: 'rows', stroke: '#2b7bd9', width: 1.5, fill: 'rgba(43,123,217,0.08)' },
      ],
      axes: [{}, { scale: 'ms', label: 'ms', size: 50 }, { scale: 'rows', side: 1, label: 'rows/s', size: 50, grid: { show: false } }],
      legend: { live: false },
    }, data, box.current);
    let previous = totals(latest.current);
    let previousAt = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      const current = totals(latest.current);
      const s = sample(previous, current, (now - previousAt) / 1000);
      previous = current;
      previousAt = now;
      data[0].push(now / 1000);
      data[1].push(s.reactionMs);
      data[2].push(s.rowsPerSecond);
      if (data[0].length > WINDOW) data.forEach((d) => d.shift());
      plot.setData(data);
    }, 1000);
    const resize = () => plot.setSize({ width: box.current.clientWidth || 600, height: HEIGHT });
    window.addEventListener('resize', resize);
    return () => {
      clearInterval(timer);
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, []);

  const a = status.activity ?? { reactions: 0, reactionSecondsSum: 0 };
  return html`<section class="card chart" data-testid="activity-chart"><h2>Reaction time and rows per second</h2>
    <div ref=${box} class="plot"></div>
    <p class="muted">${a.reactions} reaction${a.reactions === 1 ? '' : 's'} since start, mean ${a.reactions ? Math.round((a.reactionSecondsSum / a.reactions) * 1000) : '–'} ms</p>
  </section>`;
}
