// Messaging Server fields: host, process name and pid, category, and in Account records the action,
// client address and user of `login [192.0.2.18] erin …`, with the three numbers that end a `close`
// (FORMATS §2.5).
import { AddressScan, F, field, findByte, type FieldSink } from '../fields';
import type { DialectFields, RecordView } from '../recordView';

const CATEGORY = field('messaging_server.category');
const CLIENT_BYTES = field('messaging_server.close.client_bytes');
const SERVER_BYTES = field('messaging_server.close.server_bytes');
const MAILBOXES = field('messaging_server.close.mailboxes');

export class MessagingServerFields implements DialectFields {
  private readonly addr = new AddressScan();

  prepare(v: RecordView): void {
    const sp = findByte(v.buf, 0x20, v.bodyStart, v.lineEnd);
    v.hostStart = v.bodyStart;
    v.hostEnd = sp;
  }

  write(v: RecordView, sink: FieldSink): void {
    const b = v.buf;
    const end = v.lineEnd;
    if (v.hostEnd < 0) return;
    // PROCESS[PID]:
    const procStart = v.hostEnd + 1;
    const procEnd = findByte(b, 0x20, procStart, end);
    if (procEnd < 0 || b[procEnd - 1] !== 0x3a || b[procEnd - 2] !== 0x5d) return;
    const open = findByte(b, 0x5b, procStart, procEnd);
    if (open < 0) return;
    sink.bytes(F.processName, b, procStart, open);
    const pid = number(b, open + 1, procEnd - 2);
    if (pid >= 0) sink.int(F.processPid, pid);
    // CATEGORY LEVEL: message
    const catEnd = findByte(b, 0x20, procEnd + 1, end);
    if (catEnd < 0) return;
    sink.bytes(CATEGORY, b, procEnd + 1, catEnd);
    const lvEnd = findByte(b, 0x3a, catEnd + 1, end);
    if (lvEnd < 0) return;
    let m = lvEnd + 1;
    while (m < end && b[m] === 0x20) m++;
    const account = catEnd - procEnd - 1 === 7 && b[procEnd + 1] === 0x41 && b[procEnd + 2] === 0x63; // "Account"
    const open2 = findByte(b, 0x5b, m, end);
    if (open2 < 0 || !this.addr.at(b, open2, end) || !hasDot(b, this.addr.ipStart, this.addr.ipEnd)) return;
    this.addr.write(sink, b);
    if (!account) return;
    const wordEnd = findByte(b, 0x20, m, end);
    if (wordEnd > m && wordEnd < open2) sink.bytes(F.eventAction, b, m, wordEnd);
    let u = this.addr.end;
    while (u < end && b[u] === 0x20) u++;
    let ue = findByte(b, 0x20, u, end);
    if (ue < 0) ue = end;
    if (ue > u && b[u] !== 0x5b) sink.bytes(F.userName, b, u, ue);
    if (wordEnd - m === 5 && b[m] === 0x63 && b[m + 1] === 0x6c) this.closeNumbers(b, m, end, sink);
  }

  /** `close … A B C`: bytes from the client, bytes from the server, mailboxes selected. */
  private closeNumbers(b: Uint8Array, from: number, end: number, sink: FieldSink): void {
    let e = end;
    while (e > from && b[e - 1] === 0x20) e--;
    const nums = [0, 0, 0];
    for (let k = 2; k >= 0; k--) {
      const s = lastToken(b, from, e);
      const n = number(b, s, e);
      if (n < 0) return;
      nums[k] = n;
      e = s - 1;
      if (e <= from || b[e] !== 0x20) return;
    }
    sink.int(CLIENT_BYTES, nums[0]);
    sink.int(SERVER_BYTES, nums[1]);
    sink.int(MAILBOXES, nums[2]);
  }
}

function lastToken(b: Uint8Array, from: number, e: number): number {
  let s = e;
  while (s > from && b[s - 1] !== 0x20) s--;
  return s;
}

function number(b: Uint8Array, s: number, e: number): number {
  if (e <= s || e - s > 15) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + c - 0x30;
  }
  return v;
}

function hasDot(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i] === 0x2e || b[i] === 0x3a) return true;
  return false;
}
