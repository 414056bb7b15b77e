// The SIP ladder panel: one column for this server and one per remote address, one arrow per
// packet (requests solid, responses dashed, 4xx–6xx in the error colour), the time in a left
// gutter; hovering shows the packet, clicking (or Enter) reveals its record in the log.
import type { SipDialogResult, SipPacketItem } from '../../../../common/protocol';
import { focusStep, html, svg, Tooltip, vscodeApi } from './common';

export interface LadderState {
  callId: string;
  uris: string[];
  dialog?: SipDialogResult;
  focused?: number;
  scrollY?: number;
}
type ToPanel = { type: 'dialog'; state: LadderState };

const api = vscodeApi<LadderState>();
const root = document.getElementById('root')!;
const tooltip = new Tooltip();
let state: LadderState | undefined = api.getState();

const GUTTER = 104;
/** Column width bounds: columns share the panel's width between these. */
const COLUMN_MIN = 150;
const COLUMN_MAX = 260;
const ROW = 30;
const TOP = 14;
const SERVER = 'this server';

window.addEventListener('message', (event: MessageEvent<ToPanel>) => {
  if (event.data?.type !== 'dialog') return;
  state = { ...event.data.state, focused: state?.callId === event.data.state.callId ? state.focused : undefined };
  api.setState(state);
  render();
});
window.addEventListener('scroll', () => {
  if (state) api.setState({ ...state, scrollY: window.scrollY });
});
let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  window.clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => render(), 100);
});
if (state?.dialog) render();
api.postMessage({ type: 'ready' });

/** Columns: the first remote address on the left, this server next, the other remotes to the right. */
function columnsOf(packets: readonly SipPacketItem[]): string[] {
  const remotes: string[] = [];
  for (const p of packets) {
    const r = p.remote ?? 'unknown';
    if (!remotes.includes(r)) remotes.push(r);
  }
  if (remotes.length === 0) return [SERVER];
  return [remotes[0], SERVER, ...remotes.slice(1)];
}

/** `INVITE`, `200 OK`: the method, or the status with its reason phrase. */
function labelOf(p: SipPacketItem): string {
  if (p.method) return p.method;
  if (p.status !== null) {
    const reason = /^SIP\/\d\.\d\s+\d{3}\s*(.*)$/.exec(p.summary)?.[1] ?? '';
    return `${p.status}${reason ? ` ${reason}` : ''}`;
  }
  return '?';
}

function render(): void {
  const dialog = state?.dialog;
  root.textContent = '';
  tooltip.hide();
  if (!dialog || !state) {
    html('p', { class: 'empty' }, 'Reading the dialog…', root);
    return;
  }
  const head = html('div', { class: 'title' }, undefined, root);
  html('h1', {}, `SIP dialog ${dialog.callId}`, head);
  const packets = dialog.packets;
  const summary = `${packets.length} packet${packets.length === 1 ? '' : 's'}${dialog.related.length ? ` · related: ${dialog.related.join(', ')}` : ''}`;
  html('p', { class: 'muted' }, summary, head);
  if (dialog.error) html('p', { class: 'error' }, dialog.error, head);
  if (packets.length === 0) {
    html('p', { class: 'empty' }, `No SIPDATA packet of this log carries Call-ID ${dialog.callId}.`, root);
    return;
  }
  const columns = columnsOf(packets);
  const COLUMN = Math.max(COLUMN_MIN, Math.min(COLUMN_MAX, Math.floor((root.clientWidth - GUTTER) / columns.length)));
  const width = GUTTER + columns.length * COLUMN;
  const x = (c: string): number => GUTTER + columns.indexOf(c) * COLUMN + COLUMN / 2;

  // The header row sticks to the top while the arrows scroll under it.
  const header = html('div', { class: 'columns', style: `width:${width}px` }, undefined, root);
  html('span', { class: 'col time', style: `left:0;width:${GUTTER - 8}px` }, 'time', header);
  for (const c of columns) {
    const el = html('span', { class: `col${c === SERVER ? ' server' : ''}`, style: `left:${x(c) - COLUMN / 2 + 4}px;width:${COLUMN - 8}px`, title: c }, c, header);
    el.setAttribute('aria-label', c === SERVER ? 'this server' : `remote ${c}`);
  }

  const height = TOP + packets.length * ROW + 8;
  const chart = svg('svg', { width, height, class: 'ladder', role: 'list', 'aria-label': `packets of SIP dialog ${dialog.callId}` }, root);
  for (const c of columns) svg('line', { x1: x(c), y1: 0, x2: x(c), y2: height, class: 'lifeline' }, chart);
  const items: SVGGElement[] = [];
  packets.forEach((p, i) => {
    const remote = p.remote ?? 'unknown';
    const [from, to] = p.direction === 'in' ? [remote, SERVER] : [SERVER, remote];
    const x1 = x(from);
    const x2 = x(to);
    const y = TOP + i * ROW + ROW / 2 + 4;
    const failed = p.status !== null && p.status >= 400;
    const kind = p.status !== null ? 'response' : 'request';
    const g = svg('g', { class: `packet ${kind}${failed ? ' failed' : ''}`, tabindex: 0, role: 'listitem', 'data-index': i }, chart);
    g.setAttribute('aria-label', `${p.time} ${p.direction === 'in' ? 'from' : 'to'} ${remote}: ${p.summary}`);
    // The whole row answers the pointer (and its centre is on the arrow's row for any click).
    svg('rect', { x: 0, y: y - ROW / 2 - 4, width, height: ROW, class: 'hit' }, g);
    svg('text', { x: 6, y: y + 4, class: 'time' }, g).textContent = p.time;
    const dir = x2 > x1 ? 1 : -1;
    svg('line', { x1, y1: y, x2: x2 - dir * 7, y2: y, class: 'arrow' }, g);
    svg('path', { d: `M${x2},${y} l${-dir * 9},-4.5 v9 z`, class: 'head' }, g);
    const label = svg('text', { x: (x1 + x2) / 2, y: y - 5, 'text-anchor': 'middle', class: 'label' }, g);
    label.textContent = labelOf(p);
    if (p.cseq) svg('title', {}, g).textContent = `CSeq ${p.cseq}`;
    items.push(g);
    g.addEventListener('mouseenter', (e) => tooltip.show(hoverLines(p), e.clientX, e.clientY));
    g.addEventListener('mousemove', (e) => tooltip.show(hoverLines(p), e.clientX, e.clientY));
    g.addEventListener('mouseleave', () => tooltip.hide());
    g.addEventListener('focus', () => {
      const box = g.getBoundingClientRect();
      tooltip.show(hoverLines(p), box.left + box.width / 2, box.bottom - 4);
      if (state) api.setState({ ...state, focused: i });
    });
    g.addEventListener('blur', () => tooltip.hide());
    g.addEventListener('click', () => reveal(i));
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        reveal(i);
      } else if (focusStep(items, i, e.key, 'ArrowUp', 'ArrowDown') !== undefined) {
        e.preventDefault();
      }
    });
  });
  if (state.focused !== undefined) items[state.focused]?.focus();
  if (state.scrollY) window.scrollTo(0, state.scrollY);
}

function hoverLines(p: SipPacketItem): string[] {
  const head = `${p.time}  ${p.direction === 'in' ? '←' : '→'} ${p.transport ?? ''} ${p.remote ?? ''}  ${p.session}`;
  const lines = p.lines.length > 40 ? [...p.lines.slice(0, 40), `… ${p.lines.length - 40} more lines`] : p.lines;
  return [head, ...lines.map((l) => (l.length > 160 ? `${l.slice(0, 159)}…` : l))];
}

function reveal(i: number): void {
  const p = state?.dialog?.packets[i];
  if (p) api.postMessage({ type: 'reveal', uri: p.uri, line: p.line, endLine: p.endLine });
}
