// Fuzzing of detection and every dialect parser: random bytes and lines mutated from real and
// sample logs. Each input must index without exceptions and keep the index's invariants.
import * as fs from 'fs';
import * as path from 'path';
import { DIALECT_IDS, detectDialect, diagnostics, LogIndex, listSessions, runFilter, MemorySource } from '../../server/src/engine';
import { dialectById } from '../../server/src/engine/dialects';

export interface FuzzReport {
  inputs: number;
  lines: number;
  /** Longest time spent on one input, divided by its lines (ms). */
  worstMsPerLine: number;
  failures: string[];
}

/** A small deterministic generator (same seed, same inputs). */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

const ROOT = path.resolve(__dirname, '../../..');

/** Seed lines: the real log, the samples and the FORMATS.md's line shapes of every dialect. */
export function seedLines(): string[] {
  const lines = fs.readFileSync(path.join(ROOT, 'test/fixtures/communigate-6.3.6a-xims-sip.log'), 'utf8').split('\n').slice(0, 400);
  const samples = path.join(ROOT, 'samples');
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else lines.push(...fs.readFileSync(p, 'utf8').split('\n').slice(0, 200));
    }
  };
  walk(samples);
  lines.push(
    'Sep 11 22:34:34.433 (2) RECEIVE OK (orphaned) 001:71 034: 022:stenor 059:mgp 008:1234 017:3',
    '2026-01-15 10:00:00 +0200 08 mail.example.com SMTP-IN:0000001A: << MAIL FROM:<a@b.com>',
    '[03/Dec/1998:06:54:32 +0200] SiroePost imapd[232]: Account Notice: close [127.0.0.1] [x] 0 115 0',
    'Timestamp\tEvent\tSource\tPeername\tAccount\tDetails\tUseragent\tRemoteaddr\tTiscipher\tReconciled',
    '2012-05-10 17:09:24.626\tDISCONNECT\tCLIENT\t1932\t\tNETWORK_ERROR\t\t93.57.41.37:33998\t\ttrue',
    'Call Date ▼,Src,Dst,Duration,Disposition',
    '2012-05-10 12:36:27 CEST,1122334462,600,1,169,FAILED',
    '12:00:00.002 01\tTMPER\t<a@b>\ta@b\t\tSMTP\t[10.0.0.1]\t113457754\t<m2@x>\t99\tc@d\tSMTP(d)\ttimed out',
    '***',
  );
  return lines.filter((l) => l.length > 0);
}

function mutate(line: string, rnd: () => number): string {
  const chars = [...line];
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (chars.length + 1));
    const op = Math.floor(rnd() * 6);
    const junk = String.fromCharCode(Math.floor(rnd() * 128));
    if (op === 0) chars.splice(at, 1);
    else if (op === 1) chars.splice(at, 0, junk);
    else if (op === 2) chars.splice(at, 0, ...' \t:()[]-.*,'[Math.floor(rnd() * 11)]);
    else if (op === 3) chars.splice(at, chars.length);
    else if (op === 4) chars.splice(at, 0, String(Math.floor(rnd() * 100)));
    else chars.splice(at, 1, '\r');
  }
  return chars.join('');
}

/** One input: random bytes, or a mix of seed lines, mutated lines, markers and line endings. */
export function makeInput(seeds: string[], rnd: () => number): Buffer {
  if (rnd() < 0.15) {
    const bytes = Buffer.alloc(Math.floor(rnd() * 2000));
    for (let i = 0; i < bytes.length; i++) bytes[i] = 1 + Math.floor(rnd() * 255); // NUL is refused before parsing
    return bytes;
  }
  const n = 1 + Math.floor(rnd() * 40);
  const start = Math.floor(rnd() * seeds.length);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const seed = rnd() < 0.7 ? seeds[(start + i) % seeds.length] : seeds[Math.floor(rnd() * seeds.length)];
    const line = rnd() < 0.4 ? mutate(seed, rnd) : rnd() < 0.05 ? '***' : seed;
    parts.push(line + (rnd() < 0.2 ? '\r\n' : rnd() < 0.02 ? '' : '\n'));
  }
  return Buffer.from(parts.join(''), 'utf8');
}

/** Checks the invariants of an index; returns a description of the first one broken, or ''. */
export function checkInvariants(index: LogIndex, bytes: Buffer): string {
  let prevEnd = -1;
  for (let r = 0; r < index.recordCount; r++) {
    const s = index.recStartLine[r];
    const e = index.recEndLine[r];
    if (s <= prevEnd || e < s) return `record ${r} lines ${s}-${e} after ${prevEnd}`;
    if (index.recStartOffset[r] >= index.recEndOffset[r] || index.recEndOffset[r] > bytes.length) return `record ${r} offsets`;
    prevEnd = e;
  }
  if (prevEnd >= index.lineCount) return 'record past the last line';
  let total = 0;
  for (const s of listSessions(index)) {
    total += s.records;
    const first = index.sessionFirst[s.id];
    const last = index.sessionLast[s.id];
    if (index.recSession[first] !== s.id || index.recSession[last] !== s.id) return `session ${s.key} ends`;
  }
  if (total !== index.recordCount) return `sessions hold ${total} records of ${index.recordCount}`;
  let prevLine = -1;
  for (const d of diagnostics(index)) {
    if (d.line < prevLine) return 'diagnostics out of line order';
    prevLine = d.line;
  }
  for (const item of runFilter(index, { text: 'a', keyed: true }).items) {
    if (item.kind !== 'record') continue;
    const r = item.record;
    const text = bytes.subarray(index.recStartOffset[r], index.recEndOffset[r]).toString('utf8');
    if (text !== index.recordText(r)) return `filter record ${r} is not whole`;
  }
  return '';
}

export function fuzzEngine(iterations: number, seed = 1): FuzzReport {
  const rnd = prng(seed);
  const seeds = seedLines();
  const report: FuzzReport = { inputs: 0, lines: 0, worstMsPerLine: 0, failures: [] };
  for (let i = 0; i < iterations; i++) {
    const bytes = makeInput(seeds, rnd);
    const ids = [...DIALECT_IDS];
    const detected = detectDialect(bytes);
    for (const id of ids) {
      report.inputs++;
      const started = performance.now();
      try {
        const index = new LogIndex(new MemorySource(bytes), dialectById(id)!, { fileName: 'x.log', mtimeMs: 0 });
        index.build({ chunkSize: 1 + Math.floor(rnd() * 64) });
        report.lines += index.lineCount;
        const broken = checkInvariants(index, bytes);
        if (broken) report.failures.push(`${id} #${i}: ${broken}: ${JSON.stringify(bytes.toString('utf8').slice(0, 200))}`);
        const perLine = (performance.now() - started) / Math.max(1, index.lineCount);
        report.worstMsPerLine = Math.max(report.worstMsPerLine, perLine);
      } catch (e) {
        report.failures.push(`${id} #${i} (detected ${detected?.id ?? 'none'}): ${(e as Error).stack}`);
      }
    }
  }
  return report;
}
