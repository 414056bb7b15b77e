// lnav (Debian package) indexing the same file headless, vs msglog check. lnav gets the shared
// CommuniGate format (../shared/tools/lnav/cgp_log.json), copied to ~/.lnav/formats/installed/ here.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measuredRow, unavailableRow } from '../lib/rows.mjs';
import { ensureApt, fmtMs, log, median, MSGLOG, SHARED, timeCommand } from '../lib/util.mjs';

export const LNAV_ROW = { what: (mb) => `lnav indexing vs msglog check, ${mb} MB`, target: '≥ 6 × (msglog six times faster)' };

export async function lnavRow({ file, mb, runs }) {
  const what = LNAV_ROW.what(mb);
  const target = LNAV_ROW.target;
  const lnav = ensureApt('lnav', 'lnav');
  if (!lnav.path) return unavailableRow({ id: 'lnav', what, target, reason: 'lnav: not installed', data: { why: lnav.why } });
  const format = path.join(SHARED, 'tools/lnav/cgp_log.json');
  const formatsDir = path.join(os.homedir(), '.lnav/formats/installed');
  try {
    fs.mkdirSync(formatsDir, { recursive: true });
    fs.copyFileSync(format, path.join(formatsDir, 'cgp_log.json'));
  } catch (e) {
    return unavailableRow({ id: 'lnav', what, target, status: 'error', reason: `cannot install the lnav format: ${e.message}` });
  }
  // Check that lnav really parses the file with the format (it counts the records of its table).
  const check = await timeCommand(lnav.path, ['-n', '-c', ';SELECT count(*) AS n FROM cgp_log', file], { captureStdout: true });
  const lnavRecords = Number((/(\d+)\s*$/.exec(check.stdout.trim()) ?? [])[1]);
  const lnavMs = [];
  const msglogMs = [];
  for (let i = 0; i < runs; i++) {
    const l = await timeCommand(lnav.path, ['-n', '-c', ':goto 100%', file]);
    if (l.code !== 0) return unavailableRow({ id: 'lnav', what, target, status: 'error', reason: `lnav exited ${l.code ?? l.signal}: ${l.stderr.trim().split('\n')[0]}` });
    lnavMs.push(l.ms);
    const m = await timeCommand(process.execPath, [MSGLOG, 'check', file]);
    if (m.code !== 0 && m.code !== 1) return unavailableRow({ id: 'lnav', what, target, status: 'error', reason: `msglog check exited ${m.code ?? m.signal}` });
    msglogMs.push(m.ms);
    log(`lnav run ${i + 1}/${runs}: lnav ${fmtMs(l.ms)}, msglog check ${fmtMs(m.ms)}`);
  }
  const lm = median(lnavMs);
  const mm = median(msglogMs);
  const version = (await timeCommand(lnav.path, ['-V'], { captureStdout: true })).stdout.trim();
  return measuredRow({
    id: 'lnav',
    what,
    measured: `msglog ${fmtMs(mm)}`,
    baseline: `lnav ${fmtMs(lm)}`,
    ratio: lm / mm,
    limit: 6,
    cmp: '>=',
    target,
    note: `median of ${runs}; ratio = lnav time / msglog time; ${version}, \`lnav -n -c ':goto 100%' FILE\`` + (Number.isFinite(lnavRecords) ? `; lnav's cgp_log table has ${lnavRecords} records` : '; lnav did not report its cgp_log table'),
    data: { lnavMs, msglogMs, lnavRecords, lnavVersion: version },
  });
}
