// Logs to split into parts (parallel.test.ts, segments.test.ts): per dialect, lines with the edges a
// split can cut through, and where a log may be split.
import type { Dialect, ParseContext } from '../../server/src/engine';
import { LogIndex } from '../../server/src/engine';
import type { LogSource } from '../../server/src/engine/source';
import type { BuildOptions } from '../../server/src/engine/buildOptions';
import { EDGE_LINES } from './helpers';

export const CTX: ParseContext = { fileName: '2026-01-15.log', mtimeMs: Date.UTC(2026, 5, 1) };

/** Per dialect: lines with the edges a split can cut through (continuations, markers, orphans, rollovers, regressions, missing times). */
export const SAMPLES: Record<string, string[]> = {
  'communigate-log': [
    ...EDGE_LINES,
    '00:00:02.5 2 SIPDATA-000007 inp: req udp [10.0.0.1]:5060',
    '  Call-ID: abc@host',
    '00:00:03 4 SMTP(3) 0042: thread form',
    '00:00:04.123456 2 IMAP-1([1.2.3.4]) back again',
    '  Call-ID: not-a-sip-record',
    '00:00:02.000 5 SMTP-2 written late, over a second back: a regression',
    '***',
    '23:30:00.000 5 LATE-9 eleven hours back: no rollover',
    '00:10:00.000 5 NEXT-9 next day again',
    '00:10:00.000\t11\tFINAL\tx\tx\tx\tx\tx\tx\tx\tx\tx\tx\tx\tx\tq-77',
    '00:10:01.000\t11\tlogin\tuser@example.com\tx',
    '00:10:02 3 IMAP-1([1.2.3.4]) last',
    '  last continuation',
  ],
  'emg-log': [
    'Sep 11 22:34:34.306 (2) CONNECT OK',
    'Sep 11 22:34:35.000 (2) SEND ERR (info="1")',
    '  a continuation',
    'Sep 11 22:34:36.000 (2) DISCONNECT OK',
    'Sep 11 22:34:37.000 (2) CONNECT OK',
    '***',
    'Sep 11 22:34:38.000 (3) LOGIN OK',
    'Sep 11 22:34:38.500 (2) REJECT ERR',
    'Sep 11 22:34:39.000 not a connector line',
    'Sep 11 22:34:40.000 (2) DISCONNECT OK',
    'Sep 11 22:34:41.000 (2) SEND OK',
  ],
  'axigen-log': [
    'preamble line',
    '2026-01-15 10:00:00 +0200 08 mail.example.com SMTP-IN:0000001A: connection accepted from [1.2.3.4:5000]',
    '2026-01-15 10:00:01 +0200 16 mail.example.com SMTP-IN:0000001A: << MAIL FROM:<a@b.com>',
    '  continued',
    '2026-01-15 10:00:01 +0200 04 mail.example.com SMTP-IN:0000001A: >> 450 try later',
    '***',
    'orphan',
    '***',
    '2026-01-15 10:00:02 +0200 02 mail.example.com SMTP-IN:0000001A: Authentication error for user: invalid credentials',
    '2026-01-15 10:00:03 +0200 01 mail.example.com PROCESSING: queue corrupted',
    '2026-01-15 09:00:04 +0100 10 mail.example.com IMAP:0000002B: << 1 LOGIN',
    '2026-01-15 09:00:00 +0200 08 mail.example.com IMAP:0000002B: regression',
  ],
  'messaging-server-log': [
    '[02/May/1998:17:37:32 -0700] showshoe cgi_store[18753]: General Notice: Log created (894155852)',
    '04/May/1998:11:07:44 -0400 xyzmail cgi_service[343]: General Error: function=getserverhello|port=2500|error=failed to connect',
    '  continuation of the error',
    '03/12/1998 06:54:32 +0200 SiroePost imapd[232]: Account Notice: close [127.0.0.1] [unauthenticated] 1998/12/3 6:54:32 0:00:00 0 115 0',
    '***',
    '[03/Dec/1998:06:55:00 +0200] SiroePost imapd[232]: Network Warning: client timed out',
    '[03/Dec/1998:06:56:00 +0200] SiroePost imapd[232]: Store Catastrophe: database corrupt',
  ],
  'privateserver-log': [
    'SessionLogEntry List',
    'Timestamp\tEvent\tSource\tPeername\tAccount\tDetails',
    '2012-05-10 23:59:58.988\tREGISTER\tCLIENT\t1101\tAccount 1101\t200 OK',
    '2012-05-10 23:59:57.000\tDISCONNECT\tCLIENT\t1000\t\tNETWORK_ERROR',
    '2012-05-10 23:59:56.000\tREGISTER\tCLIENT\t1101\tshort row',
    '2012-05-10 23:59:55.000\tREGISTER\tCLIENT\t1102\tAccount 1102\t200 OK',
  ],
};

/** PrivateServer tables (keptParts.test.ts, windowedCheck.test.ts): */
const HEAD = ['SessionLogEntry List', 'Timestamp\tEvent\tSource\tPeername\tAccount\tDetails'];

/** A data row at second `s` of the day (with `ms`), a disconnect on a network error when `failed`. */
const row = (s: number, ms = 0, failed = false): string => {
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor(s / 60) % 60).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `2026-01-15 ${hh}:${mm}:${ss}.${String(ms).padStart(3, '0')}\t${failed ? 'DISCONNECT' : 'REGISTER'}\tCLIENT\t${1000 + (s % 7)}\tAccount\t${failed ? 'NETWORK_ERROR' : '200 OK'}`;
};

/** Tables: newest first and oldest first (each with a record late and one early by more than a second, one of equal time, a short row), and ones whose head goes the other way than the whole. */
export const TABLES: Record<string, string[]> = {
  'newest first': [...HEAD, row(900), row(899, 500, true), row(899, 500), row(903), row(898), 'x\tshort', row(890), row(880, 0, true), row(870), row(871, 200), row(860)],
  'oldest first': [...HEAD, row(100), row(101, 500, true), row(101, 500), row(97), row(102), 'x\tshort', row(110), row(120, 0, true), row(130), row(129, 900), row(140)],
  'up, then more down': [...HEAD, row(500), row(501), row(502), row(503), row(490), row(480), row(470, 0, true), row(460), row(450), row(440), row(441, 500), row(430)],
  'down, then more up': [...HEAD, row(500), row(499), row(498), row(497), row(510), row(520), row(530, 0, true), row(540), row(550), row(560), row(558), row(570)],
};

/** Offsets just after each LF: where a log may be split. */
export function lineStarts(bytes: Buffer): number[] {
  const out: number[] = [];
  for (let i = bytes.indexOf(0x0a); i >= 0 && i + 1 < bytes.length; i = bytes.indexOf(0x0a, i + 1)) out.push(i + 1);
  return out;
}

/** Bounds that split a log of `size` bytes into `parts` parts of about as many lines each, at line starts `starts`. */
export function evenBounds(starts: number[], size: number, parts: number): number[] {
  const bounds = [0];
  for (let k = 1; k < parts; k++) bounds.push(starts[Math.floor((starts.length * k) / parts)]);
  bounds.push(size);
  return bounds;
}

/**
 * This thread's side of a parted build of a log split at `bounds`: its first `front` parts indexed into
 * one index, one after another (continuePart), each finished as it is built (finishSoFar), as
 * buildParallel does before the workers' parts come in.
 */
export function frontParts(source: LogSource, dialect: Dialect, bounds: number[], front: number, options: BuildOptions): LogIndex {
  const index = new LogIndex(source, dialect, CTX);
  index.startPart(0, bounds[1]);
  index.build(options);
  index.finishSoFar();
  for (let k = 1; k < front; k++) {
    index.continuePart(bounds[k + 1]);
    index.build(options);
    index.finishSoFar();
  }
  return index;
}
