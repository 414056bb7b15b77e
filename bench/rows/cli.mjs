// Rows measured on the msglog command line against wc -l and grep on the same file, run interleaved in
// one loop (so that load from other work on the machine hits every contender alike):
//   check     — `msglog check FILE` (the index plus its diagnostics) vs `wc -l FILE` (finding every line end)
//   sessions  — `msglog sessions --json FILE` vs the same wc -l
//   filter    — `msglog filter FILE --text KEY --keyed` (cold: a new process indexes the file) vs `grep -c -F KEY FILE`
//   memory    — peak RSS of `msglog sessions FILE` (from /usr/bin/time -v) vs the file size
import * as fs from 'node:fs';
import { measuredRow, unavailableRow } from '../lib/rows.mjs';
import { ensureApt, fmtBytes, fmtMs, log, median, MSGLOG, timeCommand } from '../lib/util.mjs';

export const CLI_ROWS = {
  check: { what: (mb) => `msglog check (index + diagnostics), ${mb} MB`, target: '≤ 8 × wc -l' },
  sessions: { what: (mb) => `msglog sessions --json, ${mb} MB`, target: '≤ 10 × wc -l' },
  filter: { what: (mb) => `cold keyed filter (msglog filter --keyed), ${mb} MB`, target: '≤ 4 × grep -c -F KEY' },
  memory: { what: (mb) => `peak RSS of msglog sessions, ${mb} MB`, target: '≤ 0.35 × file size' },
};

/** Runs `msglog ARGS` under the clock; a failure is reported once, as the reason of the rows it spoils. */
async function msglog(args, timeV, failures, name) {
  const r = await timeCommand(process.execPath, [MSGLOG, ...args], { timeV });
  // check exits 1 when it found an error diagnostic: that is its answer, not a failure.
  if (r.code !== 0 && !(name === 'check' && r.code === 1)) failures[name] ??= `msglog ${args[0]} exited ${r.code ?? r.signal}: ${r.stderr.trim().split('\n')[0]}`;
  return r;
}

export async function cliRows({ file, mb, key, runs, want }) {
  const size = fs.statSync(file).size;
  const time = ensureApt('time', 'time', '/usr/bin/time');
  const timeV = Boolean(time.path);
  const needSessions = want.has('sessions') || want.has('memory');
  const m = { wc: [], grep: [], check: [], sessions: [], filter: [], sessionsRss: [], filterRss: [], checkRss: [] };
  const failures = {};
  let grepCount;
  let wcCount;
  for (let i = 0; i < runs; i++) {
    const w = await timeCommand('wc', ['-l', file], { captureStdout: true });
    m.wc.push(w.ms);
    wcCount = w.stdout.trim().split(/\s+/)[0];
    const g = await timeCommand('grep', ['-c', '-F', key, file], { captureStdout: true });
    m.grep.push(g.ms);
    grepCount = g.stdout.trim();
    if (want.has('check')) {
      const c = await msglog(['check', file], timeV, failures, 'check');
      m.check.push(c.ms);
      if (c.maxRssBytes) m.checkRss.push(c.maxRssBytes);
    }
    if (needSessions) {
      const s = await msglog(['sessions', file, '--json'], timeV, failures, 'sessions');
      m.sessions.push(s.ms);
      if (s.maxRssBytes) m.sessionsRss.push(s.maxRssBytes);
    }
    if (want.has('filter')) {
      const f = await msglog(['filter', file, '--text', key, '--keyed'], timeV, failures, 'filter');
      m.filter.push(f.ms);
      if (f.maxRssBytes) m.filterRss.push(f.maxRssBytes);
    }
    const parts = [`wc ${fmtMs(m.wc.at(-1))}`, `grep ${fmtMs(m.grep.at(-1))}`];
    for (const name of ['check', 'sessions', 'filter']) if (m[name].length > i) parts.push(`${name} ${fmtMs(m[name].at(-1))}`);
    log(`cli run ${i + 1}/${runs}: ${parts.join(', ')}`);
  }
  const wc = median(m.wc);
  const grep = median(m.grep);
  const rows = [];
  const wcNote = `median of ${m.wc.length}; wc -l counts ${wcCount} lines`;
  const grepNote = `median of ${m.grep.length}; KEY ${key} (grep counts ${grepCount} lines)`;
  const ratioRow = (id, base, baseMs, limit, note) => {
    const def = CLI_ROWS[id];
    if (failures[id]) return unavailableRow({ id, what: def.what(mb), target: def.target, status: 'error', reason: failures[id] });
    const ms = median(m[id]);
    return measuredRow({ id, what: def.what(mb), measured: fmtMs(ms), baseline: `${base} ${fmtMs(baseMs)}`, ratio: ms / baseMs, limit, target: def.target, note, data: { msglogMs: m[id], wcMs: m.wc, grepMs: m.grep } });
  };
  if (want.has('check')) rows.push(ratioRow('check', 'wc -l', wc, 8, wcNote + (m.checkRss.length ? `; peak RSS ${fmtBytes(Math.max(...m.checkRss))}` : '')));
  if (want.has('sessions')) rows.push(ratioRow('sessions', 'wc -l', wc, 10, wcNote));
  if (want.has('filter')) rows.push(ratioRow('filter', 'grep', grep, 4, grepNote + (m.filterRss.length ? `; peak RSS ${fmtBytes(Math.max(...m.filterRss))}` : '')));
  if (want.has('memory')) {
    const def = CLI_ROWS.memory;
    if (!timeV) rows.push(unavailableRow({ id: 'memory', what: def.what(mb), target: def.target, reason: time.why }));
    else if (m.sessionsRss.length === 0) rows.push(unavailableRow({ id: 'memory', what: def.what(mb), target: def.target, status: 'error', reason: failures.sessions ?? '/usr/bin/time -v printed no maximum RSS' }));
    else {
      const rss = Math.max(...m.sessionsRss);
      rows.push(
        measuredRow({
          id: 'memory',
          what: def.what(mb),
          measured: fmtBytes(rss),
          baseline: `file ${fmtBytes(size)}`,
          ratio: rss / size,
          limit: 0.35,
          target: def.target,
          note: `largest of ${m.sessionsRss.length} runs under /usr/bin/time -v`,
          data: { peakRssBytes: m.sessionsRss, fileBytes: size },
        }),
      );
    }
  }
  return rows;
}

export const DIALECT_ROW = {
  what: (mb) => `msglog check, other dialects, ${mb} MB each`,
  target: 'each ≤ 10 × wc -l',
};

/** `msglog check` on a generated log of each other dialect, each against wc -l on the same file. */
export async function dialectsRow({ files, mb, runs }) {
  const results = [];
  for (const [dialect, file] of files) {
    const wc = [];
    const check = [];
    for (let i = 0; i < runs; i++) {
      wc.push((await timeCommand('wc', ['-l', file])).ms);
      const c = await timeCommand(process.execPath, [MSGLOG, 'check', file]);
      if (c.code !== 0 && c.code !== 1) return unavailableRow({ id: 'dialects', what: DIALECT_ROW.what(mb), target: DIALECT_ROW.target, status: 'error', reason: `msglog check ${dialect} exited ${c.code ?? c.signal}: ${c.stderr.trim().split('\n')[0]}` });
      check.push(c.ms);
    }
    results.push({ dialect, wcMs: median(wc), checkMs: median(check), ratio: median(check) / median(wc), runs: { wc, check } });
    log(`dialects: ${dialect} check ${fmtMs(median(check))}, wc -l ${fmtMs(median(wc))}`);
  }
  const worst = results.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  return measuredRow({
    id: 'dialects',
    what: DIALECT_ROW.what(mb),
    measured: results.map((r) => `${r.dialect} ${fmtMs(r.checkMs)}`).join(', '),
    baseline: `wc -l ${results.map((r) => fmtMs(r.wcMs)).join(', ')}`,
    ratio: worst.ratio,
    limit: 10,
    target: DIALECT_ROW.target,
    note: `medians of ${runs}; ratio = the worst (${worst.dialect}); ${results.map((r) => `${r.dialect} ${r.ratio.toFixed(1)}×`).join(', ')}`,
    data: { results },
  });
}
