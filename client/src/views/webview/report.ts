// The log report panel: totals, a histogram of records per time bucket stacked by severity, and
// the report's tables. Click a bar (or Enter) to go to that time in the log; drag over bars (or
// Shift+arrows, then Enter) to filter that interval; click a table row (or Enter) to filter its records.
import type { HistogramBucket, ReportRow, ReportTable } from '../../../../common/protocol';
import type { ReportResult } from '../../../../common/protocol';
import { focusStep, html, svg, Tooltip, vscodeApi } from './common';

export interface ReportState {
  uris: string[];
  report?: ReportResult;
  /** The focused bar, and the other end of a selected range of bars. */
  bar?: number;
  anchor?: number;
  scrollY?: number;
}
type ToPanel = { type: 'report'; state: ReportState };

const api = vscodeApi<ReportState>();
const root = document.getElementById('root')!;
const tooltip = new Tooltip();
let state: ReportState | undefined = api.getState();

const SEVERITIES = ['critical', 'error', 'warning', 'info', 'debug', 'trace'] as const;
const CHART_HEIGHT = 160;
const AXIS = 22;
const LEFT = 44;

window.addEventListener('message', (event: MessageEvent<ToPanel>) => {
  if (event.data?.type !== 'report') return;
  state = { ...event.data.state, bar: undefined, anchor: undefined, scrollY: state?.scrollY };
  save();
  render();
});
window.addEventListener('scroll', () => state && save({ scrollY: window.scrollY }));
let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  window.clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => drawHistogram(), 100);
});
if (state?.report) render();
api.postMessage({ type: 'ready' });

function save(patch: Partial<ReportState> = {}): void {
  if (!state) return;
  state = { ...state, ...patch };
  api.setState(state);
}

function render(): void {
  root.textContent = '';
  tooltip.hide();
  const report = state?.report;
  if (!report) {
    html('p', { class: 'empty' }, 'Reading the log…', root);
    return;
  }
  html('h1', {}, `Log report: ${report.uris.map(fileName).join(', ') || 'no log'}`, root);
  const severities = SEVERITIES.filter((s) => report.bySeverity[s] > 0).map((s) => `${s} ${report.bySeverity[s]}`).join(' · ');
  html('p', { class: 'muted' }, `${report.dialects.join(', ')} · ${report.records} records · ${report.sessions} sessions${severities ? ` · ${severities}` : ''}${report.utc ? ' · times in UTC' : ''}`, root);
  if (report.error) html('p', { class: 'error' }, report.error, root);
  if (report.records === 0) {
    html('p', { class: 'empty' }, 'This log has no records.', root);
    return;
  }
  const section = html('section', { id: 'histogram' }, undefined, root);
  html('h2', {}, `Records over time (${bucketLabel(report.histogram.bucketMs)} per bar)`, section);
  html('div', { id: 'chart' }, undefined, section);
  const legend = html('div', { class: 'legend' }, undefined, section);
  for (const s of SEVERITIES) {
    const item = html('span', {}, undefined, legend);
    html('i', { class: `sev-${s}` }, undefined, item);
    item.append(s);
  }
  html('p', { class: 'muted hint' }, 'Click a bar to go to its time · drag over bars (or Shift+←/→ then Enter) to filter that interval · click a row to filter its records', section);
  drawHistogram();
  for (const table of report.tables) renderTable(table);
  if (state?.scrollY) window.scrollTo(0, state.scrollY);
}

function drawHistogram(): void {
  const chart = document.getElementById('chart');
  const report = state?.report;
  if (!chart || !report) return;
  chart.textContent = '';
  const buckets = report.histogram.buckets;
  const width = Math.max(320, root.clientWidth);
  const max = Math.max(1, ...buckets.map(total));
  const bw = (width - LEFT) / Math.max(1, buckets.length);
  const plot = CHART_HEIGHT - AXIS;
  const el = svg('svg', { width, height: CHART_HEIGHT, class: 'histogram', role: 'listbox', 'aria-label': 'records per time bucket by severity' }, chart);
  svg('line', { x1: LEFT, y1: plot + 0.5, x2: width, y2: plot + 0.5, class: 'axis' }, el);
  svg('text', { x: LEFT - 6, y: 10, 'text-anchor': 'end', class: 'tick' }, el).textContent = String(max);
  svg('text', { x: LEFT - 6, y: plot, 'text-anchor': 'end', class: 'tick' }, el).textContent = '0';
  // A few time labels, spaced so that they never overlap.
  const every = Math.max(1, Math.ceil(90 / bw));
  const bars: SVGGElement[] = [];
  buckets.forEach((b, i) => {
    const x = LEFT + i * bw;
    const g = svg('g', { class: 'bar', tabindex: i === (state?.bar ?? 0) ? 0 : -1, role: 'option', 'data-index': i }, el);
    g.setAttribute('aria-label', `${b.from} – ${b.to}: ${total(b)} records`);
    svg('rect', { x, y: 0, width: bw, height: plot, class: 'hit' }, g);
    let top = plot;
    b.counts.forEach((n, s) => {
      if (n === 0) return;
      // At least a sliver, so that one record among thousands still shows (and can be clicked).
      const h = Math.max(2, (plot - 4) * (n / max));
      top -= h;
      svg('rect', { x: x + (bw > 4 ? 1 : 0), y: top, width: Math.max(1, bw - (bw > 4 ? 2 : 0)), height: h, class: `sev-${SEVERITIES[s]}` }, g);
    });
    if (i % every === 0) svg('text', { x, y: CHART_HEIGHT - 6, class: 'tick' }, el).textContent = shortTime(b.from, report.histogram.dated);
    bars.push(g);
    g.addEventListener('mouseenter', (e) => tooltip.show(barLines(b), e.clientX, e.clientY));
    g.addEventListener('mousemove', (e) => tooltip.show(barLines(b), e.clientX, e.clientY));
    g.addEventListener('mouseleave', () => tooltip.hide());
    g.addEventListener('focus', () => save({ bar: i }));
    g.addEventListener('keydown', (e) => onBarKey(e, i, bars));
    g.addEventListener('mousedown', (e) => {
      e.preventDefault();
      drag = { from: i, to: i };
      mark(bars);
    });
    g.addEventListener('mouseover', () => {
      if (!drag) return;
      drag.to = i;
      mark(bars);
    });
  });
  window.onmouseup = () => {
    if (!drag) return;
    const { from, to } = drag;
    drag = undefined;
    mark(bars);
    if (from === to) goTo(from);
    else filterInterval(Math.min(from, to), Math.max(from, to));
  };
  mark(bars);
}

let drag: { from: number; to: number } | undefined;

/** Shows the dragged (or keyboard-selected) range of bars. */
function mark(bars: readonly SVGGElement[]): void {
  const range = drag ?? (state?.anchor !== undefined && state.bar !== undefined ? { from: state.anchor, to: state.bar } : undefined);
  bars.forEach((g, i) => g.classList.toggle('selected', range !== undefined && i >= Math.min(range.from, range.to) && i <= Math.max(range.from, range.to)));
}

function onBarKey(e: KeyboardEvent, i: number, bars: SVGGElement[]): void {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    if (state?.anchor !== undefined && state.anchor !== i) filterInterval(Math.min(state.anchor, i), Math.max(state.anchor, i));
    else goTo(i);
    return;
  }
  if (e.key === 'Escape') {
    save({ anchor: undefined });
    mark(bars);
    return;
  }
  const anchor = e.shiftKey ? (state?.anchor ?? i) : undefined;
  const next = focusStep(bars, i, e.key, 'ArrowLeft', 'ArrowRight');
  if (next === undefined) return;
  e.preventDefault();
  bars[i].setAttribute('tabindex', '-1');
  bars[next].setAttribute('tabindex', '0');
  save({ bar: next, anchor });
  mark(bars);
}

function goTo(i: number): void {
  const b = state?.report?.histogram.buckets[i];
  if (b && b.line >= 0) api.postMessage({ type: 'goTo', fileIndex: b.fileIndex, line: b.line });
}

function filterInterval(from: number, to: number): void {
  const buckets = state?.report?.histogram.buckets;
  if (buckets) api.postMessage({ type: 'interval', from: buckets[from].from, to: buckets[to].to });
}

function renderTable(table: ReportTable): void {
  if (table.rows.length === 0) return;
  const section = html('section', { 'data-table': table.id }, undefined, root);
  html('h2', {}, table.title, section);
  const t = html('table', {}, undefined, section);
  const head = html('tr', {}, undefined, html('thead', {}, undefined, t));
  for (const c of table.columns) html('th', {}, c, head);
  const body = html('tbody', {}, undefined, t);
  const links: HTMLTableRowElement[] = [];
  for (const row of table.rows) {
    const tr = html('tr', {}, undefined, body);
    for (const c of row.cells) html('td', typeof c === 'number' ? { class: 'n' } : {}, String(c), tr);
    if (!row.filter) continue;
    tr.className = 'link';
    tr.tabIndex = 0;
    tr.title = 'Open these records as a filter';
    const at = links.push(tr) - 1;
    tr.addEventListener('click', () => openRow(row));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        openRow(row);
      } else if (focusStep(links, at, e.key, 'ArrowUp', 'ArrowDown') !== undefined) {
        e.preventDefault();
      }
    });
  }
}

function openRow(row: ReportRow): void {
  api.postMessage({ type: 'filter', filter: row.filter, fileIndex: row.fileIndex ?? 0 });
}

function total(b: HistogramBucket): number {
  return b.counts.reduce((a, c) => a + c, 0);
}

function barLines(b: HistogramBucket): string[] {
  const lines = [`${b.from} – ${b.to}`, `${total(b)} records`];
  b.counts.forEach((n, s) => n > 0 && lines.push(`  ${SEVERITIES[s]}: ${n}`));
  return lines;
}

/** `12:30` or `01-15 12:30` (days shown only when the span crosses one). */
function shortTime(query: string, dated: boolean): string {
  const span = state?.report?.histogram;
  const multiDay = span && span.buckets.length > 1 && span.buckets[span.buckets.length - 1].from.slice(0, 10) !== span.buckets[0].from.slice(0, 10);
  const time = dated ? query.slice(11) : query;
  const seconds = (span?.bucketMs ?? 60000) < 60000;
  const t = time.slice(0, seconds ? 8 : 5);
  return dated && multiDay ? `${query.slice(5, 10)} ${t}` : t;
}

function bucketLabel(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

function fileName(uri: string): string {
  return decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
}
