// Calendar arithmetic on bytes (hot path) and zone abbreviations; the time queries and formatting
// shared with the client live in common/time.ts.
export { DAY_MS, daysFromCivil, formatDuration, formatWall, parseTimeQuery } from '../../../common/time';
export type { TimeQuery } from '../../../common/time';
import { daysFromCivil } from '../../../common/time';

/**
 * daysFromCivil of the date asked last, kept: a parser asks for every record's date, and a log's records
 * come a day at a time (the arithmetic for each took a twentieth of parsing an Axigen line).
 */
export class CivilDays {
  private y = NaN;
  private m = NaN;
  private d = NaN;
  private days = 0;

  of(y: number, m: number, d: number): number {
    if (d !== this.d || m !== this.m || y !== this.y) {
      this.y = y;
      this.m = m;
      this.d = d;
      this.days = daysFromCivil(y, m, d);
    }
    return this.days;
  }
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** Each month's three letters packed into one number, as monthFromBytes packs the bytes it reads. */
const MONTH_CODES = MONTHS.map((m) => (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2));

/** Month number 1–12 of a three-letter English month name at `buf[p]` (any case), or 0: no string made (a header per record reads it). */
export function monthFromBytes(buf: Uint8Array, p: number): number {
  if (p + 3 > buf.length) return 0;
  const code = ((buf[p] | 0x20) << 16) | ((buf[p + 1] | 0x20) << 8) | (buf[p + 2] | 0x20);
  return MONTH_CODES.indexOf(code) + 1;
}

/** Offsets of zone abbreviations that tables exported from web consoles write (`CEST`). */
export const ZONE_ABBREVIATIONS: Record<string, number> = {
  UTC: 0, GMT: 0, Z: 0, WET: 0, WEST: 60, BST: 60, IST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120,
  EET: 120, EEST: 180, MSK: 180, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360,
  PST: -480, PDT: -420, AKST: -540, AKDT: -480, HST: -600, JST: 540, KST: 540, AEST: 600, AEDT: 660,
};
