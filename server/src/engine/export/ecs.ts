// ECS: one flat JSON document per record, keys with dotted Elastic Common Schema names (FORMATS §13),
// optionally each preceded by an Elasticsearch `_bulk` action line.
import { SEVERITY_NAMES } from '../types';
import type { Field } from './fields';
import type { JsonBytes } from './jsonBytes';
import { otelSeverityNumber, type RecordFacts, type RecordFormat } from './record';
import { UtcTimeWriter } from './utcTime';

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');
const BULK_ACTION = enc('{"create":{}}\n');
const K = {
  timestamp: enc(',"@timestamp":'),
  message: enc('{"message":'),
  level: enc(',"log.level":'),
  path: enc(',"log.file.path":'),
  line: enc(',"log.file.line":'),
  dataset: enc(',"event.dataset":'),
  severity: enc(',"event.severity":'),
  severityName: enc(',"messaging.severity":'),
  host: enc(',"host.name":'),
  source: enc(',"messaging.source":'),
  session: enc(',"messaging.session":'),
  component: enc(',"messaging.component":'),
  end: enc('}\n'),
};
const SEVERITY_JSON = SEVERITY_NAMES.map((n) => enc(JSON.stringify(n)));

export class EcsFormat implements RecordFormat {
  private out!: JsonBytes;
  private seq = -1;
  private readonly time = new UtcTimeWriter();

  constructor(private readonly bulk: boolean) {}

  begin(out: JsonBytes, rec: RecordFacts): void {
    this.out = out;
    this.seq = rec.seq;
    const v = rec.view;
    if (this.bulk) out.raw(BULK_ACTION);
    out.raw(K.message);
    out.bytesString(v.buf, v.bodyStart, v.end);
    if (!Number.isNaN(rec.utcMicros)) {
      out.raw(K.timestamp);
      this.time.write(out, rec.utcMicros, rec.fractionDigits);
    }
    if (rec.levelJson) {
      out.raw(K.level);
      out.raw(rec.levelJson);
    }
    out.raw(K.path);
    out.raw(rec.input.pathJson);
    out.raw(K.line);
    out.int(rec.line);
    out.raw(K.dataset);
    out.raw(rec.input.datasetJson);
    out.raw(K.severity);
    out.int(otelSeverityNumber(rec.severity));
    out.raw(K.severityName);
    out.raw(SEVERITY_JSON[rec.severity]);
    if (v.hostEnd >= 0) {
      out.raw(K.host);
      out.bytesString(v.buf, v.hostStart, v.hostEnd);
    }
    out.raw(K.source);
    out.raw(rec.input.sourceJson);
    out.raw(K.session);
    out.string(rec.sessionKey);
    out.raw(K.component);
    out.raw(rec.componentJson);
  }

  end(out: JsonBytes): void {
    out.raw(K.end);
  }

  finish(): void {
    // Documents stand alone: nothing to close.
  }

  private first(f: Field): boolean {
    if (f.stamp === this.seq) return false;
    f.stamp = this.seq;
    return true;
  }

  bytes(f: Field, src: Uint8Array, start: number, end: number): void {
    if (!this.first(f)) return;
    this.out.raw(f.ecsKey);
    this.out.bytesString(src, start, end);
  }

  text(f: Field, value: string): void {
    if (!this.first(f)) return;
    this.out.raw(f.ecsKey);
    this.out.string(value);
  }

  int(f: Field, value: number): void {
    if (!this.first(f)) return;
    this.out.raw(f.ecsKey);
    this.out.int(value);
  }
}
