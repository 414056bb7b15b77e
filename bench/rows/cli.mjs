// Rows measured on the msglog command line against grep on the same file, run interleaved in one loop:
//   sessions  — `msglog sessions FILE` vs `grep -c -F KEY FILE`
//   filter    — `msglog filter FILE --text KEY --keyed` (cold: a new process indexes the file) vs the same grep
//   memory    — peak RSS of `msglog sessions FILE` (from /usr/bin/time -v) vs the file size
import * as fs from 'node:fs';
import { measuredRow, unavailableRow } from '../lib/rows.mjs';
import { ensureApt, fmtBytes, fmtMs, log, median, MSGLOG, timeCommand } from '../lib/util.mjs';

export const CLI_ROWS = {
  sessions: { what: (mb) => `msglog sessions (full index), ${mb} MB`, target: '≤ 2.0 × grep -c -F KEY' },
  filter: { what: (mb) => `cold keyed filter (msglog filter --keyed), ${mb} MB`, target: '≤ 2.5 × grep -c -F KEY' },
  memory: { what: (mb) => `peak RSS indexing (msglog sessions), ${mb} MB`, target: '≤ 0.35 × file size' },
};

export async function cliRows({ file, mb, key, runs, want }) {
  const size = fs.statSync(file).size;
  const time = ensureApt('time', 'time', '/usr/bin/time');
  const timeV = Boolean(time.path);
  const needSessions = want.has('sessions') || want.has('memory');
  const needFilter = want.has('filter');
  const grepMs = [];
  const sessionsMs = [];
  const sessionsRss = [];
  const filterMs = [];
  const filterRss = [];
  let grepCount;
  let failure;
  for (let i = 0; i < runs && !failure; i++) {
    const g = await timeCommand('grep', ['-c', '-F', key, file], { captureStdout: true });
    grepMs.push(g.ms);
    grepCount = g.stdout.trim();
    if (needSessions) {
      const s = await timeCommand(process.execPath, [MSGLOG, 'sessions', file], { timeV });
      if (s.code !== 0) failure = `msglog sessions exited ${s.code ?? s.signal}: ${s.stderr.trim().split('\n')[0]}`;
      sessionsMs.push(s.ms);
      if (s.maxRssBytes) sessionsRss.push(s.maxRssBytes);
    }
    if (needFilter) {
      const f = await timeCommand(process.execPath, [MSGLOG, 'filter', file, '--text', key, '--keyed'], { timeV });
      if (f.code !== 0) failure = `msglog filter exited ${f.code ?? f.signal}: ${f.stderr.trim().split('\n')[0]}`;
      filterMs.push(f.ms);
      if (f.maxRssBytes) filterRss.push(f.maxRssBytes);
    }
    log(`cli run ${i + 1}/${runs}: grep ${fmtMs(grepMs.at(-1))}` + (needSessions ? `, sessions ${fmtMs(sessionsMs.at(-1))}` : '') + (needFilter ? `, filter ${fmtMs(filterMs.at(-1))}` : ''));
  }
  const grep = median(grepMs);
  const rows = [];
  const baseline = `grep ${fmtMs(grep)}`;
  const runsNote = `median of ${grepMs.length}; KEY ${key} (grep counts ${grepCount} lines)`;
  if (want.has('sessions')) {
    const def = CLI_ROWS.sessions;
    if (failure && sessionsMs.length === 0) rows.push(unavailableRow({ id: 'sessions', what: def.what(mb), target: def.target, status: 'error', reason: failure }));
    else {
      const ms = median(sessionsMs);
      rows.push(measuredRow({ id: 'sessions', what: def.what(mb), measured: fmtMs(ms), baseline, ratio: ms / grep, limit: 2.0, target: def.target, note: runsNote, data: { msglogMs: sessionsMs, grepMs } }));
    }
  }
  if (want.has('filter')) {
    const def = CLI_ROWS.filter;
    if (failure && filterMs.length === 0) rows.push(unavailableRow({ id: 'filter', what: def.what(mb), target: def.target, status: 'error', reason: failure }));
    else {
      const ms = median(filterMs);
      rows.push(measuredRow({ id: 'filter', what: def.what(mb), measured: fmtMs(ms), baseline, ratio: ms / grep, limit: 2.5, target: def.target, note: runsNote, data: { msglogMs: filterMs, grepMs, peakRssBytes: filterRss } }));
    }
  }
  if (want.has('memory')) {
    const def = CLI_ROWS.memory;
    if (!timeV) rows.push(unavailableRow({ id: 'memory', what: def.what(mb), target: def.target, reason: time.why }));
    else if (sessionsRss.length === 0) rows.push(unavailableRow({ id: 'memory', what: def.what(mb), target: def.target, status: 'error', reason: failure ?? '/usr/bin/time -v printed no maximum RSS' }));
    else {
      const rss = Math.max(...sessionsRss);
      rows.push(
        measuredRow({
          id: 'memory',
          what: def.what(mb),
          measured: fmtBytes(rss),
          baseline: `file ${fmtBytes(size)}`,
          ratio: rss / size,
          limit: 0.35,
          target: def.target,
          note: `largest of ${sessionsRss.length} runs under /usr/bin/time -v` + (filterRss.length ? `; keyed filter peaks at ${fmtBytes(Math.max(...filterRss))}` : ''),
          data: { peakRssBytes: sessionsRss, fileBytes: size },
        }),
      );
    }
  }
  return rows;
}
