// EMG fields: a connector line's instance, event, status, INFO pairs and MGP options by name; the
// instance and direction of pdu lines; the thread of profiling lines (FORMATS §2.3).
import { AddressScan, F, field, findByte, type Field, type FieldSink } from '../fields';
import type { DialectFields, RecordView } from '../recordView';

const INSTANCE = field('emg.instance');
const EVENT = field('emg.event');
const STATUS = field('emg.status');
const INFO = field('emg.info');
const DIRECTION = field('emg.direction');
const THREAD = field('emg.thread');
const PDU = field('emg.info.pdu');
const DLR = field('emg.info.dlr');
const INFO_TEXT = field('emg.info.info');
const ORPHANED = field('emg.info.orphaned');

/** MGP option numbers and the names the EMG manual gives them (FORMATS §2.3). */
const OPTION_NAMES: Record<number, string> = {
  1: 'ID',
  2: 'SOURCEADDR',
  8: 'DESTADDR',
  9: 'DESTADDRTON',
  10: 'DESTADDRNPI',
  17: 'MESSAGE_LENGTH',
  19: 'DLR',
  22: 'USERNAME',
  25: 'MSGTYPE',
  34: 'REMOTEIP',
  59: 'CONNECTOR',
  95: 'ENDSECS',
  96: 'ENDMSECS',
};
/** Option fields by number, made on first use: `emg.option.DESTADDR`, or `emg.option.93` for numbers without a name. */
const optionFields: (Field | undefined)[] = [];
function optionField(n: number): Field {
  let f = optionFields[n];
  if (!f) optionFields[n] = f = field(`emg.option.${OPTION_NAMES[n] ?? String(n)}`);
  return f;
}

const EVENTS = ['CONNECT', 'DISCONNECT', 'LOGIN', 'LOGOUT', 'SEND', 'RECEIVE', 'REJECT', 'MAXFAIL', 'EXPIRE'];

export class EmgFields implements DialectFields {
  private readonly addr = new AddressScan();

  prepare(v: RecordView): void {
    v.hostEnd = -1;
  }

  write(v: RecordView, sink: FieldSink): void {
    const b = v.buf;
    const p = v.bodyStart;
    const end = v.lineEnd;
    if (b[p] === 0x7c /* |thread| */) {
      const close = findByte(b, 0x7c, p + 1, end);
      if (close > p) sink.bytes(THREAD, b, p + 1, close);
      return;
    }
    if (b[p] !== 0x28 /* ( */) {
      // pdu: `INSTANCE Read|Write data`
      const sp = findByte(b, 0x20, p, end);
      if (sp > p && (is(b, sp + 1, sp + 5, 'Read') || is(b, sp + 1, sp + 6, 'Write'))) {
        sink.bytes(INSTANCE, b, p, sp);
        sink.text(DIRECTION, b[sp + 1] === 0x52 ? 'in' : 'out');
      }
      return;
    }
    const close = findByte(b, 0x29, p + 1, end);
    if (close < 0 || b[close + 1] !== 0x20) return;
    const evStart = close + 2;
    const evEnd = findByte(b, 0x20, evStart, end);
    if (evEnd < 0 || !isEvent(b, evStart, evEnd)) return;
    let stEnd = findByte(b, 0x20, evEnd + 1, end);
    if (stEnd < 0) stEnd = end;
    sink.bytes(INSTANCE, b, p + 1, close);
    sink.bytes(EVENT, b, evStart, evEnd);
    sink.bytes(STATUS, b, evEnd + 1, stEnd);
    sink.text(F.eventOutcome, is(b, evEnd + 1, stEnd, 'OK') ? 'success' : 'failure');
    let q = stEnd + 1;
    const connect = is(b, evStart, evEnd, 'CONNECT');
    const login = is(b, evStart, evEnd, 'LOGIN');
    if (b[q] === 0x28) {
      const infoEnd = infoClose(b, q + 1, end);
      sink.bytes(INFO, b, q + 1, infoEnd);
      this.info(b, q + 1, infoEnd, sink, connect, login);
      q = infoEnd + 2;
    }
    this.options(b, q, end, sink);
  }

  /** `key[=value]` pairs, values maybe quoted: pdu, dlr, info, orphaned; CONNECT's info is the peer, LOGIN's the user. */
  private info(b: Uint8Array, s: number, e: number, sink: FieldSink, connect: boolean, login: boolean): void {
    let i = s;
    while (i < e) {
      let j = i;
      let quoted = false;
      while (j < e && (quoted || b[j] !== 0x2c)) {
        if (b[j] === 0x22) quoted = !quoted;
        j++;
      }
      const eq = findByte(b, 0x3d, i, j);
      const keyEnd = eq < 0 ? j : eq;
      let vs = eq < 0 ? j : eq + 1;
      let ve = j;
      if (b[vs] === 0x22 && ve > vs + 1 && b[ve - 1] === 0x22) {
        vs++;
        ve--;
      }
      if (is(b, i, keyEnd, 'orphaned')) sink.text(ORPHANED, 'true');
      else if (is(b, i, keyEnd, 'pdu')) sink.bytes(PDU, b, vs, ve);
      else if (is(b, i, keyEnd, 'dlr')) sink.bytes(DLR, b, vs, ve);
      else if (is(b, i, keyEnd, 'info')) {
        if (connect && this.addr.at(b, vs, ve) && this.addr.end === ve) this.addr.write(sink, b);
        else if (login) sink.bytes(F.userName, b, vs, ve);
        else sink.bytes(INFO_TEXT, b, vs, ve);
      }
      i = j + 1;
    }
  }

  /** Space-separated `NNN:value` MGP options; USERNAME and REMOTEIP also as user.name and source.ip. */
  private options(b: Uint8Array, q: number, end: number, sink: FieldSink): void {
    while (q < end) {
      let e = findByte(b, 0x20, q, end);
      if (e < 0) e = end;
      const colon = findByte(b, 0x3a, q, e);
      if (colon > q) {
        let n = 0;
        let ok = true;
        for (let i = q; i < colon; i++) {
          const c = b[i];
          if (c < 0x30 || c > 0x39) ok = false;
          n = n * 10 + c - 0x30;
        }
        if (ok && colon + 1 < e) {
          sink.bytes(optionField(n), b, colon + 1, e);
          if (n === 22) sink.bytes(F.userName, b, colon + 1, e);
          else if (n === 34 && this.addr.at(b, colon + 1, e)) this.addr.write(sink, b);
        }
      }
      q = e + 1;
    }
  }
}

/** The `)` that closes an INFO group opened before `s` (quotes honoured). */
function infoClose(b: Uint8Array, s: number, end: number): number {
  let quoted = false;
  for (let i = s; i < end; i++) {
    if (b[i] === 0x22) quoted = !quoted;
    else if (!quoted && b[i] === 0x29) return i;
  }
  return end;
}

function isEvent(b: Uint8Array, s: number, e: number): boolean {
  for (const word of EVENTS) if (is(b, s, e, word)) return true;
  return false;
}

function is(b: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (b[s + i] !== word.charCodeAt(i)) return false;
  return true;
}
