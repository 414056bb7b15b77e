// Time arithmetic and time queries (FORMATS §3) shared by the engine, the command line and the
// client (which checks a query as the user types with the parser the server uses), and how durations
// and written times are formatted for users.

export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a civil date (proleptic Gregorian); month 1–12. */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

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

/** Formats a duration in ms as `1h 02m 03.456s`-style text (rounded to the millisecond, carried into seconds and minutes). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const neg = ms < 0;
  let v = Math.round(Math.abs(ms));
  const h = Math.floor(v / 3_600_000);
  v -= h * 3_600_000;
  const m = Math.floor(v / 60_000);
  v -= m * 60_000;
  const s = (v / 1000).toFixed(3);
  const text = h > 0 ? `${h}h ${p2(m)}m ${s}s` : m > 0 ? `${m}m ${s}s` : `${s}s`;
  return neg ? `-${text}` : text;
}

/**
 * Formats a wall value (ms as if UTC): `YYYY-MM-DD HH:MM:SS.fff` when dated, else `HH:MM:SS.fff`
 * (with `(+Nd)` after day 0). Rounds to the millisecond first, so that 999.6 ms carries into the second.
 */
export function formatWall(wall: number, dated: boolean): string {
  if (Number.isNaN(wall)) return '';
  const rounded = Math.round(wall);
  const day = Math.floor(rounded / DAY_MS);
  const tod = rounded - day * DAY_MS;
  const ms = tod % 1000;
  const s = (tod - ms) / 1000;
  const clock = `${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}.${String(ms).padStart(3, '0')}`;
  if (!dated) return day > 0 ? `${clock} (+${day}d)` : clock;
  const date = new Date(day * DAY_MS);
  return `${date.getUTCFullYear()}-${p2(date.getUTCMonth() + 1)}-${p2(date.getUTCDate())} ${clock}`;
}

function p2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
