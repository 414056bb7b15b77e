// OTLP/JSON: each output line is one `ExportLogsServiceRequest` holding a batch of records, as the
// OpenTelemetry protocol's JSON encoding writes it (FORMATS §13): the dialect and host in the resource,
// consecutive records of the same file and host under one resource, the record's fields as attributes.
import { SEVERITY_NAMES } from '../types';
import type { Field } from './fields';
import type { JsonBytes } from './jsonBytes';
import { ComponentBlocks, LevelBlocks, otelSeverityNumber, type RecordFacts, type RecordFormat, SessionBlocks } from './record';

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');
const SCOPE = (version: string | undefined): Buffer =>
  enc(`]},"scopeLogs":[{"scope":{"name":"msglog"${version ? `,"version":${JSON.stringify(version)}` : ''}},"logRecords":[`);
const K = {
  lineStart: enc('{"resourceLogs":['),
  resourceStart: enc('{"resource":{"attributes":['),
  serviceName: enc('{"key":"service.name","value":{"stringValue":'),
  dataset: enc('}},{"key":"event.dataset","value":{"stringValue":'),
  host: enc('}},{"key":"host.name","value":{"stringValue":'),
  attrEnd: enc('}}'),
  resourceEnd: enc(']}]}'),
  lineEnd: enc(']}\n'),
  recordStart: enc('{"timeUnixNano":"'),
  recordStartNoTime: enc('{'),
  timeEnd: enc('000",'),
  zeroTimeEnd: enc('0",'),
  line: enc(',{"key":"log.file.line","value":{"intValue":"'),
  session: enc('"}},{"key":"messaging.session","value":{"stringValue":'),
  comma: enc(','),
  intEnd: enc('"}}'),
  recordEnd: enc(']}'),
};
const SEVERITY_TEXT = SEVERITY_NAMES.map((n) => enc(JSON.stringify(n.toUpperCase())));

/** `"severityNumber":9,"severityText":"08"` of a record (the written level, else the severity's name). */
/** `},"attributes":[` + messaging.severity + the file's attributes + the line's key. */
function afterBodyBlock(rec: RecordFacts): string {
  return `},"attributes":[{"key":"messaging.severity","value":{"stringValue":"${SEVERITY_NAMES[rec.severity]}"}},${rec.input.otlpBlock.toString()}${K.line.toString()}`;
}

function severityBlock(rec: RecordFacts): string {
  const text = rec.levelJson ? rec.levelJson.toString() : SEVERITY_TEXT[rec.severity].toString();
  return `"severityNumber":${otelSeverityNumber(rec.severity)},"severityText":${text},"body":{"stringValue":`;
}

export interface OtlpOptions {
  /** Records per ExportLogsServiceRequest line (default 1000). */
  batchRecords?: number;
  /** msglog's version, for the instrumentation scope. */
  version?: string;
}

/** A line is also closed once it holds this many bytes, so that collectors get requests of sane size. */
const BATCH_BYTES = 4 << 20;

export class OtlpFormat implements RecordFormat {
  private out!: JsonBytes;
  private seq = -1;
  private readonly levels = new LevelBlocks();
  private readonly sessions = new SessionBlocks(K.session, new ComponentBlocks('}},{"key":"messaging.component","value":{"stringValue":', '}}'));
  private readonly afterBody = new LevelBlocks();
  private readonly batchRecords: number;
  private readonly scope: Buffer;
  /** Records in the open line (0: no line open). */
  private inBatch = 0;
  private batchBytes = 0;
  private recordsInResource = 0;
  private resourceInput = -1;
  private resourceHost = Buffer.alloc(0);
  private resourceHasHost = false;

  constructor(options: OtlpOptions = {}) {
    this.batchRecords = Math.max(1, options.batchRecords ?? 1000);
    this.scope = SCOPE(options.version);
  }

  begin(out: JsonBytes, rec: RecordFacts): void {
    this.out = out;
    this.seq = rec.seq;
    const v = rec.view;
    if (this.inBatch === 0) {
      out.raw(K.lineStart);
      this.batchBytes = out.pos;
      this.resourceInput = -1;
    }
    if (!this.sameResource(rec)) {
      if (this.resourceInput >= 0) out.raw(K.resourceEnd);
      if (this.resourceInput >= 0) out.raw(K.comma);
      this.openResource(out, rec);
      this.recordsInResource = 0;
    }
    if (this.recordsInResource > 0) out.raw(K.comma);
    this.recordsInResource++;
    this.inBatch++;
    if (!Number.isNaN(rec.utcMicros)) {
      out.raw(K.recordStart);
      if (rec.utcMicros > 0) {
        out.int(rec.utcMicros);
        out.raw(K.timeEnd);
      } else out.raw(K.zeroTimeEnd);
    } else {
      out.raw(K.recordStartNoTime);
    }
    // Severity number and text come pre-encoded with the body's key; the file's attributes with the line's key.
    out.raw(this.levels.get(rec, severityBlock));
    out.bytesString(v.buf, v.bodyStart, v.end);
    out.raw(this.afterBody.get(rec, afterBodyBlock));
    out.int(rec.line);
    this.sessions.write(out, rec);
  }


  end(out: JsonBytes): void {
    out.raw(K.recordEnd);
    // out.pos restarts at 0 when the exporter takes a chunk: count what this line has written so far.
    if (this.inBatch >= this.batchRecords || this.lineBytes(out) >= BATCH_BYTES) this.closeLine(out);
  }

  finish(out: JsonBytes): void {
    if (this.inBatch > 0) this.closeLine(out);
  }

  /** Told by the exporter before a chunk is taken, so that line sizes survive the restart of `pos`. */
  chunkTaken(out: JsonBytes): void {
    this.batchBytes -= out.pos;
  }

  private lineBytes(out: JsonBytes): number {
    return out.pos - this.batchBytes;
  }

  private closeLine(out: JsonBytes): void {
    out.raw(K.resourceEnd);
    out.raw(K.lineEnd);
    this.inBatch = 0;
    this.resourceInput = -1;
  }

  private sameResource(rec: RecordFacts): boolean {
    if (rec.inputNo !== this.resourceInput) return false;
    const v = rec.view;
    if (v.hostEnd < 0) return !this.resourceHasHost;
    if (!this.resourceHasHost) return false;
    const h = this.resourceHost;
    if (h.length !== v.hostEnd - v.hostStart) return false;
    for (let i = 0; i < h.length; i++) if (h[i] !== v.buf[v.hostStart + i]) return false;
    return true;
  }

  private openResource(out: JsonBytes, rec: RecordFacts): void {
    const v = rec.view;
    this.resourceInput = rec.inputNo;
    this.resourceHasHost = v.hostEnd >= 0;
    this.resourceHost = this.resourceHasHost ? Buffer.from(v.buf.subarray(v.hostStart, v.hostEnd)) : Buffer.alloc(0);
    out.raw(K.resourceStart);
    out.raw(K.serviceName);
    out.raw(rec.input.serviceJson);
    out.raw(K.dataset);
    out.raw(rec.input.datasetJson);
    if (this.resourceHasHost) {
      out.raw(K.host);
      out.bytesString(v.buf, v.hostStart, v.hostEnd);
    }
    out.raw(K.attrEnd);
    out.raw(this.scope);
  }

  bytes(f: Field, src: Uint8Array, start: number, end: number): void {
    if (!f.claim(this.seq)) return;
    const out = this.out;
    out.raw(f.otlpString);
    out.bytesString(src, start, end);
    out.raw(K.attrEnd);
  }

  text(f: Field, value: string): void {
    if (!f.claim(this.seq)) return;
    const out = this.out;
    out.raw(f.otlpString);
    out.string(value);
    out.raw(K.attrEnd);
  }

  int(f: Field, value: number): void {
    if (!f.claim(this.seq)) return;
    const out = this.out;
    out.raw(f.otlpInt);
    out.int(value);
    out.raw(K.intEnd);
  }

  json(f: Field, quoted: Uint8Array): void {
    if (!f.claim(this.seq)) return;
    const out = this.out;
    out.raw(f.otlpString);
    out.raw(quoted);
    out.raw(K.attrEnd);
  }
}
