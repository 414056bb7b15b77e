// A small made-up CommuniGate log for warming up V8 (features/warmUp.ts in the server, the standby
// index worker of fileIndexJob.ts): the index's fused loop runs interpreted until it has run long
// enough to be optimised, so a thread's first real log would otherwise pay for the compiling.
import type { IndexOptions } from './buildOptions';
import { communigate } from './dialects/communigate';
import { LogIndex } from './logIndex';
import { MemorySource } from './source';

/** Lines of the made-up log: enough for V8 to optimise the loops (3,000 lines did as well as 6,000 or 10,000: about 60 ms at start-up). */
export const WARM_UP_LINES = 3000;

/**
 * A made-up CommuniGate log with the record shapes of a real one, in about the same mix: SIP packets of
 * a dozen one-line records, IMAP, SMTP, HTTP and XIMSS sessions, queue and delivery records, thread
 * forms, continuation lines, errors and a pair of overflow markers. A shape the warm-up never showed
 * V8 (an overflow marker, a record with a parenthesised port) made it drop the optimised loop on the
 * first real log and compile it again: a real log's first index took about 40 ms longer than its second.
 */
export function madeUpLog(lines: number): Buffer {
  const out: string[] = [];
  let ms = 12 * 3_600_000;
  const clock = (): string => {
    ms += 37;
    const h = Math.floor(ms / 3_600_000) % 24;
    const m = Math.floor(ms / 60_000) % 60;
    const sec = Math.floor(ms / 1000) % 60;
    return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
  };
  for (let i = 0; out.length < lines; i++) {
    const n = String(i).padStart(6, '0');
    const ip = `10.0.${i % 8}.${(i * 7) % 250}`;
    const t = clock();
    switch (i % 16) {
      case 0: {
        // A session's stretch of two records (written at two times), then another session of the same
        // component: the outline's "records 1–2 of 3" and a component that goes on.
        const other = String(i + 100_000).padStart(6, '0');
        out.push(`${t} 2 IMAP-${n}([${ip}]) got connection on [192.168.1.10]:993 from [${ip}]:40058`, `${clock()} 5 IMAP-${n}([${ip}]) out: * OK ready`, `${clock()} 2 IMAP-${other}([${ip}]) got connection on [192.168.1.10]:143 from [${ip}]:40059`);
        break;
      }
      case 1: {
        // A SIP packet: one record per line, the Call-ID read into the session's dialog.
        const dir = i % 3 === 0 ? 'out' : 'inp';
        out.push(`${t} 2 SIPDATA-${n} ${dir}: req udp [${ip}]:5060 INVITE(872 bytes)`);
        for (const header of ['INVITE sip:+4670372@sip.example.net SIP/2.0', `Via: SIP/2.0/UDP ${ip}:5060;branch=z9hG4bK${n}`, `From: <sip:ivan@example.com>;tag=${n}`, 'To: <sip:+4670372@sip.example.net>', `Call-ID: c${n}@${ip}`, 'CSeq: 1 INVITE', 'Content-Length: 0', '']) {
          out.push(`${t} 5 SIPDATA-${n} ${dir}: ${header}`);
        }
        break;
      }
      case 2:
        out.push(`${t} 5 HTTPU [0.0.0.0]:443 <- [${ip}]:27344 connection request. socket=254`);
        break;
      case 3:
        out.push(`${t} 3 SMTPI-${n}([203.0.113.133]) RCPT TO:<bob@example.com> rejected: unknown user account`);
        break;
      case 4:
        // A thread form's composed key (SIGNAL-n) comes back: the key table compares composed bytes.
        out.push(`${t} 4 SIGNAL(2) ${n}: processing INITIAL`, `${t} 4 SIGNAL-${n} enqueued`, `${t} 5 SIGNAL(1) ${n}: sent to DIALOG`);
        break;
      case 5:
        out.push(`${t} 1 SMTP-${n}([203.0.113.117]) failed to connect: connection refused`);
        // A crash (level 0), rarely.
        if (i % 512 === 5) out.push(`${t} 0 SYSTEM server process terminated abnormally (signal 11 in STORAGE thread), restarting`);
        break;
      case 6:
        // The IMAP session of case 0 again: its second stretch.
        out.push(`${t} 5 IMAP-${String(i - 6).padStart(6, '0')}([${ip}]) inp: A1 SELECT INBOX`, '  continued on a second line');
        break;
      case 7:
        out.push(`${t} 5 HTTPU-${n}([${ip}]:50875) s-inp: Content-Length: 431`, `${t} 5 HTTPU-${n}([${ip}]:50875) s-out:+Server: CommuniGatePro/6.3.6a`);
        break;
      case 8:
        out.push(`${t} 4 QUEUE([${i}]) from <support@partner.example> size=99210 enqueued, 1 recipient(s)`, `${t} 2 DEQUEUER [${i}] LOCAL(victor@example.com) delivered: stored`);
        break;
      case 9:
        out.push(`${t} 4 LOCAL(victor@example.com) [${i}] stored in victor/INBOX, 99210 bytes`, `${t} 2 TLS-${n} resumed for HTTPU-${n}, used in 3 other`);
        break;
      case 10:
        out.push(`${t} 5 XIMSS-${n}(bob) inp:+<folderOpen id="folderOpen/77" folder="INBOX" mailbox="INBOX"/>`, `${t} 2 DIALOG-${n} created for SIGNAL-${n}:[${ip}]`);
        break;
      case 11:
        out.push(`${t} 4 DNR [203.0.113.245] resolved to relay.example.net`, `${t} 3 ACCOUNT(sybil@example.com) storage quota 97% used`);
        break;
      case 12:
        out.push(`${t} 3 SIPC-${n} registration failed: 403 Forbidden`, `${t} 2 SYSTEM 159 stream threads, 15 MB in use`);
        // Now and then a record written late: a time regression.
        if (i % 32 === 12) out.push(`${t.slice(0, 6)}0${t.slice(7)} 4 QUEUE([${i}]) delayed record`);
        break;
      case 13:
        out.push(`${t} 5 SMTPI-${n}([198.51.100.242]) out: 220 mail.example.com ESMTP CommuniGate Pro 6.3.6a`);
        break;
      case 14:
        // The log manager's overflow markers, now and then.
        if (i % 64 === 14) out.push('***', '***');
        out.push(`${t} 2 QUEUE([${n}]) stored`);
        break;
      default:
        out.push(`${t} 4 SMTP-${n}([198.51.100.74]) [${i}] connecting to [198.51.100.74]:25 for news.example.org`);
    }
  }
  out.length = lines;
  return Buffer.from(out.join('\n') + '\n');
}

/** The made-up log of `lines` lines, indexed. */
export function warmUpIndex(lines = WARM_UP_LINES, options?: IndexOptions): LogIndex {
  const index = new LogIndex(new MemorySource(madeUpLog(lines)), communigate, { fileName: '2026-01-15.log' }, options);
  index.build();
  return index;
}
