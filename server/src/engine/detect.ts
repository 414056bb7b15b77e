// Dialect detection from the first lines of a log and its file name.
import { DIALECT_NAME_LIST } from '../../../common/dialects';
import { LF } from './bytes';
import { DIALECTS } from './dialects';
import { isOverflowLine } from './logIndex';
import type { Dialect } from './types';
import { HeaderScratch, LogInputError } from './types';

const SAMPLE_BYTES = 256 * 1024;
const SAMPLE_LINES = 400;

/** A file that is not a text log (binary data); the message is one line for the user. */
export class NotTextError extends LogInputError {}

/** Throws NotTextError when the start of the file holds NUL bytes (binary data, not a log). */
export function assertText(bytes: Uint8Array): void {
  // The array's own search (native): this runs once per log opened, too few times for a byte loop to
  // be compiled, and 64 KB interpreted took a worker 14 ms of a large document's first answers.
  const at = bytes.subarray(0, Math.min(bytes.length, 64 * 1024)).indexOf(0);
  if (at >= 0) throw new NotTextError(`not a text log: binary data (NUL byte at offset ${at})`);
}

/** Scores each dialect by how many of the first lines it recognises as record headers. */
export function detectDialect(bytes: Uint8Array, fileName?: string): Dialect | undefined {
  const end = Math.min(bytes.length, SAMPLE_BYTES);
  const h = new HeaderScratch();
  let best: Dialect | undefined;
  let bestScore = 0;
  let markers = 0;
  for (const dialect of DIALECTS) {
    const parser = dialect.createParser({ fileName });
    let pos = 0;
    let lines = 0;
    let nonEmpty = 0;
    let headers = 0;
    while (pos < end && lines < SAMPLE_LINES) {
      let nl = bytes.indexOf(LF, pos);
      if (nl < 0 || nl > end) nl = end;
      let e = nl;
      if (e > pos && bytes[e - 1] === 0x0d) e--;
      if (e > pos && isOverflowLine(bytes, pos, e)) {
        if (dialect.writesOverflowMarkers) markers++;
      } else if (e > pos) {
        nonEmpty++;
        h.reset();
        if (parser.header(bytes, pos, e, h)) headers++;
      }
      pos = nl + 1;
      lines++;
    }
    const nameScore = fileName ? dialect.fileNameScore(fileName) : 0;
    if (headers === 0 || headers * 10 < nonEmpty) continue;
    const score = headers / Math.max(1, nonEmpty) + nameScore * 0.01;
    if (score > bestScore) {
      bestScore = score;
      best = dialect;
    }
  }
  // A log of nothing but overflow markers is a log of the dialect that writes them.
  return best ?? (markers > 0 ? DIALECTS.find((d) => d.writesOverflowMarkers) : undefined);
}

/** Why no dialect was recognised, in words for the user. */
export function whyUnknown(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty';
  return `no line in its first 400 looks like a record of ${DIALECT_NAME_LIST} (use --dialect to force one)`;
}
