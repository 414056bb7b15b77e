// `msglog report --html`: one self-contained page (inline style and SVG; no script, no network).
import { reportTables, SEVERITY_NAMES } from '../engine';
import type { LogReport, TimeHistogram } from '../engine';

const COLOURS: Record<string, string> = {
  critical: '#b00020',
  error: '#e51400',
  warning: '#bf8803',
  info: '#1a85ff',
  debug: '#8a8a8a',
  trace: '#c8c8c8',
};

function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function reportHtml(report: LogReport, histogram: TimeHistogram): string {
  const title = `Log report: ${report.files.join(', ')}`;
  const tables = reportTables(report)
    .filter((t) => t.rows.length > 0)
    .map(
      (t) => `<section><h2>${esc(t.title)}</h2><table><thead><tr>${t.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${t.rows
        .map((r) => `<tr>${r.cells.map((c) => `<td${typeof c === 'number' ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table></section>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;background:#fff}
@media (prefers-color-scheme:dark){body{color:#ddd;background:#1e1e1e}th{background:#2a2a2a!important}td,th{border-color:#444!important}}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
.legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
svg text{font-size:11px;fill:currentColor}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${esc(report.dialects.join(', '))} · ${report.records} records · ${report.sessions} sessions${report.utc ? ' · times in UTC' : ''}</p>
${histogramSvg(histogram)}
${tables}
</body></html>
`;
}

/** Stacked bars per time bucket, most severe at the bottom; a tooltip (title) per bar. */
function histogramSvg(h: TimeHistogram): string {
  if (h.buckets.length === 0) return '<p>No timed records.</p>';
  const width = 960;
  const height = 180;
  const left = 48;
  const bottom = 24;
  const max = Math.max(1, ...h.buckets.map((b) => b.counts.reduce((a, c) => a + c, 0)));
  const bw = (width - left) / h.buckets.length;
  const y = (n: number): number => ((height - bottom) * n) / max;
  const bars = h.buckets
    .map((b, i) => {
      let top = height - bottom;
      const parts = b.counts
        .map((n, s) => {
          if (n === 0) return '';
          const hgt = Math.max(2, y(n));
          top -= hgt;
          return `<rect x="${(left + i * bw + 1).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${hgt.toFixed(1)}" fill="${COLOURS[SEVERITY_NAMES[s]]}"/>`;
        })
        .join('');
      const total = b.counts.reduce((a, c) => a + c, 0);
      return `<g><title>${esc(`${b.from} – ${b.to}: ${total} records`)}</title>${parts}</g>`;
    })
    .join('');
  const ticks = [0, Math.floor(h.buckets.length / 2), h.buckets.length - 1]
    .map((i, k) => `<text x="${(left + i * bw + (k === 2 ? bw : 0)).toFixed(1)}" y="${height - 6}"${k === 2 ? ' text-anchor="end"' : ''}>${esc(h.buckets[i].from.slice(h.dated ? 11 : 0, h.dated ? 19 : 8))}</text>`)
    .join('');
  const legend = SEVERITY_NAMES.map((s) => `<span><i style="background:${COLOURS[s]}"></i>${s}</span>`).join('');
  return `<h2>Records over time (${esc(label(h.bucketMs))} buckets)</h2>
<svg width="${width}" height="${height}" role="img" aria-label="records per time bucket by severity">
<line x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="currentColor" stroke-opacity=".4"/>
<text x="0" y="12">${max}</text><text x="0" y="${height - bottom}">0</text>${bars}${ticks}</svg>
<div class="legend">${legend}</div>`;
}

function label(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
