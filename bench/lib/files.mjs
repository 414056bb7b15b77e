// Benchmark inputs: CommuniGate logs from the project's generator (scripts/gen-logs.mjs), cached by
// size, and a session key that exists in the file.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE_DIR, ROOT, log, nowMs, fmtMs } from './util.mjs';

export const GENERATOR = path.join(ROOT, 'scripts/gen-logs.mjs');

/**
 * The path of a generated CommuniGate log of `mb` megabytes. The generator is deterministic, so a
 * cached file is reused when its size matches the size recorded when it was generated.
 */
export function generatedLog(mb, dialect = 'communigate') {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  // Named with a date, as CommuniGate names its logs, so that times have a day; the generator's
  // version is in the name so that a cache from another generator is not reused.
  const file = path.join(CACHE_DIR, `own-${dialect}-${mb}mb`, '2026-01-15.log');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sizeFile = `${file}.size`;
  try {
    const recorded = Number(fs.readFileSync(sizeFile, 'utf8').trim());
    if (recorded > 0 && fs.statSync(file).size === recorded) return file;
  } catch {
    // not cached yet
  }
  if (!fs.existsSync(GENERATOR)) throw new Error(`generator not found: ${GENERATOR}`);
  log(`generating ${mb} MB ${dialect} log with ${GENERATOR} …`);
  const t0 = nowMs();
  const tmp = `${file}.tmp`;
  const r = spawnSync(process.execPath, [GENERATOR, dialect, String(mb), tmp, '1'], { cwd: path.dirname(GENERATOR), stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gen-logs failed: ${r.stderr}`);
  fs.renameSync(tmp, file);
  fs.writeFileSync(sizeFile, `${fs.statSync(file).size}\n`);
  log(`generated ${file} in ${fmtMs(nowMs() - t0)}`);
  return file;
}

/**
 * A session key of a `read failed` record near the middle of the file, so that grep -F KEY and
 * msglog --text KEY look for the same thing. Returns the key and the header line it came from.
 */
export function pickKey(file) {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  try {
    for (const start of [Math.floor(size / 2), 0]) {
      const buf = Buffer.alloc(Math.min(8 << 20, size - start));
      fs.readSync(fd, buf, 0, buf.length, start);
      const text = buf.toString('utf8');
      const re = /^\d{2}:\d{2}:\d{2}(?:\.\d+)? \d ([A-Z]+-\d+)\S* read failed/m;
      const m = re.exec(text);
      if (m) return { key: m[1], line: m[0] };
    }
  } finally {
    fs.closeSync(fd);
  }
  throw new Error(`no "read failed" record found in ${file}`);
}

/** Reads the whole file once so that every contender starts with it in the page cache. */
export function warmPageCache(file) {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(16 << 20);
  try {
    let pos = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      pos += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}
