// Logs on disk are exported as a stream (engine/export/streamExport.ts): indexed a window at a
// time, each window's records written once the next window is indexed, then forgotten, and the
// sessions forgotten past a limit. Its bytes must be those of the export of the whole index: on the
// samples of every streamable dialect and the real CommuniGate log with windows down to a few lines,
// sessions forgotten every window, one thread and two; and on a generated CommuniGate day with its SIP
// Call-IDs, which a session writes a few records after its first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CHUNK_BYTES, expandInputs, exportInputsOf, type ExportOptions, LogExporter, LogSet, MergedRecordOrder, StreamExporter, streamable, streamInputs, type StreamOptions } from '../../server/src/engine';
import { communigate } from '../../server/src/engine/dialects/communigate';
import { ROOT } from './helpers';

const SAMPLES = [
  'samples/communigate/SystemLogs/2026-01-15.log',
  'samples/emg/log/connector.smpp1',
  'samples/axigen/log/everything.txt',
  'samples/messaging-server/imap.log',
];
/** The real log, under a dated name (a CommuniGate log is streamed when its name dates it). */
const REAL = 'test/fixtures/communigate-6.3.6a-xims-sip.log';

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-export-stream-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The export of the whole index of `file`, as `msglog export` wrote every log before streams. */
async function indexedExport(file: string | string[], options: ExportOptions): Promise<Buffer> {
  const expanded = await expandInputs(typeof file === 'string' ? [file] : file);
  assert.equal(expanded.problems.filter((p) => p.error).length, 0);
  const set = await LogSet.open(expanded.files, { utcOffsetMin: options.utcOffsetMin });
  try {
    const { inputs } = exportInputsOf(set);
    return Buffer.concat([...new LogExporter(inputs, options, new MergedRecordOrder(set.order)).chunks()]);
  } finally {
    set.close();
  }
}

/** The streamed export of `file` (several: each a source of its own or rotated files read as one, as the set reads them) and what the exporter says of it. */
async function streamedExport(file: string | string[], options: StreamOptions): Promise<{ text: Buffer; exporter: StreamExporter }> {
  const expanded = await expandInputs(typeof file === 'string' ? [file] : file);
  const inputs = streamInputs(expanded.files);
  assert.ok(inputs !== undefined, 'the logs are streamable');
  const exporter = new StreamExporter(inputs, options);
  try {
    return { text: Buffer.concat([...exporter.chunks()]), exporter };
  } finally {
    exporter.close();
  }
}

/** The export without its SIP Call-IDs (a window of a few lines looks ahead less far than the whole index). */
function withoutCallIds(text: Buffer): string {
  return text
    .toString('utf8')
    .replace(/,"sip\.call_id":"[^"]*"/g, '')
    .replace(/,\{"key":"sip\.call_id","value":\{"stringValue":"[^"]*"\}\}/g, '');
}

function lineCount(text: Buffer): number {
  let n = 0;
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) n++;
  return n;
}

const FORMATS: ExportOptions[] = [{ format: 'ecs' }, { format: 'ecs', bulk: true }, { format: 'otlp', batchRecords: 3 }];

for (const sample of [...SAMPLES, REAL]) {
  test(`a streamed export writes the bytes of the whole index's: ${path.basename(sample)}`, async () => {
    let file = path.join(ROOT, sample);
    if (sample === REAL) {
      fs.mkdirSync(path.join(dir, 'real'), { recursive: true });
      fs.copyFileSync(file, (file = path.join(dir, 'real', '2025-06-11.log')));
    }
    const size = fs.statSync(file).size;
    for (const options of FORMATS) {
      const whole = await indexedExport(file, options);
      const label = `${options.format}${options.bulk ? ' --bulk' : ''}`;
      // One window holding the whole log: exactly the same bytes.
      const one = await streamedExport(file, { ...options, windowBytes: size + 1 });
      assert.equal(one.exporter.windows, 1);
      assert.ok(one.text.equals(whole), `${label}, one window`);
      for (const windowBytes of [61, 997]) {
        for (const threads of [1, 2]) {
          // Slices of whole OTLP batches (3 records), as the exporter makes them.
          const { text, exporter } = await streamedExport(file, { ...options, windowBytes, threads, sliceRecords: 6, sessionLimit: 2 });
          const what = `${label}, windows of ${windowBytes} bytes, ${threads} thread(s)`;
          // A window ends at the first line end past its size.
          if (size > 4 * windowBytes) assert.ok(exporter.windows > 2, `${what}: several windows (${exporter.windows})`);
          assert.ok(exporter.sessionResets > 0, `${what}: sessions were forgotten`);
          assert.equal(exporter.threadsUsed, threads, `${what}: threads`);
          if (threads === 2) assert.ok(exporter.workerSlices > 0 && exporter.workerSlices < exporter.slices, `${what}: both threads wrote (${exporter.workerSlices} of ${exporter.slices})`);
          assert.equal(lineCount(text), lineCount(whole), `${what}: as many lines`);
          assert.equal(withoutCallIds(text), withoutCallIds(whole), what);
        }
      }
    }
  });
}

test('a generated CommuniGate day streamed in windows of 64 KiB: the same bytes, Call-IDs included, few records held at once', async () => {
  const file = path.join(dir, '2026-01-15.log');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), 'communigate', '3', file, '11'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const options of [{ format: 'ecs' }, { format: 'otlp', batchRecords: 100 }] satisfies ExportOptions[]) {
    const whole = await indexedExport(file, options);
    assert.ok(whole.includes('sip.call_id'), 'the log has SIP dialogs');
    for (const threads of [1, 2]) {
      const { text, exporter } = await streamedExport(file, { ...options, threads, windowBytes: 64 << 10, sessionLimit: 500, sliceRecords: 200 });
      const what = `${options.format}, ${threads} thread(s)`;
      assert.ok(text.equals(whole), `${what}: same bytes`);
      assert.ok(exporter.windows >= 40 && exporter.sessionResets > 0, `${what}: ${exporter.windows} windows, ${exporter.sessionResets} session resets`);
      // Two windows of records at most (one of look-ahead), not the log's.
      assert.ok(exporter.peakRecords * 10 < exporter.done, `${what}: at most ${exporter.peakRecords} of ${exporter.done} records held at once`);
    }
  }
});

/** CommuniGate lines of every shape a window's edge can fall between: markers, continuation and orphan lines, supplementary records, days. */
function shapes(i: number): string[] {
  const n = String(i).padStart(6, '0');
  return [
    '***',
    `23:59:00.000 2 IMAP-${n}([10.0.0.1]) got connection on [192.0.2.1]:143 from [10.0.0.1]:5000`,
    '  a continuation line',
    '  another one',
    '***',
    '***',
    `23:59:00.001 2 IMAP-${n} after two markers`,
    `23:59:00.002 5 SIPDATA-${n} inp: req udp [10.0.0.4]:5060 INVITE(872 bytes)`,
    `  Call-ID: call-${i}@host`,
    '***',
    '  an orphan line after a marker',
    `22:00:00.000 2 IMAP-${n} back in time`,
    `00:00:01.000 2 SMTPI-${n} the next day`,
    `00:00:02.000\t01\tlogin\tuser${i}\t[10.0.0.2]:143\tIMAP`,
    `00:00:03.000 3 QUEUE([${i}]) stored`,
  ];
}

test('msglog export streams: to stdout and to --out, its chunks (their buffers reused) are the whole index\'s bytes', async () => {
  const file = path.join(dir, '2026-01-16.log');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), 'communigate', '3', file, '13'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const whole = await indexedExport(file, { format: 'ecs' });
  assert.ok(whole.length > 8 * CHUNK_BYTES, 'many chunks');
  // Two threads, as msglog chooses for large logs.
  const env = { ...process.env, MSGLOG_THREADS: '2' };
  const out = spawnSync(process.execPath, [path.join(ROOT, 'bin/msglog.js'), 'export', file, '--format', 'ecs'], { env, maxBuffer: 1 << 30 });
  assert.equal(out.status, 0, String(out.stderr));
  assert.ok(out.stdout.equals(whole), 'stdout');
  const target = path.join(dir, 'out.ndjson');
  const toFile = spawnSync(process.execPath, [path.join(ROOT, 'bin/msglog.js'), 'export', file, '--format', 'ecs', '--out', target], { env });
  assert.equal(toFile.status, 0, String(toFile.stderr));
  assert.ok(fs.readFileSync(target).equals(whole), '--out');
});

test('windows that end anywhere: between markers, continuation lines, orphans and days; LF and CRLF', async () => {
  const lines = Array.from({ length: 40 }, (_, i) => shapes(i)).flat();
  for (const [label, text] of [
    ['LF', lines.join('\n') + '\n'],
    ['CRLF, no final line end', lines.join('\r\n')],
  ] as const) {
    const file = path.join(dir, `2026-02-0${label === 'LF' ? 1 : 2}.log`);
    fs.writeFileSync(file, text);
    for (const options of [{ format: 'ecs' }, { format: 'otlp', batchRecords: 4 }] satisfies ExportOptions[]) {
      const whole = await indexedExport(file, options);
      for (const windowBytes of [1, 29, 97, 331]) {
        const { text: streamed, exporter } = await streamedExport(file, { ...options, windowBytes, sessionLimit: 3, sliceRecords: 8 });
        assert.ok(exporter.windows > 10 && exporter.sessionResets > 0);
        assert.ok(streamed.equals(whole), `${label}, ${options.format}, windows of ${windowBytes} bytes`);
      }
    }
  }
});

test('several logs streamed at once merge by time as the whole indexes do: two CommuniGate nodes and an Axigen log', async () => {
  const files: string[] = [];
  for (const [node, dialect, seed] of [['a', 'communigate', '31'], ['b', 'communigate', '37'], ['c', 'axigen', '41']]) {
    fs.mkdirSync(path.join(dir, node), { recursive: true });
    const file = path.join(dir, node, dialect === 'axigen' ? 'everything.txt' : '2026-01-15.log');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), dialect, '1', file, seed], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    files.push(file);
  }
  for (const options of [{ format: 'ecs', utcOffsetMin: 60 }, { format: 'otlp', batchRecords: 50 }] satisfies ExportOptions[]) {
    const whole = await indexedExport(files, options);
    for (const threads of [1, 2]) {
      const { text, exporter } = await streamedExport(files, { ...options, threads, windowBytes: 32 << 10, sessionLimit: 300, sliceRecords: 100 });
      const what = `${options.format}, ${threads} thread(s)`;
      assert.ok(text.equals(whole), `${what}: same bytes`);
      assert.ok(exporter.windows >= 60 && exporter.sessionResets > 0, `${what}: ${exporter.windows} windows, ${exporter.sessionResets} session resets`);
      assert.ok(exporter.peakRecords * 10 < exporter.done, `${what}: at most ${exporter.peakRecords} of ${exporter.done} records held by a log at once`);
    }
  }
  // The logs really interleave: the source changes from one document to the next many times.
  const sources = (await indexedExport(files, { format: 'ecs' })).toString('utf8').split('\n').map((l) => /"messaging\.source":"([^"]*)"/.exec(l)?.[1]);
  const switches = sources.filter((x, i) => i > 0 && x !== undefined && sources[i - 1] !== undefined && x !== sources[i - 1]).length;
  assert.ok(switches > 1000, `${switches} changes of source`);
});

test('rotated files read as one log are streamed: dated files with days missing, no final line end, CRLF, lone CRs; merged with another log', async () => {
  const logs = path.join(dir, 'rotated');
  fs.mkdirSync(logs, { recursive: true });
  // Each round of shapes goes on to the next day: the 1st file reaches the 11th, past the 2nd and 3rd
  // files' dates (theirs go on from the day reached); the 4th is dated weeks later (its records move).
  const lines = Array.from({ length: 10 }, (_, i) => shapes(i)).flat();
  // The 2nd ends without a line end (a line feed is supplied between files); the 3rd has lone CRs.
  fs.writeFileSync(path.join(logs, '2026-04-01.log'), lines.join('\n') + '\n');
  fs.writeFileSync(path.join(logs, '2026-04-02.log'), lines.join('\r\n'));
  fs.writeFileSync(path.join(logs, '2026-04-03.log'), lines.slice(0, 200).map((l, i) => l + (i % 3 === 2 ? '\r' : '\n')).join(''));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), 'communigate', '1', path.join(logs, '2026-06-01.log'), '17'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const other = path.join(dir, 'other', 'everything.txt');
  fs.mkdirSync(path.dirname(other), { recursive: true });
  const a = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), 'axigen', '1', other, '19'], { encoding: 'utf8' });
  assert.equal(a.status, 0, a.stderr);
  const { files } = await expandInputs([logs]);
  assert.deepEqual(streamInputs(files)?.map((i) => i.files?.length), [4], 'one log of four files');
  for (const options of [{ format: 'ecs' }, { format: 'otlp', batchRecords: 7 }] satisfies ExportOptions[]) {
    const whole = await indexedExport(logs, options);
    // Each file's records on its own date (ECS writes dates as text).
    const text = options.format === 'ecs' ? whole.toString('utf8') : '';
    if (text !== '') for (const day of ['2026-04-01', '2026-04-11', '2026-04-20', '2026-06-01']) assert.ok(text.includes(`"${day}T`), `records dated ${day}`);
    const days = [...new Set(text.match(/"2026-\d\d-\d\dT/g))].map((d) => d.slice(1, 11));
    // The shapes' rounds reach May 1st; the 4th file starts on June 1st.
    assert.ok(text === '' || !days.some((d) => d > '2026-05-01' && d < '2026-06-01'), `no record in the weeks missing (${days.join(' ')})`);
    for (const windowBytes of [1, 97, 4096, 64 << 10]) {
      for (const threads of [1, 2]) {
        const what = `${options.format}, windows of ${windowBytes} bytes, ${threads} thread(s)`;
        // Sessions forgotten often: a key that comes back after its session was forgotten (SIPDATA-000001
        // in the last file) is a session of its own, with its own Call-ID; and windows of a few lines
        // look ahead less far for Call-IDs than the whole index.
        const forgetful = await streamedExport(logs, { ...options, windowBytes, threads, sessionLimit: 50, sliceRecords: 14 });
        assert.ok(forgetful.exporter.windows > 10 && forgetful.exporter.sessionResets > 0, `${what}: ${forgetful.exporter.windows} windows, sessions forgotten`);
        assert.equal(withoutCallIds(forgetful.text), withoutCallIds(whole), what);
        if (windowBytes < 64 << 10) continue;
        // Windows as large as the generated log's Call-IDs need and sessions kept: the same bytes.
        const { text: streamed, exporter } = await streamedExport(logs, { ...options, windowBytes, threads, sliceRecords: 14 });
        assert.equal(exporter.sessionResets, 0);
        assert.ok(streamed.equals(whole), `${what}, sessions kept`);
      }
    }
    const merged = await indexedExport([logs, other], options);
    const { text: streamed } = await streamedExport([logs, other], { ...options, windowBytes: 64 << 10, threads: 2, sliceRecords: 14 });
    assert.ok(streamed.equals(merged), `${options.format}: merged with an Axigen log`);
  }
  // The command line streams it too.
  const out = spawnSync(process.execPath, [path.join(ROOT, 'bin/msglog.js'), 'export', logs, '--format', 'ecs'], { maxBuffer: 1 << 30 });
  assert.equal(out.status, 0, String(out.stderr));
  assert.ok(out.stdout.equals(await indexedExport(logs, { format: 'ecs' })), 'msglog export');
});

test('a log cut short while it is streamed: a one-line error, not a hang', async () => {
  const file = path.join(dir, '2026-03-01.log');
  const lines = Array.from({ length: 200 }, (_, i) => shapes(i)).flat();
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const { files } = await expandInputs([file]);
  const [f] = files;
  const exporter = new StreamExporter([{ file, path: file, source: file, dialect: f.dialect, ctx: { fileName: f.name, mtimeMs: f.mtimeMs } }], { format: 'ecs', windowBytes: 4096, sliceRecords: 16 });
  try {
    const chunks = exporter.chunks();
    assert.equal(chunks.next().done, false, 'a first chunk');
    // Rotated by truncation: the rest of the log is gone.
    fs.truncateSync(file, 8192);
    assert.throws(() => {
      for (let c = chunks.next(); !c.done; c = chunks.next());
    }, /the log was cut short while it was read \(\d+ bytes missing at \d+\)/);
  } finally {
    exporter.close();
  }
});

test('logs that are not streamed: PrivateServer tables, CommuniGate logs without a date in their name', async () => {
  const ps = await expandInputs([path.join(ROOT, 'samples/privateserver/sip-sessions.tsv')]);
  assert.equal(streamable(ps.files[0].dialect, ps.files[0].name), false);
  assert.equal(streamable(communigate, 'SystemLog.log'), false);
  assert.equal(streamable(communigate, '2026-01-15.log'), true);
});
