// A log the editor is about to open (documentOpening, sent just before its didOpen) is indexed from
// disk by a worker while its text is on its way. The document gets that index only when its text is
// the file's bytes, and then it is the index its own text gives; otherwise its text is indexed as always.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ByteTextDocument } from '../../server/src/byteDocuments';
import type { LogCache } from '../../server/src/logCache';
import { openingWorkerFile } from '../../server/src/earlyIndexes';
import { computeDiagnostics } from '../../server/src/features/diagnostics';
import { documentSymbols } from '../../server/src/features/documentSymbols';
import type { FirstAnswerName, FirstAnswerSettings } from '../../server/src/features/firstAnswers';
import { firstAnswerKey } from '../../server/src/features/firstAnswers';
import { foldingRanges } from '../../server/src/features/folding';
import { WorkerFileIndex } from '../../server/src/engine/fileIndexJob';
import { ArrivingComparison, fileStampIfHolding, NOT_FOLLOWED } from '../../server/src/engine/fileStamp';
import { KeyTable } from '../../server/src/engine/keyTable';
import type { LogIndex } from '../../server/src/engine';
import { logCache, REAL_LOG, snapshot } from './helpers';

let dir = '';
/** The real log repeated past the 8 MB from which documents are indexed asynchronously (and ahead). */
let text = '';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-opening-'));
  const real = fs.readFileSync(REAL_LOG, 'utf8');
  text = real.repeat(Math.ceil((10 << 20) / real.length));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A file holding `bytes`, and its `file:` URI. */
function logFile(name: string, bytes: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return pathToFileURL(file).href;
}

/** The document's parse as the editor opens it: documentOpening (when `announce`), then didOpen. */
async function openDocument(logs: LogCache, uri: string, content: string, announce: boolean): Promise<LogIndex> {
  if (announce) logs.opening(uri, 'communigate-log');
  logs.opened(uri);
  const entry = await logs.forDocument(TextDocument.create(uri, 'communigate-log', 1, content));
  assert.ok(entry.index, entry.problem);
  return entry.index;
}

test('a document whose text is its file gets the index the worker made, the same as its text gives; an append continues it', async () => {
  const uri = logFile('2026-01-15.log', text);
  const logs = logCache();
  const early = await openDocument(logs, uri, text, true);
  assert.equal(logs.earlyIndexesTaken, 1, 'the index made ahead was taken');
  const plainLogs = logCache();
  const plain = await openDocument(plainLogs, uri, text, false);
  assert.equal(plainLogs.earlyIndexesTaken, 0);
  assert.notEqual(early, plain);
  assert.deepEqual(snapshot(early), snapshot(plain));

  // Lines added at the end (a log that grows while open): an append to the index made ahead.
  const added = '12:59:59.000 1 IMAP-990001([10.0.0.9]) storage failure\n12:59:59.500 2 SIPDATA-990002 inp: Call-ID: added@10.0.0.9\n';
  const grown = await logs.forDocument(TextDocument.create(uri, 'communigate-log', 2, text + added));
  assert.equal(grown.index, early, 'appended to, not parsed again');
  const fresh = await openDocument(logCache(), uri, text + added, false);
  assert.deepEqual(snapshot(early), snapshot(fresh));
});

test('a document whose text is not its file gets the index of its text: an edit of the same length, a byte order mark', async () => {
  const uri = logFile('edited.log', text);
  // One digit of a time changed in the middle: same length, other bytes.
  const middle = text.indexOf('\n', text.length >> 1) + 1;
  const edited = `${text.slice(0, middle)}${text[middle] === '0' ? '1' : '0'}${text.slice(middle + 1)}`;
  const logs = logCache();
  const index = await openDocument(logs, uri, edited, true);
  assert.equal(logs.earlyIndexesTaken, 0, 'the file is not the text');
  assert.deepEqual(snapshot(index), snapshot(await openDocument(logCache(), uri, edited, false)));

  // The editor drops a UTF-8 byte order mark from the text; the file keeps it.
  const bomUri = logFile('bom.log', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
  const bomLogs = logCache();
  const bomIndex = await openDocument(bomLogs, bomUri, text, true);
  assert.equal(bomLogs.earlyIndexesTaken, 0);
  assert.equal(bomIndex.read(0, 3).toString('latin1'), text.slice(0, 3), 'the index reads the text, not the file');
});

test('a document opened with its text as bytes (the stdio transport) takes the index made ahead when its bytes are the file\'s, else indexes its bytes', async () => {
  const uri = logFile('bytes.log', text);
  const asBytes = async (logs: LogCache, docUri: string, bytes: Buffer): Promise<LogIndex> => {
    logs.opening(docUri, 'communigate-log');
    logs.opened(docUri);
    const entry = await logs.forDocument(new ByteTextDocument(docUri, 'communigate-log', 1, bytes));
    assert.ok(entry.index, entry.problem);
    return entry.index;
  };
  const logs = logCache();
  const early = await asBytes(logs, uri, Buffer.from(text));
  assert.equal(logs.earlyIndexesTaken, 1, 'the bytes are the file: the index made ahead');
  assert.deepEqual(snapshot(early), snapshot(await openDocument(logCache(), uri, text, false)));
  // The editor drops a byte order mark: the bytes it sends are not the file, and are indexed as they are.
  const bomUri = logFile('bom-bytes.log', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
  const bomLogs = logCache();
  const bomIndex = await asBytes(bomLogs, bomUri, Buffer.from(text));
  assert.equal(bomLogs.earlyIndexesTaken, 0);
  assert.deepEqual(snapshot(bomIndex), snapshot(early));
});

test('nothing is indexed ahead for a small file, and a close before the didOpen stops the worker', async () => {
  const small = text.slice(0, text.indexOf('\n', 1 << 20) + 1);
  const smallUri = logFile('small.log', small);
  const logs = logCache();
  await openDocument(logs, smallUri, small, true);
  assert.equal(logs.earlyIndexesTaken, 0);

  const uri = logFile('closed.log', text);
  logs.opening(uri, 'communigate-log');
  logs.closed(uri);
  await openDocument(logs, uri, text, false);
  assert.equal(logs.earlyIndexesTaken, 0, 'the close dropped what was started');
});

test('fileStampIfHolding: the file\'s stamp when it holds exactly the bytes, compared a megabyte at a time', async () => {
  // Past the first megabyte, so that a difference in a later piece counts.
  const bytes = Buffer.from(text.slice(0, (1 << 20) + 4096));
  const file = path.join(dir, 'holding.log');
  fs.writeFileSync(file, bytes);
  const stamp = await fileStampIfHolding(file, bytes);
  assert.equal(stamp?.size, bytes.length);
  assert.equal(stamp?.ino, fs.statSync(file).ino);
  const changed = Buffer.from(bytes);
  changed[bytes.length - 10] ^= 1;
  assert.equal(await fileStampIfHolding(file, changed), undefined, 'a byte of the second megabyte differs');
  changed[bytes.length - 10] ^= 1;
  changed[10] ^= 1;
  assert.equal(await fileStampIfHolding(file, changed), undefined, 'a byte of the first megabyte differs');
  assert.equal(await fileStampIfHolding(file, bytes.subarray(0, bytes.length - 1)), undefined, 'a byte missing');
  assert.equal(await fileStampIfHolding(file, Buffer.concat([bytes, Buffer.from('\n')])), undefined, 'a byte more');
  assert.equal(await fileStampIfHolding(path.join(dir, 'no-such.log'), bytes), undefined, 'no file');
  fs.writeFileSync(path.join(dir, 'empty.log'), '');
  assert.equal((await fileStampIfHolding(path.join(dir, 'empty.log'), Buffer.alloc(0)))?.size, 0);
});

/** Gives `follow` the start of `bytes` (one buffer, growing views) in pieces of `piece` bytes, up to `upTo`. */
function arrive(follow: (text: Uint8Array) => void, bytes: Buffer, piece: number, upTo = bytes.length): void {
  for (let at = piece; at < upTo; at += piece) follow(bytes.subarray(0, at));
}

test('ArrivingComparison: the bytes compared with the file as they arrive, the rest when they are in; a difference, a change or other bytes are seen', () => {
  const bytes = Buffer.from(text.slice(0, (3 << 20) + 4096));
  const file = path.join(dir, 'arriving.log');
  fs.writeFileSync(file, bytes);
  for (const piece of [4093, 65536, 1 << 20]) {
    const same = new ArrivingComparison(file);
    arrive((t) => same.advance(t), bytes, piece);
    const stamp = same.finish(bytes);
    assert.ok(stamp !== undefined && stamp !== NOT_FOLLOWED, `${piece}: the file's bytes`);
    assert.equal(stamp.size, bytes.length);
    assert.equal(stamp.ino, fs.statSync(file).ino);
  }
  // A byte that differs, in what was compared as it came or in the last bytes compared at the end.
  for (const at of [10, bytes.length - 10]) {
    const changed = Buffer.from(bytes);
    changed[at] ^= 1;
    const comparison = new ArrivingComparison(file);
    arrive((t) => comparison.advance(t), changed, 65536);
    assert.equal(comparison.finish(changed), undefined, `a byte at ${at} differs`);
  }
  const shorter = new ArrivingComparison(file);
  arrive((t) => shorter.advance(t), bytes, 65536, bytes.length - 1);
  assert.equal(shorter.finish(bytes.subarray(0, bytes.length - 1)), undefined, 'a byte missing');
  const longer = Buffer.concat([bytes, Buffer.from('\n')]);
  const more = new ArrivingComparison(file);
  arrive((t) => more.advance(t), longer, 65536);
  assert.equal(more.finish(longer), undefined, 'a byte more');
  // Bytes it did not see arrive (another buffer, or none at all): the caller compares them itself.
  const other = new ArrivingComparison(file);
  arrive((t) => other.advance(t), bytes, 65536);
  assert.equal(other.finish(Buffer.from(bytes)), NOT_FOLLOWED);
  assert.equal(new ArrivingComparison(file).finish(bytes), NOT_FOLLOWED);
  // The file written to while the bytes arrived (the same bytes, so only its stamp tells).
  const written = new ArrivingComparison(file);
  arrive((t) => written.advance(t), bytes, 1 << 20);
  fs.writeFileSync(file, bytes);
  fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
  assert.equal(written.finish(bytes), undefined, 'the file changed meanwhile');
  assert.equal(new ArrivingComparison(path.join(dir, 'no-such.log')).finish(Buffer.alloc(0)), NOT_FOLLOWED);
  const missing = new ArrivingComparison(path.join(dir, 'no-such.log'));
  arrive((t) => missing.advance(t), bytes, 1 << 20);
  assert.equal(missing.finish(bytes), undefined, 'no file');
});

test('a document whose text was compared with its file as it arrived takes the index made ahead; one that differs does not', async () => {
  const uri = logFile('arrived.log', text);
  const bytes = Buffer.from(text);
  const logs = logCache();
  assert.equal(logs.textArriving(uri), undefined, 'nothing follows a text that was not announced');
  logs.opening(uri, 'communigate-log');
  const follow = logs.textArriving(uri);
  assert.ok(follow, 'announced: its text is followed');
  arrive(follow, bytes, 65536);
  logs.opened(uri);
  const entry = await logs.forDocument(new ByteTextDocument(uri, 'communigate-log', 1, bytes));
  assert.ok(entry.index);
  assert.equal(logs.earlyIndexesTaken, 1, 'the index made ahead');
  assert.deepEqual(snapshot(entry.index), snapshot(await openDocument(logCache(), uri, text, false)));

  const differs = Buffer.from(text);
  const middle = differs.indexOf('\n', differs.length >> 1) + 1;
  differs[middle] = differs[middle] === 0x30 ? 0x31 : 0x30;
  const otherUri = logFile('arrived-other.log', text);
  const otherLogs = logCache();
  otherLogs.opening(otherUri, 'communigate-log');
  const otherFollow = otherLogs.textArriving(otherUri);
  assert.ok(otherFollow);
  arrive(otherFollow, differs, 65536);
  otherLogs.opened(otherUri);
  const otherEntry = await otherLogs.forDocument(new ByteTextDocument(otherUri, 'communigate-log', 1, differs));
  assert.ok(otherEntry.index);
  assert.equal(otherLogs.earlyIndexesTaken, 0, 'the text is not the file: its own index');
  assert.equal(otherEntry.index.read(middle, middle + 1)[0], differs[middle], 'the index reads the text');
});

test('the index made ahead is not taken when the file was rewritten after the worker read it, though the document holds the new bytes', async () => {
  const file = path.join(dir, 'rewritten.log');
  fs.writeFileSync(file, text);
  const ctx = { fileName: 'rewritten.log', mtimeMs: fs.statSync(file).mtimeMs };
  const job = WorkerFileIndex.start(file, { dialect: 'communigate-log', ctx, toleranceMs: 1000, maxBytes: 64 << 20 }, openingWorkerFile(), SETTINGS);
  assert.ok(job, 'workers are available');
  const answer = await job.answer;
  assert.ok(!('error' in answer), 'error' in answer ? answer.error : '');
  assert.equal(answer.stamp.size, Buffer.byteLength(text));
  // The same length, one time changed: the editor read this, the worker the old bytes.
  const middle = text.indexOf('\n', text.length >> 1) + 1;
  const rewritten = Buffer.from(`${text.slice(0, middle)}${text[middle] === '0' ? '1' : '0'}${text.slice(middle + 1)}`);
  fs.writeFileSync(file, rewritten);
  assert.equal(await job.indexOf(rewritten), undefined, 'the file is the document, but not the bytes the worker indexed');
  assert.equal(await job.partOf('symbols', firstAnswerKey('symbols', SETTINGS), rewritten), undefined, 'nor its outline');
});

/** Settings of the first answers, other than the server's defaults. */
const SETTINGS: FirstAnswerSettings = { maxDiagnostics: 300, minimumSeverity: 'warning', foldingLimit: 2000 };

test('the first answers made by the worker are those computed from the document, each given once and only for its settings', async () => {
  const file = path.join(dir, 'answered.log');
  fs.writeFileSync(file, text);
  const bytes = Buffer.from(text);
  const ctx = { fileName: '2026-01-15.log', mtimeMs: fs.statSync(file).mtimeMs };
  const job = WorkerFileIndex.start(file, { dialect: 'communigate-log', ctx, toleranceMs: 1000, maxBytes: 64 << 20 }, openingWorkerFile(), SETTINGS);
  assert.ok(job, 'workers are available');
  const index = await openDocument(logCache(), logFile('2026-01-15.log', text), text, false);
  const entry = { uri: '', version: 1, index, problem: undefined, mode: 'forced' as const, languageId: 'communigate-log', toleranceMs: 1000 };
  const expected: Record<FirstAnswerName, unknown> = {
    symbols: documentSymbols(index),
    folding: foldingRanges(index, SETTINGS.foldingLimit),
    diagnostics: computeDiagnostics(entry, SETTINGS.maxDiagnostics, SETTINGS.minimumSeverity),
  };
  assert.equal((expected.diagnostics as unknown[]).length, SETTINGS.maxDiagnostics + 1, 'capped, and the rest counted');
  assert.equal((expected.folding as unknown[]).length, SETTINGS.foldingLimit);
  const other = { ...SETTINGS, maxDiagnostics: 1000, foldingLimit: undefined };
  for (const name of ['symbols', 'folding', 'diagnostics'] as const) {
    if (name !== 'symbols') assert.equal(await job.partOf(name, firstAnswerKey(name, other), bytes), undefined, `${name}: not for other settings`);
    const json = await job.partOf(name, firstAnswerKey(name, SETTINGS), bytes);
    assert.ok(json, name);
    assert.deepEqual(JSON.parse(Buffer.from(json).toString('utf8')), JSON.parse(JSON.stringify(expected[name])), name);
    assert.equal(await job.partOf(name, firstAnswerKey(name, SETTINGS), bytes), undefined, `${name}: given once`);
  }
  assert.equal(job.partsGiven, 3);
  assert.ok(await job.indexOf(bytes), 'and the index is still there');
});

test('a key table handed over whole finds its keys and takes new ones', () => {
  const table = new KeyTable();
  const keys = Array.from({ length: 5000 }, (_, i) => `IMAP-${i}([10.0.${i % 256}.1])`);
  for (const key of keys) {
    const bytes = Buffer.from(key);
    table.intern(bytes, 0, bytes.length);
  }
  const taken = KeyTable.fromTable(table.exportTable());
  assert.equal(taken.size, keys.length);
  assert.deepEqual(keys.map((k) => taken.find(k)), keys.map((_, i) => i));
  assert.equal(taken.keyOf(4321), keys[4321]);
  // Keys asked for out of order, far apart (the decoded keys are kept by id).
  for (const id of [4999, 3, 4321, 2500, 0, 4998]) assert.equal(taken.keyOf(id), keys[id]);
  assert.deepEqual(taken.keys, keys);
  const next = Buffer.from('SMTP-1');
  assert.equal(taken.intern(next, 0, next.length), keys.length, 'a new key gets the next id');
  const again = Buffer.from(keys[7]);
  assert.equal(taken.intern(again, 0, again.length), 7, 'a known key its own');
});
