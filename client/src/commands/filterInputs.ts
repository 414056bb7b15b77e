// Small inputs shared by the filter flow and Go to Time: a level threshold and time queries (FORMATS §3),
// checked as the user types with the engine's own parser, so that what the box accepts the server does.
import * as vscode from 'vscode';
import { DIALECT_NAMES, digitLevelNames, SEVERITY_NAMES } from '../../../common/dialects';
import type { DialectId } from '../../../common/dialects';
import { parseTimeQuery } from '../../../common/time';

/** Why `text` is not a FORMATS §3 time query, or undefined when it is one. */
export function timeQueryProblem(text: string, allowRelative = true): string | undefined {
  try {
    const query = parseTimeQuery(text);
    if (query.kind === 'relative' && !allowRelative) return 'a relative time (+5m) needs a current record';
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Filter inputs (the flow's quick pick, the level list, the boxes) shown so far. */
let inputsShown = 0;

/** How many filter inputs have been shown: the real-editor tests wait for the next before they press keys in it. */
export function filterInputsShown(): number {
  return inputsShown;
}

/** Counts an input whose showing has been asked of the window (the request is on its way before any later command). */
export function countShown<T>(shown: T): T {
  inputsShown++;
  return shown;
}

/**
 * A level threshold (FORMATS §5): '' for any level, undefined when dismissed. CommuniGate logs offer
 * their level digits too (they keep their own order: 2 Major is kept by threshold 2, 3 Problems is not).
 */
export async function askLevel(current: string | undefined, languageId: string | undefined): Promise<string | undefined> {
  type LevelItem = vscode.QuickPickItem & { level: string };
  const items: LevelItem[] = [{ label: 'Any level', description: 'no threshold', level: '' }];
  for (const s of SEVERITY_NAMES) items.push({ label: s, description: `${s} and more severe`, level: s });
  const digits = languageId === undefined ? undefined : digitLevelNames(languageId);
  if (languageId !== undefined && digits) {
    items.push({ label: `${DIALECT_NAMES[languageId as DialectId]} levels`, kind: vscode.QuickPickItemKind.Separator, level: '' });
    digits.forEach((name, digit) => items.push({ label: `${digit} ${name}`, description: `levels 0–${digit}`, level: String(digit) }));
  }
  for (const item of items) if (current !== undefined && item.level === current && item.kind === undefined) item.picked = true;
  const pick = await countShown(vscode.window.showQuickPick(items, { title: 'Filter by Level', placeHolder: 'Hide records more detailed than this level' }));
  return pick?.level;
}

/** A time interval: either end may be empty (the start or the end of the log); undefined when dismissed. */
export async function askInterval(from: string | undefined, to: string | undefined): Promise<{ from?: string; to?: string } | undefined> {
  const ask = (title: string, prompt: string, value: string | undefined): Thenable<string | undefined> =>
    countShown(vscode.window.showInputBox({
      title,
      prompt,
      value,
      placeHolder: '12:30, 12:30:05.250, 2026-01-15 12:30, or +5m / -30s from the current record',
      validateInput: (text) => (text.trim() === '' ? undefined : timeQueryProblem(text)),
    }));
  const start = await ask('Filter by Time Interval (1/2)', 'From (inclusive; empty: from the start of the log)', from);
  if (start === undefined) return undefined;
  const end = await ask('Filter by Time Interval (2/2)', 'To (inclusive; empty: to the end of the log)', to);
  if (end === undefined) return undefined;
  return { from: start.trim() || undefined, to: end.trim() || undefined };
}

/** One more text to exclude ('' clears every exclusion); undefined when dismissed. `suggestion`: the text selected in the log. */
export async function askExclusion(current: readonly string[], regex: boolean, suggestion?: string): Promise<string | undefined> {
  return countShown(vscode.window.showInputBox({
    title: 'Filter: Exclude',
    prompt: `${regex ? 'Regular expression' : 'Text'} whose records are dropped${current.length > 0 ? ` (now: ${current.map((e) => `"${e}"`).join(', ')}; empty clears them)` : ''}`,
    value: suggestion,
    placeHolder: regex ? 'e.g. ^DEBUG|keepalive' : 'e.g. keepalive',
  }));
}

/** Records of context offered when there is none yet. */
const DEFAULT_CONTEXT = 2;

/** How many records of context around each hit ('' for none); undefined when dismissed. */
export async function askContext(current: number | undefined): Promise<number | '' | undefined> {
  const text = await countShown(vscode.window.showInputBox({
    title: 'Filter: Context',
    prompt: 'Records shown (dimmed) before and after each hit; empty for none',
    value: String(current ?? DEFAULT_CONTEXT),
    validateInput: (t) => (t.trim() === '' || /^\d{1,4}$/.test(t.trim()) ? undefined : 'a whole number of records, 0 or more'),
  }));
  if (text === undefined) return undefined;
  return text.trim() === '' ? '' : Number(text.trim());
}
