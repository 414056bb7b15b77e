// The export row: `msglog export FILE --format ecs > /dev/null` (a new process: read, index, serialise
// every record) on the large log, as throughput in MB of log per second, run interleaved with its
// baselines in one loop: `wc -l FILE` (reading the bytes) and `msglog goto FILE 23:59:59` (the same
// read and index with nothing written). OTLP is timed alongside and given in the note; peak RSS of the
// export against the index alone shows that the output is streamed, not gathered.
import * as fs from 'node:fs';
import { measuredRow, unavailableRow } from '../lib/rows.mjs';
import { ensureApt, fmtBytes, fmtMs, log, median, MSGLOG, timeCommand } from '../lib/util.mjs';

export const EXPORT_ROW = { what: (mb) => `msglog export --format ecs (index + serialise), ${mb} MB`, target: '≥ 100 MB of log per second' };

export async function exportRow({ file, mb, runs }) {
  const size = fs.statSync(file).size;
  const time = ensureApt('time', 'time', '/usr/bin/time');
  const timeV = Boolean(time.path);
  const t = { wc: [], index: [], ecs: [], otlp: [] };
  const rss = { index: [], ecs: [], otlp: [] };
  for (let i = 0; i < runs; i++) {
    t.wc.push((await timeCommand('wc', ['-l', file])).ms);
    const g = await timeCommand(process.execPath, [MSGLOG, 'goto', file, '23:59:59'], { timeV });
    if (g.code !== 0 && g.code !== 1) return [unavailableRow({ id: 'export', ...def(mb), status: 'error', reason: `msglog goto exited ${g.code}: ${g.stderr.trim().split('\n')[0]}` })];
    t.index.push(g.ms);
    if (g.maxRssBytes) rss.index.push(g.maxRssBytes);
    for (const format of ['ecs', 'otlp']) {
      const r = await timeCommand(process.execPath, [MSGLOG, 'export', file, '--format', format, '--out', '/dev/null'], { timeV });
      if (r.code !== 0) return [unavailableRow({ id: 'export', ...def(mb), status: 'error', reason: `msglog export --format ${format} exited ${r.code}: ${r.stderr.trim().split('\n')[0]}` })];
      t[format].push(r.ms);
      if (r.maxRssBytes) rss[format].push(r.maxRssBytes);
    }
    log(`export run ${i + 1}/${runs}: wc ${fmtMs(t.wc.at(-1))}, index ${fmtMs(t.index.at(-1))}, ecs ${fmtMs(t.ecs.at(-1))}, otlp ${fmtMs(t.otlp.at(-1))}`);
  }
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  const mbps = (ms) => size / 1e6 / (ms / 1000);
  const peak = (xs) => (xs.length ? fmtBytes(Math.max(...xs)) : 'n/a');
  return [
    measuredRow({
      id: 'export',
      what: EXPORT_ROW.what(mb),
      measured: `${mbps(m.ecs).toFixed(0)} MB/s (${fmtMs(m.ecs)})`,
      baseline: `index ${fmtMs(m.index)}, wc -l ${fmtMs(m.wc)}`,
      value: mbps(m.ecs),
      ratio: undefined,
      limit: 100,
      cmp: '>=',
      target: EXPORT_ROW.target,
      note:
        `median of ${runs}; ecs ${fmtMs(m.ecs)} = ${(m.ecs / m.index).toFixed(2)} × the index alone (serialising alone: ${mbps(m.ecs - m.index).toFixed(0)} MB/s); otlp ${fmtMs(m.otlp)} (${mbps(m.otlp).toFixed(0)} MB/s); ` +
        `peak RSS: index ${peak(rss.index)}, ecs ${peak(rss.ecs)}, otlp ${peak(rss.otlp)}` +
        (timeV ? '' : ` (${time.why})`),
      data: { ...t, peakRssBytes: rss, fileBytes: size },
    }),
  ];
}

function def(mb) {
  return { what: EXPORT_ROW.what(mb), target: EXPORT_ROW.target };
}
