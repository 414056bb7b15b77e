// Sun/Oracle Messaging Server: `[DD/Mon/YYYY:HH:MM:SS ±ZZZZ] HOST PROCESS[PID]: CATEGORY LEVEL: message`.
import { plural } from '../../../../common/describe';
import { digits, indexOfByte, parseClock, parseZone, SP } from '../bytes';
import { DAY_MS, daysFromCivil, monthFromBytes } from '../time';
import type { Dialect, HeaderScratch, LineParser } from '../types';
import { Severity } from '../types';

/** Level words in order; the index is the written level code. */
const LEVELS = ['Catastrophe', 'Critical', 'Error', 'Warning', 'Notice', 'Information', 'Debug'];
const LEVEL_SEVERITY = [Severity.Critical, Severity.Critical, Severity.Error, Severity.Warning, Severity.Info, Severity.Info, Severity.Debug];
const LEVEL_BYTES = LEVELS.map((w) => Buffer.from(w));

class MessagingServerParser implements LineParser {
  private readonly clock = new Float64Array(1);

  header(buf: Uint8Array, start: number, end: number, h: HeaderScratch): boolean {
    let p = start;
    const bracket = buf[p] === 0x5b;
    if (bracket) p++;
    const d = digits(buf, p, 2);
    if (d < 1 || buf[p + 2] !== 0x2f) return false;
    let month = digits(buf, p + 3, 2);
    let q: number;
    if (month > 0) q = p + 5;
    else {
      month = monthFromBytes(buf, p + 3);
      q = p + 6;
    }
    if (month < 1 || month > 12 || buf[q] !== 0x2f) return false;
    const y = digits(buf, q + 1, 4);
    if (y < 0 || (buf[q + 5] !== 0x3a && buf[q + 5] !== SP)) return false;
    q = parseClock(buf, q + 6, end, this.clock);
    if (q < 0 || buf[q] !== SP) return false;
    const zone = parseZone(buf, q + 1, end);
    if (Number.isNaN(zone)) return false;
    q += 6;
    if (bracket) {
      if (buf[q] !== 0x5d) return false;
      q++;
    }
    if (buf[q] !== SP) return false;
    const bodyStart = q + 1;
    // HOST PROCESS[PID]:
    const hostEnd = indexOfByte(buf, SP, bodyStart, end);
    if (hostEnd < 0) return false;
    const procEnd = indexOfByte(buf, SP, hostEnd + 1, end);
    if (procEnd < 0 || buf[procEnd - 1] !== 0x3a || buf[procEnd - 2] !== 0x5d) return false;
    // CATEGORY LEVEL:
    const catEnd = indexOfByte(buf, SP, procEnd + 1, end);
    if (catEnd < 0) return false;
    const lvEnd = indexOfByte(buf, 0x3a, catEnd + 1, end);
    const level = lvEnd < 0 ? -1 : LEVEL_BYTES.findIndex((w) => w.length === lvEnd - catEnd - 1 && w.equals(buf.subarray(catEnd + 1, lvEnd)));
    if (level < 0) return false;
    h.wall = daysFromCivil(y, month, d) * DAY_MS + this.clock[0];
    h.offsetMin = zone;
    h.level = level;
    h.severity = LEVEL_SEVERITY[level];
    h.bodyCol = bodyStart - start;
    h.keyBuf = buf;
    h.keyStart = hostEnd + 1;
    h.keyEnd = procEnd - 1;
    return true;
  }
}

const HEAD = new RegExp(`(\\S+\\[\\d+\\]): \\S+( (?:${LEVELS.join('|')})):`);
const TS = /^\[?\d{2}\/(?:[A-Za-z]{3}|\d{2})\/\d{4}[: ]\d{2}:\d{2}:\d{2}(?:\.\d+)? [+-]\d{4}\]?/;

/** The three numbers that end an IMAP/POP `close` record, or undefined (SPEC §2.5). */
export function closeNumbers(body: string): { clientBytes: number; serverBytes: number; mailboxes: number } | undefined {
  if (!/\bclose\b/.test(body)) return undefined;
  const m = /(\d+) (\d+) (\d+)\s*$/.exec(body);
  return m ? { clientBytes: Number(m[1]), serverBytes: Number(m[2]), mailboxes: Number(m[3]) } : undefined;
}

export const messagingServer: Dialect = {
  id: 'messaging-server-log',
  name: 'Messaging Server',
  createParser: () => new MessagingServerParser(),
  componentOf(key) {
    const b = key.indexOf('[');
    return b > 0 ? key.slice(0, b) : key;
  },
  levelName: (level) => LEVELS[level] ?? '',
  timestampText(line) {
    const m = TS.exec(line);
    return m ? m[0].replace(/^\[|\]$/g, '') : '';
  },
  fileNameScore: (name) => (/^(imap|pop|http|default|admin|mshttpd|stored|imta)/i.test(name) ? 1 : 0),
  levelGap(line) {
    // The body skips the level word: "host imapd[232]: Account Notice: close" → "host imapd[232]: Account: close".
    const m = HEAD.exec(line);
    if (!m) return undefined;
    const gapEnd = m.index + m[0].length - 1;
    return [gapEnd - m[2].length, gapEnd];
  },
  levelSpan(header) {
    const gap = this.levelGap?.(header); // " Notice" between CATEGORY and ':'
    return gap ? [gap[0] + 1, gap[1]] : undefined;
  },
  tokenFacts(header) {
    // The three numbers ending an IMAP/POP `close` record (FORMATS §2.5).
    const numbers = closeNumbers(header);
    const m = /(\d+) (\d+) (\d+)\s*$/.exec(header);
    if (!numbers || !m) return [];
    const what =
      `: ${numbers.clientBytes} bytes sent by the client · ${numbers.serverBytes} bytes sent by the server · ` +
      `${plural(numbers.mailboxes, 'mailbox', 'mailboxes')} selected`;
    return [{ start: m.index, end: m.index + m[1].length + m[2].length + m[3].length + 2, title: [{ strong: 'close' }, what], details: [], aboutRecord: true }];
  },
};
