// CommuniGate Pro fields: the address in `IMAP-1([10.0.1.15])` and after `from [ip]:port`, the
// account of `ACCOUNT(name)`, the queue id of `QUEUE([id])` / `DEQUEUER [id]`, the SIP dialog's
// Call-ID, and the TAB fields of the supplementary delivery and access logs (FORMATS §2.1, §2.2).
import { grow } from '../../keyTable';
import type { ExportIndex } from '../exportIndex';
import { AddressScan, F, field, findByte, findFromBracket, ForwardFinder, type FieldSink } from '../fields';
import type { DialectFields, RecordView } from '../recordView';

const SP = 0x20;
const TAB = 0x09;
const DELIVERY_STATE = field('communigate.delivery.state');
const DELIVERY_TARGET = field('communigate.delivery.target');
const DELIVERY_REPORT = field('communigate.delivery.report');
const DELIVERY_SIZE = field('communigate.delivery.size');
const SERVICE = field('communigate.service');

export class CommunigateFields implements DialectFields {
  private readonly addr = new AddressScan();
  private readonly brackets = new ForwardFinder(0x5b /* [ */);
  private readonly fields: number[] = [];
  private dialogs: Dialogs | undefined;
  private dialogsIndex: ExportIndex | undefined;

  prepare(v: RecordView): void {
    v.hostEnd = -1; // CommuniGate writes no host name on its lines
  }

  write(v: RecordView, sink: FieldSink): void {
    const b = v.buf;
    const p = v.bodyStart;
    if (p > v.start && b[p - 1] === TAB) this.supplementary(v, sink);
    else this.main(v, sink);
    const index = v.index;
    if (index.sessionDialog.size > 0) {
      // The table of the index being written, looked up again only when the index changes.
      if (this.dialogsIndex !== index) {
        this.dialogs = dialogsOf(index);
        this.dialogsIndex = index;
      }
      const dialogs = this.dialogs as Dialogs;
      const n = dialogs.bySession[index.recSession[v.r]];
      if (n > 0) sink.json(F.sipCallId, dialogs.json[n - 1]);
    }
  }

  private main(v: RecordView, sink: FieldSink): void {
    const b = v.buf;
    const p = v.bodyStart;
    const end = v.lineEnd;
    let keyEnd = findByte(b, SP, p, end);
    if (keyEnd < 0) keyEnd = end;
    const open = findByte(b, 0x28 /* ( */, p, keyEnd);
    let addressDone = false;
    if (open > p && b[keyEnd - 1] === 0x29 /* ) */) {
      const inner = open + 1;
      const innerEnd = keyEnd - 1;
      if (b[inner] === 0x5b /* [ */) {
        if (startsWith(b, p, 'QUEUE(')) {
          sink.bytes(F.emailLocalId, b, inner + 1, innerEnd - 1);
        } else if (isAddress(b, inner + 1, innerEnd - 1) && this.addr.at(b, inner, innerEnd)) {
          // The connection's own line says the port: `… from [10.0.1.15]:51234`.
          const from = findFromBracket(this.brackets, b, v.bufStamp, keyEnd, end);
          if (from >= 0 && this.addr.at(b, from + 6, end) && this.addr.port >= 0) this.addr.write(sink, b);
          // Without ` from [` the key's address is still the one read above.
          else if (from < 0 || this.addr.at(b, inner, innerEnd)) this.addr.write(sink, b);
          addressDone = true;
        }
      } else if (startsWith(b, p, 'ACCOUNT(')) {
        sink.bytes(F.userName, b, inner, innerEnd);
      }
    } else if (startsWith(b, p, 'DEQUEUER [') && keyEnd === p + 8) {
      const close = findByte(b, 0x5d, p + 10, end);
      if (close > p + 10) sink.bytes(F.emailLocalId, b, p + 10, close);
    }
    if (!addressDone) {
      const from = findFromBracket(this.brackets, b, v.bufStamp, keyEnd, end);
      if (from >= 0 && isAddress(b, from + 7, findByte(b, 0x5d, from + 7, end)) && this.addr.at(b, from + 6, end)) this.addr.write(sink, b);
    }
  }

  /** Delivery: `01 state returnPath from auth submit localIP queueID messageID size origRcpt target report`; access: `01 login name [addr]:port service`. */
  private supplementary(v: RecordView, sink: FieldSink): void {
    const b = v.buf;
    const f = this.fields;
    f.length = 0;
    let s = v.bodyStart;
    for (let i = s; i < v.lineEnd; i++) {
      if (b[i] === TAB) {
        f.push(s, i);
        s = i + 1;
      }
    }
    f.push(s, v.lineEnd);
    const n = f.length >> 1;
    if (n < 2) return;
    const [s1, e1] = [f[2], f[3]];
    if (is(b, s1, e1, 'RELAY') || is(b, s1, e1, 'FINAL') || is(b, s1, e1, 'TMPER') || is(b, s1, e1, 'ERROR')) {
      sink.bytes(DELIVERY_STATE, b, s1, e1);
      sink.text(F.eventOutcome, b[s1] === 0x45 || b[s1] === 0x54 ? 'failure' : 'success');
      if (n > 3 && f[7] > f[6]) sink.bytes(F.emailFrom, b, f[6], f[7]);
      if (n > 7 && f[15] > f[14]) sink.bytes(F.emailLocalId, b, f[14], f[15]);
      if (n > 8 && f[17] > f[16]) sink.bytes(F.emailMessageId, b, f[16], f[17]);
      if (n > 9 && f[19] > f[18]) {
        const size = digitsValue(b, f[18], f[19]);
        if (size >= 0) sink.int(DELIVERY_SIZE, size);
      }
      if (n > 10 && f[21] > f[20]) sink.bytes(F.emailTo, b, f[20], f[21]);
      if (n > 11 && f[23] > f[22]) sink.bytes(DELIVERY_TARGET, b, f[22], f[23]);
      if (n > 12 && f[25] > f[24]) sink.bytes(DELIVERY_REPORT, b, f[24], f[25]);
      return;
    }
    if (!isAccess(b, s1, e1)) return;
    sink.bytes(F.eventAction, b, s1, e1);
    if (is(b, s1, e1, 'failure')) sink.text(F.eventOutcome, 'failure');
    if (n > 2 && f[5] > f[4]) sink.bytes(F.userName, b, f[4], f[5]);
    if (b[s1] === 0x70 || b[s1] === 0x73) return; // p-change / s-change: by whom, not an address
    if (n > 3 && this.addr.at(b, f[6], f[7])) this.addr.write(sink, b);
    if (n > 4 && f[9] > f[8]) sink.bytes(SERVICE, b, f[8], f[9]);
  }
}

/** Per session: the number (from 1) of its SIP dialog's Call-ID, JSON-encoded once. */
interface Dialogs {
  bySession: Int32Array;
  json: Buffer[];
  /** The index's dialogs taken in so far. */
  dialogCount: number;
  /** Call-ID → its number. */
  numbers: Map<string, number>;
  /** The map's entries, read up to dialogCount. */
  entries: IterableIterator<[number, string]>;
}
const dialogTables = new WeakMap<ReadonlyMap<number, string>, Dialogs>();

/**
 * The index's SIP dialogs as a table by session (a Map lookup per record costs). Made once per index,
 * and extended when the index has grown (a streamed export learns sessions and dialogs window by
 * window): the map only ever gains entries, in order, so the ones not seen yet are those past the count.
 */
function dialogsOf(index: ExportIndex): Dialogs {
  let d = dialogTables.get(index.sessionDialog);
  if (!d) dialogTables.set(index.sessionDialog, (d = { bySession: new Int32Array(index.sessionCount), json: [], dialogCount: 0, numbers: new Map(), entries: index.sessionDialog.entries() }));
  if (d.bySession.length < index.sessionCount) d.bySession = grow(d.bySession, index.sessionCount);
  // The iterator is never run to its end, so it goes on to the entries added since.
  for (; d.dialogCount < index.sessionDialog.size; d.dialogCount++) {
    const [session, callId] = d.entries.next().value as [number, string];
    let n = d.numbers.get(callId);
    if (n === undefined) {
      d.json.push(Buffer.from(JSON.stringify(callId), 'utf8'));
      d.numbers.set(callId, (n = d.json.length));
    }
    if (session < d.bySession.length) d.bySession[session] = n;
  }
  return d;
}

const ACCESS = ['login', 'logout', 'verify', 'failure', 'p-change', 's-change'];
function isAccess(b: Uint8Array, s: number, e: number): boolean {
  for (const word of ACCESS) if (is(b, s, e, word)) return true;
  return false;
}

function startsWith(b: Uint8Array, p: number, s: string): boolean {
  for (let i = 0; i < s.length; i++) if (b[p + i] !== s.charCodeAt(i)) return false;
  return true;
}

function is(b: Uint8Array, s: number, e: number, word: string): boolean {
  return e - s === word.length && startsWith(b, s, word);
}

/** An IP address (has a dot or colon), not a bracketed queue number. */
function isAddress(b: Uint8Array, s: number, e: number): boolean {
  if (e <= s) return false;
  for (let i = s; i < e; i++) if (b[i] === 0x2e || b[i] === 0x3a) return true;
  return false;
}

function digitsValue(b: Uint8Array, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c === 0x2c) continue; // thousands separators
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + c - 0x30;
  }
  return v;
}
