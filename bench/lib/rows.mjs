// The shape of one result row, and the table, Markdown and JSON renderings of all of them.
import { fmtRatio } from './util.mjs';

export const COLUMNS = ['what', 'measured', 'baseline', 'ratio', 'target', 'met'];

/**
 * A measured row. `ratio` is compared with `limit` using `cmp` ('<=' or '>='); for an absolute target
 * the measured value itself is compared with the limit.
 */
export function measuredRow({ id, what, measured, baseline = '–', value, ratio, limit, cmp = '<=', target, note, data = {} }) {
  const compared = ratio ?? value;
  const met = Number.isFinite(compared) ? (cmp === '<=' ? compared <= limit : compared >= limit) : null;
  return {
    id,
    what,
    status: 'measured',
    measured,
    baseline,
    ratio: ratio === undefined ? '–' : fmtRatio(ratio),
    target,
    met: met === null ? 'n/a' : met ? 'yes' : 'no',
    note,
    data: { ...data, value, ratioValue: ratio, limit, cmp },
  };
}

/** A row that could not be measured, with the reason in `measured`. */
export function unavailableRow({ id, what, target, reason, status = 'not available', data = {} }) {
  return { id, what, status, measured: `${status}: ${reason}`, baseline: '–', ratio: '–', target, met: 'n/a', note: undefined, data };
}

/** A plain-text table; long cells are cut (rowNotes() has the whole text). */
export function textTable(rows) {
  const cut = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const cells = [COLUMNS, ...rows.map((r) => COLUMNS.map((c) => cut(String(r[c]), c === 'what' ? 64 : 40)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ');
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(cells[0]), sep, ...cells.slice(1).map(line)].join('\n');
}

/** One line per row that has something more to say: how it was measured, or why it was not. */
export function rowNotes(rows) {
  return rows.map((r) => (r.note ? `- ${r.id}: ${r.note}` : r.status !== 'measured' ? `- ${r.id}: ${r.measured}` : undefined)).filter(Boolean);
}

export function markdownTable(rows) {
  const esc = (s) => String(s).replace(/\|/g, '\\|');
  const out = [`| ${COLUMNS.join(' | ')} |`, `| ${COLUMNS.map(() => '---').join(' | ')} |`];
  for (const r of rows) out.push(`| ${COLUMNS.map((c) => esc(r[c])).join(' | ')} |`);
  return out.join('\n');
}
