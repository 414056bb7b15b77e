// Records per time bucket by severity, for the report's histogram. The bucket size adapts to the
// span so that a minute-long log and a week-long one both give a readable number of bars.
import type { PictureLog } from './pictureLogs';
import { placeOf } from './pictureLogs';
import { reportTime, timeBasis } from './report';
import type { HistogramBucket } from '../../../common/pictureTypes';

// A bucket's shape is the editor's too: one definition, in common/.
export type { HistogramBucket } from '../../../common/pictureTypes';

export interface TimeHistogram {
  bucketMs: number;
  /** Whether the times carry a calendar date. */
  dated: boolean;
  utc: boolean;
  /** Buckets from the first record's to the last record's, empty ones included. */
  buckets: HistogramBucket[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** Bucket sizes people read easily, smallest first. */
const NICE = [SECOND, 5 * SECOND, 10 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR];

/** The smallest easy-to-read bucket that gives at most `target` buckets over `spanMs`. */
export function bucketSize(spanMs: number, target: number): number {
  for (const size of NICE) if (spanMs / size <= target) return size;
  return Math.ceil(spanMs / target / (24 * HOUR)) * 24 * HOUR;
}

export function timeHistogram(files: readonly PictureLog[], target = 60): TimeHistogram {
  const basis = timeBasis(files);
  const { utc, dated } = basis;
  let min = Infinity;
  let max = -Infinity;
  files.forEach(({ index }, f) => {
    for (let r = 0; r < index.recordCount; r++) {
      const t = reportTime(basis, f, index, r);
      if (t < min) min = t;
      if (t > max) max = t;
    }
  });
  if (min > max) return { bucketMs: MINUTE, dated, utc, buckets: [] };
  const bucketMs = bucketSize(max - min, target);
  const first = Math.floor(min / bucketMs) * bucketMs;
  const n = Math.floor((max - first) / bucketMs) + 1;
  const counts = new Uint32Array(n * 6);
  const earliest = new Float64Array(n).fill(Infinity);
  const where = new Int32Array(n * 2).fill(-1);
  files.forEach(({ index }, f) => {
    for (let r = 0; r < index.recordCount; r++) {
      const t = reportTime(basis, f, index, r);
      if (Number.isNaN(t)) continue;
      const b = Math.floor((t - first) / bucketMs);
      counts[b * 6 + index.recSeverity[r]]++;
      if (t < earliest[b]) {
        earliest[b] = t;
        where[b * 2] = f;
        where[b * 2 + 1] = r;
      }
    }
  });
  const buckets: HistogramBucket[] = [];
  for (let b = 0; b < n; b++) {
    const start = first + b * bucketMs;
    buckets.push({
      start,
      counts: Array.from(counts.subarray(b * 6, b * 6 + 6)),
      fileIndex: where[b * 2],
      line: where[b * 2] < 0 ? -1 : placeOf(files[where[b * 2]], where[b * 2 + 1]).line,
      from: timeQuery(start, dated),
      to: timeQuery(start + bucketMs - 1, dated),
    });
  }
  return { bucketMs, dated, utc, buckets };
}

/** A FORMATS §3 query for a report time: a date-time when dated, else a time of day. */
export function timeQuery(ms: number, dated: boolean): string {
  const iso = new Date(ms).toISOString(); // report times are wall clocks stored as if UTC
  return dated ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}` : iso.slice(11, 23);
}
