// PrivateServer fields: every column of the table a row belongs to, as `privateserver.<column>`, and
// the account and peer address as user.name and source.ip/source.port (FORMATS §2.6). The exporter
// sees rows in file order, so the header row in front of each table is read from the lines between
// records. Console tables are small: rows are decoded to text here, unlike the other dialects.
import { parseGroupedNumber, splitRow } from '../../dialects/privateServerTables';
import { AddressScan, F, field, type Field, type FieldSink } from '../fields';
import type { DialectFields, RecordView } from '../recordView';

/** Columns that identify a header row of each table kind (as the dialect reads them). */
const SIGNATURES = [
  ['timestamp', 'event', 'peername'],
  ['id', 'username'],
  ['date created', 'event type', 'principal'],
  ['call date', 'src', 'disposition'],
];
const USER_COLUMNS = new Set(['account', 'username', 'principal']);
const ADDRESS_COLUMNS = new Set(['remoteaddr', 'ipaddr', 'ip address']);
const NUMBER_COLUMNS = new Set(['duration', 'port']);

function columnName(cell: string): string {
  return cell.replace(/[▼▲↓↑⇩⇧]/g, '').trim().toLowerCase();
}

export class PrivateServerFields implements DialectFields {
  private readonly addr = new AddressScan();
  private columns: string[] = [];
  private columnFields: Field[] = [];
  private lastRecord = -2;

  prepare(v: RecordView): void {
    v.hostEnd = -1;
    const r = v.r;
    if (r !== this.lastRecord + 1 || this.gapBefore(v, r)) this.findHeader(v);
    this.lastRecord = r;
  }

  /** True when lines that are no record's (a table's title and header) come before record r. */
  private gapBefore(v: RecordView, r: number): boolean {
    const index = v.index;
    return index.recStartLine[r] > (r > 0 ? index.recEndLine[r - 1] + 1 : 0);
  }

  /**
   * The columns of the table record r is in: the header row in the nearest lines before it that hold
   * one, going back over the table's rows when r is not its first (an export slice may start mid-table).
   */
  private findHeader(v: RecordView): void {
    for (let k = v.r; k >= 0; k--) if (this.gapBefore(v, k) && this.readHeader(v, k)) return;
    this.columns = [];
    this.columnFields = [];
  }

  /** Reads the header row among the lines before record k (back to the previous record); false when there is none. */
  private readHeader(v: RecordView, k: number): boolean {
    const index = v.index;
    const from = k > 0 ? index.recEndOffset[k - 1] : 0;
    const gap = index.read(from, index.recStartOffset[k]).toString('utf8');
    let found = false;
    for (const line of gap.split(/\r\n|\r|\n/)) {
      const names = splitRow(line).map(columnName);
      if (SIGNATURES.some((sig) => sig.every((c) => names.includes(c)))) {
        this.columns = names;
        this.columnFields = names.map((n) => field(`privateserver.${n.replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}`));
        found = true;
      }
    }
    return found;
  }

  write(v: RecordView, sink: FieldSink): void {
    const line = Buffer.from(v.buf.buffer, v.buf.byteOffset + v.start, v.lineEnd - v.start).toString('utf8');
    const cells = splitRow(line, this.columns.length);
    let port = -1;
    for (let i = 0; i < cells.length && i < this.columns.length; i++) {
      const name = this.columns[i];
      const cell = cells[i].trim();
      if (cell === '' || name === '') continue;
      if (NUMBER_COLUMNS.has(name)) {
        const n = parseGroupedNumber(cell);
        if (Number.isFinite(n)) sink.int(this.columnFields[i], n);
        if (name === 'port') port = n;
        continue;
      }
      sink.text(this.columnFields[i], cell);
      if (USER_COLUMNS.has(name)) sink.text(F.userName, cell);
      if (ADDRESS_COLUMNS.has(name)) {
        const bytes = Buffer.from(cell, 'utf8');
        if (this.addr.at(bytes, 0, bytes.length) && this.addr.end === bytes.length) this.addr.write(sink, bytes);
      }
    }
    if (port >= 0 && port < 65536) sink.int(F.sourcePort, port);
  }
}
