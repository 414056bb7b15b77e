// Exported field names, pre-encoded for both formats, and the sink that dialect extractors write to.

/**
 * One exported field: its ECS name (a key of the flat ECS document) and its attribute name in OTLP
 * (the OpenTelemetry semantic-convention name where one exists, else the ECS name). Both are encoded
 * once, so that writing a field copies bytes only.
 */
export class Field {
  /** `,"ecs.name":` */
  readonly ecsKey: Buffer;
  /** `,{"key":"otel.name","value":{"stringValue":` */
  readonly otlpString: Buffer;
  /** `,{"key":"otel.name","value":{"intValue":"` */
  readonly otlpInt: Buffer;
  /** The record (export sequence number) this field was last written for: a document never repeats a key. */
  stamp = -1;

  /** Marks the field written for record `seq`; false when it already was (the first value wins). */
  claim(seq: number): boolean {
    if (this.stamp === seq) return false;
    this.stamp = seq;
    return true;
  }

  constructor(
    readonly ecs: string,
    readonly otel: string = ecs,
  ) {
    this.ecsKey = Buffer.from(`,${JSON.stringify(ecs)}:`);
    this.otlpString = Buffer.from(`,{"key":${JSON.stringify(otel)},"value":{"stringValue":`);
    this.otlpInt = Buffer.from(`,{"key":${JSON.stringify(otel)},"value":{"intValue":"`);
  }
}

/** Fields are declared once (module level) and looked up by name for computed names (table columns, EMG options). */
const byName = new Map<string, Field>();

/** The field of that ECS name (and OTel name), created once. */
export function field(ecs: string, otel: string = ecs): Field {
  let f = byName.get(ecs);
  if (!f) byName.set(ecs, (f = new Field(ecs, otel)));
  return f;
}

/** Where a dialect's extractor writes a record's own fields; the format decides the shape. */
export interface FieldSink {
  /** A string field from the log's bytes `src[start, end)`. */
  bytes(f: Field, src: Uint8Array, start: number, end: number): void;
  /** A string field from text. */
  text(f: Field, value: string): void;
  /** An integer field. */
  int(f: Field, value: number): void;
  /** A string field already encoded as a JSON string (quotes included). */
  json(f: Field, quoted: Uint8Array): void;
}

// Fields every dialect may write (ECS name, OTel semantic-convention name).
export const F = {
  sourceIp: field('source.ip', 'source.address'),
  sourcePort: field('source.port', 'source.port'),
  userName: field('user.name', 'user.name'),
  emailLocalId: field('email.local_id'),
  emailMessageId: field('email.message_id'),
  emailFrom: field('email.from.address'),
  emailTo: field('email.to.address'),
  eventAction: field('event.action'),
  eventOutcome: field('event.outcome'),
  sipCallId: field('sip.call_id'),
  processName: field('process.name', 'process.executable.name'),
  processPid: field('process.pid', 'process.pid'),
} as const;

/** Parses an IPv4 address, an IPv6 address in brackets, either optionally followed by `:port`. */
export class AddressScan {
  ipStart = 0;
  ipEnd = 0;
  port = -1;
  /** End of what was read. */
  end = 0;

  /**
   * Reads `a.b.c.d[:port]` or `[v6-or-v4][:port]` at `p`. Returns false when there is none there.
   */
  at(buf: Uint8Array, p: number, end: number): boolean {
    this.port = -1;
    if (buf[p] === 0x5b /* [ */) {
      const close = buf.indexOf(0x5d, p + 1);
      if (close < 0 || close >= end || close === p + 1) return false;
      for (let i = p + 1; i < close; i++) if (!isAddressChar(buf[i])) return false;
      this.ipStart = p + 1;
      this.ipEnd = close;
      this.end = close + 1;
    } else {
      let i = p;
      let dots = 0;
      while (i < end && (isDigitByte(buf[i]) || buf[i] === 0x2e)) {
        if (buf[i] === 0x2e) dots++;
        i++;
      }
      if (dots !== 3 || i === p || !isDigitByte(buf[i - 1])) return false;
      this.ipStart = p;
      this.ipEnd = i;
      this.end = i;
    }
    if (buf[this.end] === 0x3a && this.end + 1 < end && isDigitByte(buf[this.end + 1])) {
      let port = 0;
      let i = this.end + 1;
      while (i < end && isDigitByte(buf[i]) && port < 65536) port = port * 10 + buf[i++] - 0x30;
      if (port < 65536) {
        this.port = port;
        this.end = i;
      }
    }
    return true;
  }

  /** Writes source.ip (and source.port) to the sink. */
  write(sink: FieldSink, buf: Uint8Array): void {
    sink.bytes(F.sourceIp, buf, this.ipStart, this.ipEnd);
    if (this.port >= 0) sink.int(F.sourcePort, this.port);
  }
}

function isDigitByte(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAddressChar(c: number): boolean {
  return isDigitByte(c) || c === 0x2e || c === 0x3a || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** Index of the ASCII text `s` in `buf[from, end)`, or -1. */
export function findAscii(buf: Uint8Array, s: string, from: number, end: number): number {
  const first = s.charCodeAt(0);
  outer: for (let i = from; i + s.length <= end; i++) {
    if (buf[i] !== first) continue;
    for (let k = 1; k < s.length; k++) if (buf[i + k] !== s.charCodeAt(k)) continue outer;
    return i;
  }
  return -1;
}

/**
 * Finds one byte value in a buffer searched forwards: the native search (memchr, a few ns for a
 * line's bytes where a JavaScript loop takes about 3 ns a byte) runs once per occurrence, and its
 * answer serves every later search that starts at or before it. A search that goes back, another
 * buffer or another `stamp` (the same buffer refilled) searches again.
 */
export class ForwardFinder {
  private buf: Uint8Array | undefined;
  private stamp = -1;
  /** Searches started here or later are answered by `at`. */
  private from = 0;
  /** The first occurrence at or after `from`, or -1 when there is none to the buffer's end. */
  private at = -1;

  constructor(private readonly byte: number) {}

  /** Index of the byte in `buf[from, end)`, or -1; `stamp` changes whenever `buf` gets other bytes. */
  find(buf: Uint8Array, stamp: number, from: number, end: number): number {
    if (buf !== this.buf || stamp !== this.stamp || from < this.from || (this.at >= 0 && this.at < from)) {
      this.buf = buf;
      this.stamp = stamp;
      this.at = buf.indexOf(this.byte, from);
    }
    this.from = from;
    return this.at >= 0 && this.at < end ? this.at : -1;
  }
}

/**
 * Index of ` from [` in `buf[from, end)`, or -1: the bracket is looked for (rarer than the space the
 * needle starts with, and found natively by `brackets`) and the six bytes before it checked.
 */
export function findFromBracket(brackets: ForwardFinder, buf: Uint8Array, stamp: number, from: number, end: number): number {
  for (let i = brackets.find(buf, stamp, from + 6, end); i >= 0; i = brackets.find(buf, stamp, i + 1, end)) {
    if (buf[i - 1] === 0x20 && buf[i - 2] === 0x6d && buf[i - 3] === 0x6f && buf[i - 4] === 0x72 && buf[i - 5] === 0x66 && buf[i - 6] === 0x20) return i - 6;
  }
  return -1;
}

/** Index of byte `c` in `buf[from, end)`, or -1. */
export function findByte(buf: Uint8Array, c: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === c) return i;
  return -1;
}
