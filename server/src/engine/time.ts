// Calendar arithmetic without Date objects (hot path), time queries (FORMATS §3) and formatting.

export const DAY_MS = 86_400_000;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Days since 1970-01-01 of a civil date (proleptic Gregorian); month 1–12. */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Month number 1–12 of a three-letter English month name at `buf[p]`, or 0. */
export function monthFromBytes(buf: Uint8Array, p: number): number {
  if (p + 3 > buf.length) return 0;
  const s = String.fromCharCode(buf[p] | 0x20, buf[p + 1] | 0x20, buf[p + 2] | 0x20);
  return MONTHS.indexOf(s) + 1;
}

export function monthName(m: number): string {
  const s = MONTHS[m - 1] ?? '???';
  return s[0].toUpperCase() + s.slice(1);
}

/** Offsets of zone abbreviations that tables exported from web consoles write (`CEST`). */
export const ZONE_ABBREVIATIONS: Record<string, number> = {
  UTC: 0, GMT: 0, Z: 0, WET: 0, WEST: 60, BST: 60, IST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120,
  EET: 120, EEST: 180, MSK: 180, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360,
  PST: -480, PDT: -420, AKST: -540, AKDT: -480, HST: -600, JST: 540, KST: 540, AEST: 600, AEDT: 660,
};

/** A parsed time query (FORMATS §3). */
export type TimeQuery =
  | { kind: 'clock'; ms: number; text: string }
  | { kind: 'datetime'; wall: number; text: string }
  | { kind: 'relative'; deltaMs: number; text: string };

const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;
const RELATIVE = /^([+-])\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS };

function fractionMs(f: string | undefined): number {
  return f ? Number(f.padEnd(6, '0')) / 1000 : 0;
}

/** Parses a time query; throws an Error with a one-line message when it is not one. */
export function parseTimeQuery(text: string): TimeQuery {
  const t = text.trim();
  let m = CLOCK.exec(t);
  if (m) {
    const [hh, mm, ss] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
    if (hh > 23 || mm > 59 || ss > 60) throw new Error(`bad time "${text}": hours 0-23, minutes and seconds 0-59`);
    return { kind: 'clock', ms: ((hh * 60 + mm) * 60 + ss) * 1000 + fractionMs(m[4]), text: t };
  }
  m = DATETIME.exec(t);
  if (m) {
    const [y, mo, d, hh, mi, ss] = [1, 2, 3, 4, 5, 6].map((i) => Number(m![i] ?? 0));
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mi > 59 || ss > 60) {
      throw new Error(`bad time "${text}": not a valid date and time`);
    }
    const wall = daysFromCivil(y, mo, d) * DAY_MS + ((hh * 60 + mi) * 60 + ss) * 1000 + fractionMs(m[7]);
    return { kind: 'datetime', wall, text: t };
  }
  m = RELATIVE.exec(t);
  if (m) {
    const delta = Number(m[2]) * UNIT_MS[m[3]];
    return { kind: 'relative', deltaMs: m[1] === '-' ? -delta : delta, text: t };
  }
  throw new Error(`bad time "${text}": use HH:MM[:SS[.ffffff]], YYYY-MM-DD HH:MM[:SS], or +5m / -30s / +1h`);
}

/** Formats a wall value: `YYYY-MM-DD HH:MM:SS.fff` when dated, else `HH:MM:SS.fff` (with `+Nd` after day 0). */
export function formatWall(wall: number, dated: boolean): string {
  if (Number.isNaN(wall)) return '';
  const day = Math.floor(wall / DAY_MS);
  const tod = wall - day * DAY_MS;
  const ms = Math.round(tod % 1000);
  const s = Math.floor(tod / 1000);
  const clock = `${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}.${String(ms).padStart(3, '0')}`;
  if (!dated) return day > 0 ? `${clock} (+${day}d)` : clock;
  const date = new Date(day * DAY_MS);
  return `${date.getUTCFullYear()}-${p2(date.getUTCMonth() + 1)}-${p2(date.getUTCDate())} ${clock}`;
}

/** Formats a duration in ms as `1h 02m 03.456s`-style text. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const neg = ms < 0;
  let v = Math.abs(ms);
  const h = Math.floor(v / 3_600_000);
  v -= h * 3_600_000;
  const m = Math.floor(v / 60_000);
  v -= m * 60_000;
  const s = (v / 1000).toFixed(3);
  const text = h > 0 ? `${h}h ${p2(m)}m ${s}s` : m > 0 ? `${m}m ${s}s` : `${s}s`;
  return neg ? `-${text}` : text;
}

function p2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
