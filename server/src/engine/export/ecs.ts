// ECS: one flat JSON document per record, keys with dotted Elastic Common Schema names (FORMATS §13),
// optionally each preceded by an Elasticsearch `_bulk` action line.
import { SEVERITY_NAMES } from '../types';
import type { Field } from './fields';
import type { JsonBytes } from './jsonBytes';
import { ComponentBlocks, LevelBlocks, otelSeverityNumber, type RecordFacts, type RecordFormat, SessionBlocks } from './record';
import { UtcTimeWriter } from './utcTime';

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');
const BULK_ACTION = enc('{"create":{}}\n');
const K = {
  message: enc('{"message":'),
  host: enc(',"host.name":'),
  session: enc(',"messaging.session":'),
  end: enc('}\n'),
};

/** `,"log.level":"3","event.severity":5,"messaging.severity":"debug"` + the file's fields + `,"log.file.line":`. */
function levelBlock(rec: RecordFacts): string {
  const level = rec.levelJson ? `,"log.level":${rec.levelJson.toString()}` : '';
  return `${level},"event.severity":${otelSeverityNumber(rec.severity)},"messaging.severity":"${SEVERITY_NAMES[rec.severity]}"${rec.input.ecsBlock.toString()},"log.file.line":`;
}

export class EcsFormat implements RecordFormat {
  private out!: JsonBytes;
  private seq = -1;
  private readonly time = new UtcTimeWriter(',"@timestamp":');
  private readonly levels = new LevelBlocks();
  private readonly sessions = new SessionBlocks(K.session, new ComponentBlocks(',"messaging.component":', ''));

  constructor(private readonly bulk: boolean) {}

  begin(out: JsonBytes, rec: RecordFacts): void {
    this.out = out;
    this.seq = rec.seq;
    const v = rec.view;
    if (this.bulk) out.raw(BULK_ACTION);
    out.raw(K.message);
    out.bytesString(v.buf, v.bodyStart, v.end);
    // Level, severity, file and dataset come pre-encoded in one block, ending with the line's key.
    out.raw(this.levels.get(rec, levelBlock));
    out.int(rec.line);
    if (!Number.isNaN(rec.utcMicros)) this.time.write(out, rec.utcMicros, rec.fractionDigits);
    if (v.hostEnd >= 0) {
      out.raw(K.host);
      out.bytesString(v.buf, v.hostStart, v.hostEnd);
    }
    this.sessions.write(out, rec);
  }

  end(out: JsonBytes): void {
    out.raw(K.end);
  }

  finish(): void {
    // Documents stand alone: nothing to close.
  }

  bytes(f: Field, src: Uint8Array, start: number, end: number): void {
    if (!f.claim(this.seq)) return;
    this.out.raw(f.ecsKey);
    this.out.bytesString(src, start, end);
  }

  text(f: Field, value: string): void {
    if (!f.claim(this.seq)) return;
    this.out.raw(f.ecsKey);
    this.out.string(value);
  }

  int(f: Field, value: number): void {
    if (!f.claim(this.seq)) return;
    this.out.raw(f.ecsKey);
    this.out.int(value);
  }

  json(f: Field, quoted: Uint8Array): void {
    if (!f.claim(this.seq)) return;
    this.out.raw(f.ecsKey);
    this.out.raw(quoted);
  }
}
