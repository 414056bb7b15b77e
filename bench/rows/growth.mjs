// Growth: 1 MB appended to an indexed large log must be indexed without a full re-index. Measured on
// the engine (bundled from server/src/engine at bench time) when it offers an append API; otherwise the
// row says why it is not available.
//
// The API looked for (as of this writing): openLogFile(path) → LogIndex over a FileSource;
// index.source.refresh() notices the file grew; index.append() indexes only the new bytes and returns
// false when it cannot (then a full re-index would be needed, which the row reports as such).
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { generatedLog } from '../lib/files.mjs';
import { measuredRow, unavailableRow } from '../lib/rows.mjs';
import { CACHE_DIR, fmtMs, log, median, nowMs, ROOT } from '../lib/util.mjs';

const require = createRequire(import.meta.url);

export const GROWTH_ROW = { what: (mb) => `growth: 1 MB appended to an indexed ${mb} MB log`, target: '≤ 50 ms (no full re-index)' };

/** Bundles the engine from source (esbuild, as npm run build does) so its API can be used directly. */
async function loadEngine() {
  const { build } = require('esbuild');
  const outfile = path.join(CACHE_DIR, `engine-${process.pid}.cjs`);
  await build({ entryPoints: [path.join(ROOT, 'server/src/engine/index.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
  try {
    return require(outfile);
  } finally {
    fs.rmSync(outfile, { force: true });
  }
}

export async function growthRow({ file, mb, runs }) {
  const what = GROWTH_ROW.what(mb);
  const target = GROWTH_ROW.target;
  let engine;
  try {
    engine = await loadEngine();
  } catch (e) {
    return unavailableRow({ id: 'growth', what, target, status: 'error', reason: `cannot bundle server/src/engine: ${e.message}` });
  }
  const hasAppend = typeof engine.LogIndex?.prototype?.append === 'function';
  const hasFileOpen = typeof engine.openLogFile === 'function' && typeof engine.FileSource?.prototype?.refresh === 'function';
  if (!hasAppend || !hasFileOpen) {
    const missing = [!hasAppend && 'LogIndex.append', !hasFileOpen && 'openLogFile/FileSource.refresh'].filter(Boolean).join(' and ');
    return unavailableRow({ id: 'growth', what, target, reason: `the engine has no API to append to an indexed log (${missing} missing)` });
  }
  // A scratch copy of the large log, grown by 1 MB of freshly generated lines per run.
  const chunk = fs.readFileSync(generatedLog(1));
  const scratch = path.join(CACHE_DIR, `growth-${process.pid}.log`);
  log(`growth: copying ${path.basename(file)} to a scratch file and indexing it with openLogFile …`);
  fs.copyFileSync(file, scratch);
  let index;
  try {
    const t0 = nowMs();
    index = engine.openLogFile(scratch, { fileName: path.basename(file) });
    const fullMs = nowMs() - t0;
    const times = [];
    for (let i = 0; i < runs; i++) {
      const before = index.recordCount;
      fs.appendFileSync(scratch, chunk);
      const t = nowMs();
      const grown = index.source.refresh();
      const ok = grown === 'grown' && index.append();
      const ms = nowMs() - t;
      if (!ok) return unavailableRow({ id: 'growth', what, target, status: 'error', reason: `after 1 MB appended, refresh() said "${grown}" and append() could not index incrementally` });
      if (!(index.recordCount > before)) return unavailableRow({ id: 'growth', what, target, status: 'error', reason: 'append() indexed no new records' });
      times.push(ms);
      log(`growth run ${i + 1}/${runs}: ${fmtMs(ms)} for ${index.recordCount - before} new records`);
    }
    const ms = median(times);
    return measuredRow({
      id: 'growth',
      what,
      measured: fmtMs(ms),
      baseline: `full index ${fmtMs(fullMs)}`,
      value: ms,
      limit: 50,
      target,
      note: `median of ${runs} appends of 1 MB (${chunk.length} bytes) to a file indexed with openLogFile: FileSource.refresh() + LogIndex.append(), in-process; the baseline is openLogFile's full index of the same file`,
      data: { appendMs: times, fullIndexMs: fullMs, chunkBytes: chunk.length },
    });
  } finally {
    try {
      index?.source?.close?.();
    } catch {
      // already closed
    }
    fs.rmSync(scratch, { force: true });
  }
}
