export { DAY_MS, daysFromCivil, formatDuration, formatWall, parseTimeQuery } from '../../../common/time';
export type { TimeQuery } from '../../../common/time';
/** Month number 1–12 of a three-letter English month name at `buf[p]`, or 0. */
export declare function monthFromBytes(buf: Uint8Array, p: number): number;
/** Offsets of zone abbreviations that tables exported from web consoles write (`CEST`). */
export declare const ZONE_ABBREVIATIONS: Record<string, number>;
