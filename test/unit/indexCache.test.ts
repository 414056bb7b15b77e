// The on-disk index cache (engine/indexCache.ts): an index restored from it is the index a fresh scan
// gives, a log that grew is restored and appended to, changed bytes or another dialect are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cacheFileOf, FileSource, loadIndexCache, openLogFile, saveIndexCache } from '../../server/src/engine';
import { communigate } from '../../server/src/engine/dialects/communigate';
import { emg } from '../../server/src/engine/dialects/emg';
import { REAL_LOG, snapshot } from './helpers';

const CTX = { fileName: '2026-01-15.log', mtimeMs: Date.UTC(2026, 0, 15) };

function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-cache-'));
  return run(dir).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

/** The real log, with overflow markers, a SIP dialog and records without a time mixed in, repeated. */
function logText(): string {
  const real = fs.readFileSync(REAL_LOG, 'utf8');
  return [real, '***', '***', real].join('\n');
}

test('index cache: a restored index equals a fresh one, and appends what the log gained as a fresh index sees it', async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, '2026-01-15.log');
    const cacheDir = path.join(dir, 'cache');
    fs.writeFileSync(file, logText() + '\n');
    const fresh = openLogFile(file, { ...CTX, threads: 1 });
    await saveIndexCache(cacheDir, file, fresh);
    (fresh.source as FileSource).close();
    assert.ok(fs.existsSync(cacheFileOf(cacheDir, file)), 'the entry is written in the cache directory');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['2026-01-15.log', 'cache'], 'nothing is written next to the log');

    const source = new FileSource(file);
    const restored = await loadIndexCache(cacheDir, file, source, communigate, CTX, 1000);
    assert.ok(restored, 'the entry matches the log');
    assert.deepEqual(snapshot(restored), snapshot(openLogFile(file, { ...CTX, threads: 1 })));

    // The log grows: the restored index appends the new bytes, as an index of the whole file would have them.
    const more = fs.readFileSync(REAL_LOG, 'utf8').split('\n').slice(0, 40).join('\n') + '\n';
    fs.appendFileSync(file, more);
    const source2 = new FileSource(file);
    const grown = await loadIndexCache(cacheDir, file, source2, communigate, CTX, 1000);
    assert.ok(grown, 'a grown log keeps its entry');
    assert.ok(grown.scannedTo < source2.size);
    assert.equal(grown.append(), true);
    assert.deepEqual(snapshot(grown), snapshot(openLogFile(file, { ...CTX, threads: 1 })));
    source.close();
    source2.close();
  });
});

test('index cache: changed bytes, a shorter log, another dialect or a non-partable dialect get no index', async () => {
  await withDir(async (dir) => {
    const file = path.join(dir, '2026-01-15.log');
    const cacheDir = path.join(dir, 'cache');
    const text = logText() + '\n';
    fs.writeFileSync(file, text);
    const fresh = openLogFile(file, { ...CTX, threads: 1 });
    await saveIndexCache(cacheDir, file, fresh);
    (fresh.source as FileSource).close();
    const load = async (dialect = communigate): Promise<boolean> => {
      const source = new FileSource(file);
      try {
        return (await loadIndexCache(cacheDir, file, source, dialect, CTX, 1000)) !== undefined;
      } finally {
        source.close();
      }
    };
    assert.equal(await load(), true);
    assert.equal(await load(emg), false, 'EMG parsers keep state from line to line: never cached');
    // The same size, one byte changed near the end of what was indexed.
    const changed = Buffer.from(text);
    changed[changed.length - 10] = changed[changed.length - 10] === 0x41 ? 0x42 : 0x41;
    fs.writeFileSync(file, changed);
    assert.equal(await load(), false, 'changed bytes');
    fs.writeFileSync(file, text.slice(0, text.length >> 1));
    assert.equal(await load(), false, 'a shorter log');
    fs.writeFileSync(cacheFileOf(cacheDir, file), 'not an entry');
    fs.writeFileSync(file, text);
    assert.equal(await load(), false, 'a damaged entry');
  });
});

test('index cache: a restored index takes a new tolerance, and the oldest entries are dropped past the limit', async () => {
  await withDir(async (dir) => {
    const cacheDir = path.join(dir, 'cache');
    const files = [1, 2, 3].map((k) => path.join(dir, `2026-01-1${k}.log`));
    for (const [k, file] of files.entries()) {
      fs.writeFileSync(file, logText() + '\n');
      const index = openLogFile(file, { fileName: path.basename(file), threads: 1 });
      await saveIndexCache(cacheDir, file, index, { entries: 2 });
      (index.source as FileSource).close();
      // Entries are ordered by the time they were written: make it differ.
      fs.utimesSync(cacheFileOf(cacheDir, file), new Date(1000 * (k + 1)), new Date(1000 * (k + 1)));
    }
    assert.equal(fs.existsSync(cacheFileOf(cacheDir, files[0])), false, 'the oldest entry is gone');
    assert.equal(fs.existsSync(cacheFileOf(cacheDir, files[2])), true);
    const source = new FileSource(files[2]);
    const ctx = { fileName: path.basename(files[2]) };
    const restored = await loadIndexCache(cacheDir, files[2], source, communigate, ctx, 0);
    assert.ok(restored);
    const expected = openLogFile(files[2], { ...ctx, threads: 1, toleranceMs: 0 });
    assert.deepEqual(snapshot(restored), snapshot(expected));
    source.close();
  });
});
