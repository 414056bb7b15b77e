// LSP ranges and line text straight from the index's bytes, so that every feature sees exactly the
// version the engine parsed (never a newer TextDocument) and decodes only the lines it returns.
// Bytes come through index.read (never index.bytes), so logs read from disk work the same.
import type { Range } from 'vscode-languageserver';
import type { LogIndex, OverflowRun } from '../engine/logIndex';

const LF = 0x0a;
const CR = 0x0d;

/** UTF-16 length of `bytes[start, end)`: the byte count for ASCII, decoded otherwise. */
function utf16Length(bytes: Buffer, start: number, end: number): number {
  for (let i = start; i < end; i++) if (bytes[i] >= 0x80) return bytes.toString('utf8', start, end).length;
  return end - start;
}

/** Bytes read back from a span's end at first: lines are short, and a session may span the whole log. */
const TAIL = 4096;

/**
 * UTF-16 length of the last line of a span that ends just past a terminator (terminator excluded).
 * Reads only the span's tail through `index.read`, so that logs read from disk work too.
 */
function lastLineLength(index: LogIndex, spanStart: number, spanEnd: number): number {
  for (let want = TAIL; ; want *= 4) {
    const from = Math.max(spanStart, spanEnd - want);
    const bytes = index.read(from, spanEnd);
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === LF) end--;
    if (end > 0 && bytes[end - 1] === CR) end--;
    if (end <= 0) return 0;
    const nl = bytes.lastIndexOf(LF, end - 1);
    if (nl >= 0 || from === spanStart) return utf16Length(bytes, nl + 1, end);
  }
}

/** From column 0 of `startLine` to the end of `endLine`, for a span of whole lines. */
export function spanRange(index: LogIndex, startLine: number, endLine: number, spanStart: number, spanEnd: number): Range {
  return { start: { line: startLine, character: 0 }, end: { line: endLine, character: lastLineLength(index, spanStart, spanEnd) } };
}

/** The whole record: first line, continuation lines included. */
export function recordRange(index: LogIndex, r: number): Range {
  return spanRange(index, index.recStartLine[r], index.endLineOf(r), index.recStartOffset[r], index.endOffsetOf(r));
}

/** The record's first line only. */
export function headerRange(index: LogIndex, r: number): Range {
  const line = index.recStartLine[r];
  return { start: { line, character: 0 }, end: { line, character: headerLength(index, r) } };
}

/** Bytes of a record read at first to find the end of its first line: header lines are short. */
const HEAD = 512;

/** UTF-16 length of the record's first line (its terminator excluded), from its bytes: no string made for ASCII. */
function headerLength(index: LogIndex, r: number): number {
  const start = index.recStartOffset[r];
  const end = index.endOffsetOf(r);
  let bytes = index.read(start, Math.min(end, start + HEAD));
  let e = lineEnd(bytes);
  if (e === bytes.length && bytes.length < end - start) {
    bytes = index.read(start, end);
    e = lineEnd(bytes);
  }
  return utf16Length(bytes, 0, e);
}

/** Where the first line of `bytes` ends (at LF or CR), or their length. */
function lineEnd(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === LF || bytes[i] === CR) return i;
  return bytes.length;
}

/** From the session's first record to the end of its last record. */
export function sessionRange(index: LogIndex, session: number): Range {
  const first = index.sessionFirst[session];
  const last = index.sessionLast[session];
  return spanRange(index, index.recStartLine[first], index.endLineOf(last), index.recStartOffset[first], index.endOffsetOf(last));
}

export function overflowRange(index: LogIndex, run: OverflowRun): Range {
  return spanRange(index, run.startLine, run.endLine, run.startOffset, run.endOffset);
}

/** Text of a line that belongs to a record (header or continuation), terminator excluded; else undefined. */
export function recordLineText(index: LogIndex, line: number): string | undefined {
  const r = index.recordAtLine(line);
  if (r < 0) return undefined;
  const recordStart = index.recStartOffset[r];
  const bytes = index.read(recordStart, index.endOffsetOf(r));
  let start = 0;
  for (let l = index.recStartLine[r]; l < line; l++) start = bytes.indexOf(LF, start) + 1;
  let end = bytes.indexOf(LF, start);
  if (end < 0) end = bytes.length;
  if (end > start && bytes[end - 1] === CR) end--;
  return bytes.toString('utf8', start, end);
}

/** The record at a line, else the last record before it, else the first record; -1 when the log has none. */
export function recordNear(index: LogIndex, line: number): number {
  if (index.recordCount === 0) return -1;
  const r = index.recordAtLine(line);
  if (r >= 0) return r;
  return Math.max(0, index.recordFromLine(line) - 1);
}
