// A small made-up CommuniGate log for warming up V8 (features/warmUp.ts in the server, the standby
// index worker of fileIndexJob.ts): the index's fused loop runs interpreted until it has run long
// enough to be optimised, so a thread's first real log would otherwise pay for the compiling.
import type { IndexOptions } from './buildOptions';
import { communigate } from './dialects/communigate';
import { LogIndex } from './logIndex';
import { MemorySource } from './source';

/** Lines of the made-up log: enough for V8 to optimise the loops (3,000 lines did as well as 6,000 or 10,000: about 60 ms at start-up). */
export const WARM_UP_LINES = 3000;

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

/** The made-up log of `lines` lines, indexed. */
export function warmUpIndex(lines = WARM_UP_LINES, options?: IndexOptions): LogIndex {
  const index = new LogIndex(new MemorySource(madeUpLog(lines)), communigate, { fileName: '2026-01-15.log' }, options);
  index.build();
  return index;
}
