// Real pointer input inside webviews, from a suite: the extension host cannot reach into a webview's
// iframe, so it asks the driver outside the editor (scripts/e2e/run-code-server.mjs, Playwright) through
// the result file's snapshot handshake to take a screenshot, then click or drag there.
import * as fs from 'fs';
import { poll } from './helpers';

export interface WebviewAction {
  /** A CSS selector to click in whichever webview shows it. */
  click?: string;
  /** A CSS selector to move the pointer over (the screenshot is taken while hovering). */
  hover?: string;
  /** Press on the first selector's element, move to the second's, release. */
  drag?: [string, string];
}

export interface DriverOutcome {
  ok: boolean;
  /** aria-label of each element acted on. */
  labels: (string | null)[];
  error?: string;
}

/** Whether a driver watches this run (code-server + Chromium); under plain Electron there is none. */
export function hasDriver(): boolean {
  return process.env.MSGLOG_E2E_SNAPSHOTS === '1' && !!process.env.MSGLOG_E2E_RESULT;
}

// Numbers of their own, apart from the entry's closing screenshots (1, 2, …).
let seq = 1000;

/** Asks the driver for a screenshot named `name` (test/.artifacts/<mode>-<name>.png) and/or a webview action. */
export async function driver(name: string | undefined, action?: WebviewAction, timeoutMs = 30000): Promise<DriverOutcome> {
  const file = process.env.MSGLOG_E2E_RESULT!;
  const ack = `${file}.ack`;
  const outcomeFile = `${file}.webview.json`;
  const mine = ++seq;
  fs.rmSync(outcomeFile, { force: true });
  const result = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeAtomically(file, { ...result, state: 'snapshot', snapshot: { name, seq: mine, ...(action ? { webview: action } : {}) } });
  try {
    const acked = await poll(() => readText(ack), (text) => Number(text) === mine, timeoutMs);
    if (Number(acked) !== mine) throw new Error(`the driver did not answer request ${mine} within ${timeoutMs} ms`);
  } finally {
    // Back to running (the entry rewrites the file after this test anyway); the entry's own
    // screenshots later wait for their own acknowledgements.
    writeAtomically(file, { ...result, state: 'running' });
    fs.rmSync(ack, { force: true });
  }
  if (!action) return { ok: true, labels: [] };
  return JSON.parse(fs.readFileSync(outcomeFile, 'utf8')) as DriverOutcome;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function writeAtomically(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.driver.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2));
  fs.renameSync(tmp, file);
}
