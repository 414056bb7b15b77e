// A large export is written by two threads, a worker writing every other slice of records
// (engine/export/thread.ts). Its bytes must be those one thread writes: for a log of each dialect, for
// rotated files read as one merged with another source, in both formats, with slices small enough
// that a few hundred records make many of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expandInputs, exportInputsOf, type ExportOptions, LogExporter, LogSet, MergedRecordOrder } from '../../server/src/engine';
import { recycle } from '../../server/src/engine/export/jsonBytes';
import { ROOT } from './helpers';

const SAMPLES = [
  'samples/communigate/SystemLogs/2026-01-15.log',
  'samples/emg/log/connector.smpp1',
  'samples/axigen/log/everything.txt',
  'samples/messaging-server/imap.log',
  'samples/privateserver/sip-sessions.tsv',
];

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-export-threads-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The export of `files` (as `msglog export` reads them) and how many threads wrote it. */
async function exportOf(files: string[], options: ExportOptions): Promise<{ text: Buffer; threads: number; records: number; workerSlices: number; slices: number }> {
  const expanded = await expandInputs(files);
  assert.equal(expanded.problems.filter((p) => p.error).length, 0);
  const set = await LogSet.open(expanded.files, { utcOffsetMin: options.utcOffsetMin });
  try {
    const { inputs } = exportInputsOf(set);
    const exporter = new LogExporter(inputs, options, new MergedRecordOrder(set.order));
    const text = Buffer.concat([...exporter.chunks()]);
    assert.equal(exporter.done, exporter.total, 'every record exported');
    return { text, threads: exporter.threadsUsed, records: exporter.total, workerSlices: exporter.workerSlices, slices: exporter.slices };
  } finally {
    set.close();
  }
}

const FORMATS: ExportOptions[] = [{ format: 'ecs' }, { format: 'ecs', bulk: true }, { format: 'otlp', batchRecords: 2 }];

for (const sample of SAMPLES) {
  test(`two threads write the bytes one thread writes: ${path.basename(sample)}`, async () => {
    const file = path.join(ROOT, sample);
    for (const options of FORMATS) {
      const one = await exportOf([file], { ...options, threads: 1, sliceRecords: 2 });
      const two = await exportOf([file], { ...options, threads: 2, sliceRecords: 2 });
      assert.ok(one.records >= 6, `${sample} has several slices`);
      assert.equal(one.threads, 1);
      // PrivateServer rows take their columns from the header before their table: written by one thread.
      assert.equal(two.threads, sample.includes('privateserver') ? 1 : 2, 'a worker took part');
      if (two.threads === 2) assert.ok(two.workerSlices > 0 && two.workerSlices < two.slices, `both threads wrote slices (worker ${two.workerSlices} of ${two.slices})`);
      assert.ok(two.text.equals(one.text), `${options.format}${options.bulk ? ' --bulk' : ''}: same bytes`);
      // Slices are whole OTLP batches and ECS documents stand alone: the default slicing gives the same bytes.
      const unsliced = await exportOf([file], { ...options, threads: 1 });
      assert.ok(unsliced.text.equals(one.text), `${options.format}: slicing changes nothing`);
    }
  });
}

test('two threads on rotated files read as one, merged by time with another source, odd bytes included', async () => {
  const member1 = path.join(dir, 'member1');
  const member2 = path.join(dir, 'member2');
  fs.mkdirSync(member1);
  fs.mkdirSync(member2);
  const rows = (n: number, from: number, tag: string, odd: boolean): string =>
    Array.from({ length: n }, (_, i) => {
      const t = from + i * 7;
      const hms = `${String(Math.floor(t / 3600) % 24).padStart(2, '0')}:${String(Math.floor(t / 60) % 60).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}`;
      const body = odd && i % 5 === 0 ? `"quoted" back\\slash \x01 caf\xc3\xa9 \xff\r\n  continued` : `inp: ${i} NOOP from [10.0.0.${i % 9}]:${40000 + i}`;
      return `${hms} ${1 + (i % 5)} ${tag}-${String(100 + (i % 13)).padStart(6, '0')}([10.0.${i % 3}.1]) ${body}`;
    }).join('\n') + '\n';
  fs.writeFileSync(path.join(member1, '2026-01-15.log'), Buffer.from(rows(150, 80_000, 'IMAP', true), 'latin1'));
  fs.writeFileSync(path.join(member1, '2026-01-16.log'), Buffer.from(rows(120, 10, 'IMAP', false), 'latin1'));
  fs.writeFileSync(path.join(member2, '2026-01-16.log'), Buffer.from(rows(200, 5, 'SMTPI', true), 'latin1'));
  for (const options of FORMATS) {
    const one = await exportOf([member1, member2], { ...options, threads: 1, sliceRecords: 14 });
    const two = await exportOf([member1, member2], { ...options, threads: 2, sliceRecords: 14 });
    assert.equal(one.records, 470);
    assert.equal(two.threads, 2, 'a worker took part');
    assert.ok(two.workerSlices > 0 && two.workerSlices < two.slices, `both threads wrote slices (worker ${two.workerSlices} of ${two.slices})`);
    assert.ok(two.text.equals(one.text), `${options.format}: same bytes`);
    const text = two.text.toString('utf8');
    assert.ok(text.includes('/member1/2026-01-16.log') && text.includes('/member2/2026-01-16.log'), 'records name their own files');
    for (const line of text.trimEnd().split('\n')) JSON.parse(line);
  }
});

test('two threads: chunks written by the worker, recycled once written out (as msglog export does), go back to it to be written into again', async () => {
  const file = path.join(ROOT, SAMPLES[0]);
  const one = await exportOf([file], { format: 'ecs', threads: 1, sliceRecords: 2 });
  const set = await LogSet.open((await expandInputs([file])).files);
  try {
    const { inputs } = exportInputsOf(set);
    const exporter = new LogExporter(inputs, { format: 'ecs', threads: 2, sliceRecords: 2 }, new MergedRecordOrder(set.order));
    const copies: Buffer[] = [];
    const buffers: ArrayBufferLike[] = [];
    for (const chunk of exporter.chunks()) {
      copies.push(Buffer.from(chunk));
      buffers.push(chunk.buffer);
      recycle(chunk);
    }
    assert.equal(exporter.threadsUsed, 2);
    assert.ok(Buffer.concat(copies).equals(one.text), 'same bytes as one thread');
    // A buffer sent back to the worker is detached here (transferred).
    const sentBack = buffers.filter((b) => b.byteLength === 0).length;
    assert.ok(sentBack > 0, `some of the worker's ${exporter.workerSlices} slices' buffers went back to it`);
  } finally {
    set.close();
  }
});

test('a log held in memory is written by one thread', async () => {
  // As a .gz is read: its bytes in memory.
  const [file] = (await expandInputs([path.join(ROOT, SAMPLES[0])])).files;
  const set = await LogSet.open([{ ...file, bytes: fs.readFileSync(file.path) }]);
  try {
    const { inputs } = exportInputsOf(set);
    const exporter = new LogExporter(inputs, { format: 'ecs', threads: 2, sliceRecords: 4 }, new MergedRecordOrder(set.order));
    const docs = Buffer.concat([...exporter.chunks()]).toString('utf8').trimEnd().split('\n');
    assert.equal(exporter.threadsUsed, 1);
    assert.equal(docs.length, exporter.total);
  } finally {
    set.close();
  }
});
