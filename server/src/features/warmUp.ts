// The first log a new server opens used to pay for V8's compiling: the index's fused loop runs
// interpreted until it has run long enough to be optimised, so the first 4 MB of a cold index took
// several times as long as the next 4 MB (85-100 ms against 10-20 ms here). While the client waits
// for `initialize` (before any document is sent), the server runs the same code over a small made-up
// CommuniGate log, and the first real log is read by optimised code. Nothing is kept or sent.
import type { IndexOptions } from '../engine/logIndex';
import { diagnosticCounts, diagnostics, LogIndex, MemorySource } from '../engine';
import { communigate } from '../engine/dialects/communigate';
import { documentSymbols } from './documentSymbols';
import { foldingRanges } from './folding';

/** Lines of the made-up log: enough for V8 to optimise the loops (3,000 lines did as well as 6,000 or 10,000: about 60 ms at start-up). */
const WARM_UP_LINES = 3000;

/** A made-up CommuniGate log with the common record shapes (main records, SIP packets, thread forms, continuations). */
export function madeUpLog(lines: number): Buffer {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const clock = `12:${String(Math.floor(i / 60000) % 60).padStart(2, '0')}:${String(Math.floor(i / 1000) % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}`;
    const n = String(i >> 3).padStart(6, '0');
    switch (i % 8) {
      case 0:
        out.push(`${clock} 2 IMAP-${n}([10.0.0.1]) got connection on [192.168.1.10]:993 from [10.0.0.1]:40058`);
        break;
      case 1:
        out.push(`${clock} 5 SIPDATA-${n} inp: Call-ID: c${n}@10.0.0.4`);
        break;
      case 2:
        out.push(`${clock} 5 HTTPU [0.0.0.0]:443 <- [10.0.2.160]:27344 connection request. socket=254`);
        break;
      case 3:
        out.push(`${clock} 3 SMTPI-${n}([203.0.113.133]) RCPT TO:<bob@example.com> rejected: unknown user account`);
        break;
      case 4:
        out.push(`${clock} 4 SIGNAL(2) ${n}: processing INITIAL`);
        break;
      case 5:
        out.push(`${clock} 1 SMTP-${n}([203.0.113.117]) failed to connect: connection refused`);
        break;
      case 6:
        out.push(`${clock} 5 IMAP-${n}([10.0.0.1]) inp: A1 SELECT INBOX`, '  continued on a second line');
        break;
      default:
        out.push(`${clock} 2 QUEUE([${n}]) stored`);
    }
  }
  return Buffer.from(out.join('\n') + '\n');
}

/** What the warm-up went through (a test checks that it reaches the code it is there for). */
export interface WarmUpWork {
  records: number;
  sessions: number;
  diagnostics: number;
  foldingRanges: number;
  symbols: number;
}

/** Runs an open log's work (index, diagnostics, folding, outline) once over a made-up log, and drops it. */
export function warmUp(lines = WARM_UP_LINES, options?: IndexOptions): WarmUpWork {
  const index = new LogIndex(new MemorySource(madeUpLog(lines)), communigate, { fileName: '2026-01-15.log' }, options);
  index.build();
  const counts = diagnosticCounts(index);
  let shown = 0;
  for (const _ of diagnostics(index)) if (++shown >= 100) break;
  return { records: index.recordCount, sessions: index.sessionCount, diagnostics: counts.errors + counts.warnings, foldingRanges: foldingRanges(index).length, symbols: documentSymbols(index).length };
}
