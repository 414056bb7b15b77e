// The server's cache of logs read from disk (server/src/largeLogStore.ts), without the protocol: indexes
// built in chunks from the file equal the engine's openLogFile, growth is appended, rotation and
// truncation index anew, cancellation drops the work and closes the file, eviction stops watching.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { CancellationTokenSource } from 'vscode-languageserver';
import type { LargeLogStoreHost, LargeLogParse } from '../../server/src/largeLogStore';
import { LargeLogStore } from '../../server/src/largeLogStore';
import type { LogIndex } from '../../server/src/engine';
import { CancelledError, FileSource, listSessions, openLogFile } from '../../server/src/engine';
import type { LogChangeKind } from '../../common/protocol';
import { EDGE_LINES, mixedEndings, REAL_LOG, snapshot } from './helpers';

/** The engine's own index of the file as it is now. */
function fresh(file: string): unknown {
  const index = openLogFile(file, { fileName: path.basename(file), mtimeMs: fs.statSync(file).mtimeMs });
  try {
    return snapshot(index);
  } finally {
    (index.source as FileSource).close();
  }
}

const CGP = EDGE_LINES;
const MIXED = mixedEndings(CGP);

class Host implements LargeLogStoreHost {
  readonly changes: [string, LogChangeKind][] = [];
  readonly evictions: string[] = [];
  readonly failures: unknown[] = [];
  private waiting: (() => void)[] = [];
  toleranceMs = () => 1000;
  changed = (uri: string, kind: LogChangeKind): void => {
    this.changes.push([uri, kind]);
    this.waiting.splice(0).forEach((wake) => wake());
  };
  evicted = (uri: string): void => void this.evictions.push(uri);
  backgroundProgress = async () => undefined;
  failed = (error: unknown): void => void this.failures.push(error);

  /** Resolves when `count` changes have been heard (the watcher's, polled every few ms here). */
  async changesReach(count: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.changes.length < count) {
      if (Date.now() > deadline) throw new Error(`heard ${this.changes.length} changes, waited for ${count}`);
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}

function openFds(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

/** Polls `probe` until `done` accepts its value (or `timeoutMs` passes); returns the last value. */
async function until<T>(probe: () => T, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = probe();
  }
  return value;
}

describe('logs read from disk (largeLogStore)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-disklogs-'));
  const made: LargeLogStore[] = [];
  after(() => {
    for (const d of made) d.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const disk = (host: Host, stepBytes?: number, capacity = 2) => {
    const d = new LargeLogStore(host, { stepBytes, capacity, watchIntervalMs: 20 });
    made.push(d);
    return d;
  };
  const write = (name: string, text: string | Buffer) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const index = (parse: LargeLogParse): LogIndex => {
    assert.ok(parse.index, parse.problem);
    return parse.index;
  };

  test('an index kept in the cache folder is restored by the next session, and what the log gained since is appended', async () => {
    const file = write('2026-01-15.log', fs.readFileSync(REAL_LOG));
    const cacheDir = path.join(tmp, 'kept-indexes');
    const store = (host = new Host()) => {
      const d = new LargeLogStore(host, { capacity: 2, watchIntervalMs: 20, cacheDir: () => cacheDir, cacheMinBytes: 1 });
      made.push(d);
      return d;
    };
    const uri = `file://${file}`;
    const first = await store().get(uri, file);
    assert.equal(index(first).restored, false, 'the first session scans the log');
    assert.deepEqual(snapshot(index(first)), fresh(file));
    // The entry is written in the background: wait for it.
    const kept = await until(() => fs.existsSync(cacheDir) && fs.readdirSync(cacheDir).some((n) => n.endsWith('.msglog-index')), (v) => v);
    assert.ok(kept, 'an entry was written in the cache folder');
    assert.deepEqual(fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith('2026-01-15')), ['2026-01-15.log'], 'nothing beside the log');

    const second = await store().get(uri, file);
    assert.equal(index(second).restored, true, 'the next session reads the kept index');
    assert.deepEqual(snapshot(index(second)), fresh(file));

    fs.appendFileSync(file, fs.readFileSync(REAL_LOG, 'utf8').split('\n').slice(0, 25).join('\n') + '\n');
    const grown = await store().get(uri, file);
    assert.equal(index(grown).restored, true, 'a log that grew keeps its index');
    assert.deepEqual(snapshot(index(grown)), fresh(file), 'and the new records are indexed as a fresh scan has them');

    const host = new Host();
    const off = new LargeLogStore(host, { capacity: 2, watchIntervalMs: 20, cacheDir: () => undefined, cacheMinBytes: 1 });
    made.push(off);
    assert.equal(index(await off.get(uri, file)).restored, false, 'with the setting off nothing is read from the cache');
    assert.deepEqual(host.failures, []);
  });

  test('an index built in chunks of any size from the file equals openLogFile, whatever the line endings', async () => {
    const files: [string, number[]][] = [
      [write('mixed.log', MIXED), [1, 7, 64, 4096]],
      [write('real.log', fs.readFileSync(REAL_LOG)), [777, 4096, 1 << 20]],
    ];
    for (const [file, steps] of files) {
      const expected = fresh(file);
      for (const step of steps) {
        const reports: number[] = [];
        const parse = await disk(new Host(), step).get(`file://${file}`, file, { progress: { report: (done) => reports.push(done), end: () => undefined } });
        assert.deepEqual(snapshot(index(parse)), expected, `${path.basename(file)} in chunks of ${step}`);
        assert.ok(index(parse).source instanceof FileSource, 'read from the file, not held in memory');
        assert.equal(reports.at(-1), fs.statSync(file).size, 'progress up to the end');
        if (fs.statSync(file).size > 2 * step) assert.ok(reports.length > 2, `${reports.length} progress reports in chunks of ${step}`);
      }
    }
  });

  test('growth is appended (equal to a fresh index), also past a last line without terminator', async () => {
    const host = new Host();
    const logs = disk(host, 100);
    const bytes = fs.readFileSync(REAL_LOG);
    const cut = bytes.lastIndexOf(0x0a, 100_000) + 1;
    const file = write('growing.log', bytes.subarray(0, cut));
    const uri = 'file:///growing.log';
    const before = index(await logs.get(uri, file));
    fs.appendFileSync(file, bytes.subarray(cut, 200_000)); // ends mid-line
    const grown = index(await logs.get(uri, file));
    assert.equal(grown, before, 'the same index, appended to');
    assert.deepEqual(snapshot(grown), fresh(file));
    fs.appendFileSync(file, bytes.subarray(200_000)); // the partial line goes on: indexed anew
    const whole = index(await logs.get(uri, file));
    assert.notEqual(whole, before, 'a new index');
    assert.deepEqual(snapshot(whole), fresh(file));
    assert.deepEqual(host.changes, [
      [uri, 'grown'],
      [uri, 'grown'],
    ]);
  });

  test('the watcher notices growth, rotation by rename, truncation, deletion and a new file without a request', async () => {
    const host = new Host();
    const logs = disk(host);
    const file = write('watched.log', CGP.slice(0, 3).join('\n') + '\n');
    const uri = 'file:///watched.log';
    await logs.get(uri, file);
    const current = async () => snapshot(index(await logs.get(uri, file)));

    fs.appendFileSync(file, CGP.slice(3).join('\n') + '\n');
    await host.changesReach(1);
    assert.deepEqual(host.changes.at(-1), [uri, 'grown']);
    assert.deepEqual(await current(), fresh(file));

    fs.renameSync(file, `${file}.1`);
    fs.writeFileSync(file, '12:00:00.000 2 POP-7([1.2.3.4]) new file\n');
    await host.changesReach(2);
    assert.deepEqual(host.changes.at(-1), [uri, 'replaced']);
    assert.deepEqual(listSessions(index(await logs.get(uri, file))).map((s) => s.key), ['POP-7']);

    fs.writeFileSync(file, '12:00:00.000 2 A-1 x\n'); // shorter: truncated in place
    await host.changesReach(3);
    assert.deepEqual(host.changes.at(-1), [uri, 'replaced']);
    assert.deepEqual(await current(), fresh(file));

    fs.rmSync(file);
    await host.changesReach(4);
    const gone = await logs.get(uri, file);
    assert.equal(gone.index, undefined);
    assert.match(gone.problem ?? '', /gone/);
    fs.writeFileSync(file, CGP.join('\n'));
    await host.changesReach(5);
    assert.deepEqual(await current(), fresh(file));
    assert.deepEqual(host.failures, []);
  });

  test('a file that is not a log is remembered with its problem, and indexed once it becomes one', async () => {
    const host = new Host();
    const logs = disk(host);
    const file = write('later.log', '');
    const uri = 'file:///later.log';
    const fds = openFds();
    const empty = await logs.get(uri, file);
    assert.equal(empty.index, undefined);
    assert.match(empty.problem ?? '', /not a log/);
    assert.equal(openFds(), fds, 'no file kept open for it');
    assert.deepEqual(logs.list().map((l) => [l.uri, l.backing, l.watched]), [[uri, 'none', true]]);
    fs.writeFileSync(file, CGP.join('\n') + '\n');
    await host.changesReach(1);
    assert.deepEqual(snapshot(index(await logs.get(uri, file))), fresh(file));
    const binary = await logs.get('file:///binary', write('binary.log', Buffer.from([0x31, 0, 0x32, 0x0a])));
    assert.match(binary.problem ?? '', /binary/);
  });

  test('cancelled indexing is dropped and its file closed; a caller that did not cancel still gets it', async () => {
    const text = Array.from({ length: 40_000 }, (_, i) => `10:00:00.000 5 IMAP-${i % 500}([1.2.3.4]) line ${i}`).join('\n');
    const file = write('cancel.log', text);
    const fds = openFds();
    const logs = disk(new Host(), 4096);
    const source = new CancellationTokenSource();
    let reports = 0;
    const cancelled = logs.get('file:///cancel.log', file, {
      token: source.token,
      progress: { report: () => ++reports === 3 && source.cancel(), end: () => undefined },
    });
    await assert.rejects(cancelled, (e: unknown) => e instanceof CancelledError);
    // The caller stops waiting at once; the indexing stops at its next look and closes the file.
    assert.equal(await until(openFds, (n) => n === fds), fds, 'the file is closed');
    assert.deepEqual(logs.list(), [], 'nothing kept');

    // Two callers: one cancels, the other waits; the indexing goes on for it.
    const first = new CancellationTokenSource();
    const a = logs.get('file:///cancel.log', file, { token: first.token });
    const b = logs.get('file:///cancel.log', file);
    setImmediate(() => first.cancel());
    await assert.rejects(a, (e: unknown) => e instanceof CancelledError);
    assert.equal(index(await b).recordCount, 40_000);
  });

  test('a request holding an index reads it after the file was rotated away; the old file closes as soon as the request is done', async () => {
    const host = new Host();
    const logs = disk(host);
    const file = write('held.log', CGP.join('\n') + '\n');
    const uri = 'file:///held.log';
    await logs.get(uri, file);
    const fds = openFds(); // the indexed file is open
    const headers = await logs.use(uri, file, {}, async (parse) => {
      const held = index(parse);
      fs.renameSync(file, path.join(tmp, 'held.log.1')); // rotation: another file takes the name
      fs.writeFileSync(file, '12:00:00.000 2 NEW-1 rotated in\n');
      await host.changesReach(1);
      assert.deepEqual(host.changes, [[uri, 'replaced']]);
      assert.equal(openFds(), fds + 1, 'the rotated file stays open while a request reads through its index');
      return Array.from({ length: held.recordCount }, (_, r) => held.headerLine(r));
    });
    assert.deepEqual(headers, CGP.filter((line) => /^\d\d:\d\d/.test(line)), 'the old index read the old file, not a reused descriptor');
    assert.equal(openFds(), fds, 'the rotated file closed when the request was done, not on a timer');
    assert.deepEqual(listSessions(index(await logs.get(uri, file))).map((s) => s.key), ['NEW-1']);
  });

  test('the least recently used file is evicted: unwatched, its file closed, the host told', async () => {
    const host = new Host();
    const logs = disk(host, undefined, 1);
    const a = write('lru-a.log', CGP.join('\n'));
    const b = write('lru-b.log', CGP.join('\n'));
    await logs.get('file:///a', a);
    await logs.get('file:///b', b);
    assert.deepEqual(host.evictions, ['file:///a']);
    assert.deepEqual(logs.list().map((l) => l.uri), ['file:///b']);
    fs.appendFileSync(a, '\n12:00:02.000 2 X-1 more\n');
    fs.appendFileSync(b, '\n12:00:02.000 2 X-1 more\n');
    // Both files are polled at the same interval: once b's growth is heard, a's would have been too.
    await host.changesReach(1);
    assert.deepEqual(host.changes, [['file:///b', 'grown']], 'an evicted file is not watched');
    const fds = openFds();
    logs.dispose();
    assert.equal(openFds(), fds - 1, 'dispose closes the files at once');
  });
});
