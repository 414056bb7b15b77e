// Axigen fields: the host, the service and session id of `HOST SERVICE:SESSIONID: message`, and the
// peer of `… from 203.0.113.45:52214` (FORMATS §2.4).
import { AddressScan, field, findAscii, findByte, type FieldSink } from '../fields';
import type { DialectFields, RecordView } from '../recordView';

const SERVICE = field('axigen.service');
const SESSION_ID = field('axigen.session_id');

export class AxigenFields implements DialectFields {
  private readonly addr = new AddressScan();
  private tokenStart = 0;

  prepare(v: RecordView): void {
    const b = v.buf;
    const p = v.bodyStart;
    const sp = findByte(b, 0x20, p, v.lineEnd);
    v.hostEnd = -1;
    this.tokenStart = p;
    // A host-less record starts with its `SERVICE[:ID]:` token directly.
    if (sp > p && b[sp - 1] !== 0x3a) {
      v.hostStart = p;
      v.hostEnd = sp;
      this.tokenStart = sp + 1;
    }
  }

  write(v: RecordView, sink: FieldSink): void {
    const b = v.buf;
    const end = v.lineEnd;
    const t = this.tokenStart;
    let tokEnd = findByte(b, 0x20, t, end);
    if (tokEnd < 0) tokEnd = end;
    if (b[tokEnd - 1] !== 0x3a) return;
    const colon = findByte(b, 0x3a, t, tokEnd - 1);
    sink.bytes(SERVICE, b, t, colon < 0 ? tokEnd - 1 : colon);
    if (colon >= 0) sink.bytes(SESSION_ID, b, colon + 1, tokEnd - 1);
    const from = findAscii(b, ' from ', tokEnd, end);
    if (from >= 0 && this.addr.at(b, from + 6, end)) this.addr.write(sink, b);
  }
}
