/// <reference lib="dom" />
// Helpers of the panel scripts (they run in the webview, not in the extension host).

export interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export function vscodeApi<S>(): VsCodeApi<S> {
  return acquireVsCodeApi<S>();
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes (numbers as they are, strings set as given). */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, parent?: Element): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  parent?.appendChild(el);
  return el;
}

/**
 * An HTML element. A `style` attribute is applied through the CSSOM: the page's Content-Security-Policy
 * refuses inline style attributes, not styles set from its own script.
 */
export function html<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string, parent?: Element): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k !== 'style') {
      el.setAttribute(k, v);
      continue;
    }
    for (const decl of v.split(';')) {
      const colon = decl.indexOf(':');
      if (colon > 0) el.style.setProperty(decl.slice(0, colon).trim(), decl.slice(colon + 1).trim());
    }
  }
  if (text !== undefined) el.textContent = text;
  parent?.appendChild(el);
  return el;
}

/** The hover box: text lines near a point, kept inside the window. */
export class Tooltip {
  private readonly box = html('div', { class: 'tooltip', role: 'tooltip' }, undefined, document.body);
  private readonly pre = html('pre', {}, undefined, this.box);

  show(lines: readonly string[], x: number, y: number): void {
    this.pre.textContent = lines.join('\n');
    this.box.style.display = 'block';
    const w = this.box.offsetWidth;
    const h = this.box.offsetHeight;
    this.box.style.left = `${Math.max(4, Math.min(x + 12, window.innerWidth - w - 4))}px`;
    this.box.style.top = `${y + 16 + h > window.innerHeight ? Math.max(4, y - h - 8) : y + 16}px`;
  }

  hide(): void {
    this.box.style.display = 'none';
  }
}

/** Moves the keyboard focus among `items` with the arrow keys, Home and End. */
export function focusStep(items: readonly HTMLElement[] | readonly SVGElement[], current: number, key: string, back: string, forward: string): number | undefined {
  let next: number | undefined;
  if (key === back) next = Math.max(0, current - 1);
  else if (key === forward) next = Math.min(items.length - 1, current + 1);
  else if (key === 'Home') next = 0;
  else if (key === 'End') next = items.length - 1;
  if (next !== undefined) (items[next] as HTMLElement | SVGElement).focus();
  return next;
}
