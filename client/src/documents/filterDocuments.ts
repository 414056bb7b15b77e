// Filter results (FORMATS §5, §8) as read-only virtual documents in the language of their log, so that
// they are highlighted, folded, outlined and checked like the log itself, with a way back from every
// line to its source line (F12 / Ctrl+click, and Go to Source Line). Results follow edits of their log.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { plural } from '../../../common/describe';
import type { FilterParams, FilterQueryParams, FilterResult } from '../../../common/protocol';
import { Requests } from '../../../common/protocol';
import { isLargeLog, onDidChangeLargeLog, revealLargeLogLine } from './largeLogs';
import { baseName, complain, debounce, ignore, isLogLanguage, request, serverUri, tell } from './logDocuments';

export const FILTER_SCHEME = 'msglog-filter';
/** Edits of a log wait this long before its open filter results are computed again. */
const REFRESH_DEBOUNCE_MS = 500;
/** A filter that takes longer than this shows a cancellable progress notification. */
const PROGRESS_DELAY_MS = 300;
/** Longest query text in a result's title. */
const TITLE_QUERY_LENGTH = 60;

/** One filter result this window created: which log, which query, and (while cached) the output. */
interface FilterResultEntry {
  uri: vscode.Uri;
  /** What was filtered: a log, or another filter result (a stacked filter). */
  source: vscode.Uri;
  /** The log at the bottom of the stack: every line leads back to it. */
  root: vscode.Uri;
  /** The queries from the log up to this result, as titles show them. */
  chain: string[];
  query: FilterQueryParams;
  /** Line of the record relative times (`+5m`) were measured from. */
  baseLine?: number;
  language: string;
  result?: FilterResult;
  refresh: { (): void; cancel(): void };
}

export interface ShownFilterResult {
  uri: vscode.Uri;
  result: FilterResult;
}

/** `keyed "read failed"`, `/a.b/i level ≤ 3 10:00–11:00`, `"LOGIN" -"alice" ±2`: the query as titles and messages show it. */
export function describeQuery(query: FilterQueryParams): string {
  const parts: string[] = [];
  const any = query.ignoreCase ? ' (any case)' : '';
  const texts = [...(query.text ? [query.text] : []), ...(query.texts ?? [])];
  const regexes = [...(query.regex !== undefined ? [query.regex] : []), ...(query.regexes ?? [])];
  if (query.keyed) parts.push('keyed');
  for (const r of regexes) parts.push(`/${r}/${query.ignoreCase ? 'i' : ''}`);
  for (const t of texts) parts.push(`"${t}"${any}`);
  for (const r of query.excludeRegexes ?? []) parts.push(`-/${r}/${query.ignoreCase ? 'i' : ''}`);
  for (const t of query.excludeTexts ?? []) parts.push(`-"${t}"${any}`);
  for (const k of query.excludeSessions ?? []) parts.push(`-session ${k}`);
  for (const c of query.excludeComponents ?? []) parts.push(`-component ${c}`);
  if (query.level) parts.push(`level ≤ ${query.level}`);
  if (query.from || query.to) parts.push(`${query.from ?? '…'}–${query.to ?? '…'}`);
  if (query.context !== undefined) parts.push(`±${query.context}`);
  const says = parts.filter((p) => p !== 'keyed' && !p.startsWith('±'));
  return says.length > 0 ? parts.join(' ') : [...parts, 'all records'].join(' ');
}

/** The title of a result tab: the chain of queries and the log's name; no `/` (it is one path segment). */
function titleOf(chain: string[], root: vscode.Uri): string {
  let described = chain.join(' › ').replace(/[/\\]/g, '∕').replace(/\s+/g, ' ');
  // The newest query matters most: a long chain loses its start.
  if (described.length > TITLE_QUERY_LENGTH) described = `…${described.slice(described.length - TITLE_QUERY_LENGTH + 1)}`;
  return `${described} — ${baseName(root)}`;
}

function queryKey(source: vscode.Uri, query: FilterQueryParams, baseLine: number | undefined): string {
  // Every field, in a fixed order, with the defaults left out: equal queries share one result.
  const fields = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0))
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([source.toString(), fields, baseLine]);
}

export class FilterDocuments implements vscode.TextDocumentContentProvider, vscode.DefinitionProvider, vscode.CodeLensProvider, vscode.Disposable {
  private readonly entries = new Map<string, FilterResultEntry>();
  private readonly byQuery = new Map<string, FilterResultEntry>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly resultShown = new vscode.EventEmitter<vscode.Uri>();
  /** A result was shown in an editor (new, or run again). */
  readonly onDidShowResult = this.resultShown.event;
  private readonly subscriptions: vscode.Disposable[];
  private nextId = 1;

  constructor(private readonly client: LanguageClient) {
    this.subscriptions = [
      this.changed,
      this.resultShown,
      vscode.workspace.registerTextDocumentContentProvider(FILTER_SCHEME, this),
      vscode.languages.registerDefinitionProvider({ scheme: FILTER_SCHEME }, this),
      vscode.languages.registerCodeLensProvider({ scheme: FILTER_SCHEME }, this),
      this.lensesChanged,
      vscode.workspace.onDidChangeTextDocument((change) => {
        if (change.contentChanges.length > 0) this.sourceChanged(change.document.uri);
      }),
      // A large log has no document: the server says when it grew or was rotated.
      onDidChangeLargeLog((change) => this.sourceChanged(change.uri)),
      // Results of closed tabs are dropped (they are computed again if the tab comes back); a
      // language change closes and reopens the document at once, so wait before deciding.
      vscode.workspace.onDidCloseTextDocument((document) => {
        const entry = this.entries.get(document.uri.toString());
        if (entry) setTimeout(() => this.forgetIfClosed(entry), 2000);
      }),
    ];
  }

  /** Whether this URI names a result that this window created (anything else is refused). */
  isResult(uri: vscode.Uri): boolean {
    return uri.scheme === FILTER_SCHEME && this.entries.has(uri.toString());
  }

  /**
   * Filters `source` and opens the result in an editor. Shows progress (cancellable) when slow, an
   * error for a bad query, and an information message instead of an empty document.
   */
  async show(source: vscode.Uri, query: FilterQueryParams, options: { language?: string; baseLine?: number } = {}): Promise<ShownFilterResult | undefined> {
    const described = describeQuery(query);
    const result = await this.runWithProgress(source, query, options.baseLine, `Filtering ${baseName(source)}: ${described}`);
    if (!result) return undefined; // cancelled
    if (result.error) {
      complain(`Filter ${described}: ${result.error}`);
      return undefined;
    }
    if (result.records === 0) {
      // Overflow markers are output whatever the query: alone, they are not a match.
      const markers = result.text.length > 0 ? ' (only overflow markers ***)' : '';
      tell(`No record of ${baseName(source)} matches ${described}${markers}.`);
      return undefined;
    }
    const key = queryKey(source, query, options.baseLine);
    let entry = this.byQuery.get(key);
    if (!entry) {
      // A filter of a filter result stacks on it: same log at the bottom, the chain of queries on top.
      const parent = this.entries.get(source.toString());
      const root = parent?.root ?? source;
      const chain = [...(parent?.chain ?? []), described];
      // The log rides along in the query: the server reads the result with the log's own file
      // name and modification time (a CommuniGate log's date, EMG's year).
      const uri = vscode.Uri.from({ scheme: FILTER_SCHEME, path: `/${this.nextId++}/${titleOf(chain, root)}`, query: `source=${encodeURIComponent(root.toString())}` });
      const language = options.language && isLogLanguage(options.language) ? options.language : (result.dialect ?? 'log');
      const created: FilterResultEntry = { uri, source, root, chain, query, baseLine: options.baseLine, language, refresh: debounce(() => void this.refresh(created).catch(ignore), REFRESH_DEBOUNCE_MS) };
      entry = created;
      this.entries.set(uri.toString(), entry);
      this.byQuery.set(key, entry);
    }
    const reopened = entry.result !== undefined && this.isOpen(entry.uri);
    entry.result = result;
    if (reopened) this.changed.fire(entry.uri);
    this.resultShown.fire(entry.uri);
    let document = await vscode.workspace.openTextDocument(entry.uri);
    if (document.languageId !== entry.language) document = await vscode.languages.setTextDocumentLanguage(document, entry.language);
    await vscode.window.showTextDocument(document, { preview: false });
    const sessions = query.keyed ? ` of ${plural(result.keyedSessions, 'session')}` : '';
    vscode.window.setStatusBarMessage(`Filter: ${plural(result.records, 'record')}${sessions} — F12 on a line goes to its source line`, 8000);
    return { uri: entry.uri, result };
  }

  /**
   * An open result that now holds only overflow markers (its records went away when the log changed)
   * says so above them: markers are output whatever the query, and alone they are not a match.
   */
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const result = this.entries.get(document.uri.toString())?.result;
    if (!result || result.records > 0) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [new vscode.CodeLens(top, { title: 'No record matched: only the overflow markers (***) in the interval are shown', command: '' })];
  }

  provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    return this.resultOf(uri, token).then((result) => result.text);
  }

  async provideDefinition(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Location | undefined> {
    const target = await this.sourceLineOf(document.uri, position.line, token);
    return target && new vscode.Location(target.uri, new vscode.Position(target.line, position.character));
  }

  /** The log line that line `line` of a filter result was copied from (through every stacked result below it). */
  async sourceLineOf(uri: vscode.Uri, line: number, token?: vscode.CancellationToken): Promise<{ uri: vscode.Uri; line: number } | undefined> {
    const entry = this.entries.get(uri.toString());
    if (!entry) return undefined;
    const result = await this.resultOf(uri, token);
    const sourceLine = result.sourceLines[line];
    if (sourceLine === undefined || sourceLine < 0) return undefined;
    return this.isResult(entry.source) ? this.sourceLineOf(entry.source, sourceLine, token) : { uri: entry.source, line: sourceLine };
  }

  /**
   * Lines of a result shown dimmed: context records around hits and the `--` lines between groups
   * (the lines with no source line); undefined while it has no result.
   */
  contextLinesOf(uri: vscode.Uri): number[] | undefined {
    const result = this.entries.get(uri.toString())?.result;
    if (!result) return undefined;
    const lines = [...(result.contextLines ?? [])];
    result.sourceLines.forEach((source, line) => {
      if (source < 0) lines.push(line);
    });
    return lines.sort((x, y) => x - y);
  }


  /**
   * Go to Source Line: from the cursor's line in a filter result (or `uri`/`line` when given) to the
   * log line it came from, in the log's editor. Returns where it went.
   */
  async goToSourceLine(uri?: vscode.Uri, line?: number): Promise<{ uri: string; line: number } | undefined> {
    const editor = vscode.window.activeTextEditor;
    const from = uri ?? editor?.document.uri;
    if (!from || !this.isResult(from)) {
      tell(
        from?.scheme === FILTER_SCHEME
          ? 'Go to Source Line: this filter result is not one of this window (run the filter again).'
          : 'Go to Source Line: use it in a filter result (Messaging Logs: Filter Records…).',
      );
      return undefined;
    }
    const fromLine = line ?? (editor && editor.document.uri.toString() === from.toString() ? editor.selection.active.line : 0);
    const target = await this.sourceLineOf(from, fromLine);
    if (!target) {
      tell(`Go to Source Line: line ${fromLine + 1} has no source line.`);
      return undefined;
    }
    if (isLargeLog(target.uri)) {
      // No extension may open a file over 50 MB as a document; VS Code's own editor can.
      await revealLargeLogLine(target.uri, target.line);
      return { uri: target.uri.toString(), line: target.line };
    }
    const column = editor && editor.document.uri.toString() === from.toString() ? editor.selection.active.character : 0;
    const position = new vscode.Position(target.line, column);
    const document = await vscode.workspace.openTextDocument(target.uri);
    const shown = vscode.window.visibleTextEditors.find((e) => e.document === document);
    await vscode.window.showTextDocument(document, {
      viewColumn: shown?.viewColumn,
      selection: new vscode.Range(position, position),
      preview: false,
    });
    return { uri: target.uri.toString(), line: target.line };
  }

  /** Refreshes the open results of a log that changed. */
  private sourceChanged(source: vscode.Uri): void {
    const key = source.toString();
    for (const entry of this.entries.values()) if (entry.source.toString() === key && this.isOpen(entry.uri)) entry.refresh();
  }

  /** The current result of a URI this window created; a forged or stale URI gets a clear refusal. */
  private async resultOf(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<FilterResult> {
    const entry = this.entries.get(uri.toString());
    if (!entry) {
      throw new Error(
        `${uri.toString(true)} is not a filter result of this window: Messaging Logs filter results exist only while the window that made them is open. Run the filter again.`,
      );
    }
    if (!entry.result) {
      const result = await this.runFilter(entry.source, entry.query, entry.baseLine, token);
      if (!result) throw new vscode.CancellationError();
      entry.result = result;
    }
    return entry.result;
  }

  private async refresh(entry: FilterResultEntry): Promise<void> {
    try {
      const result = await this.runFilter(entry.source, entry.query, entry.baseLine);
      if (!result) return;
      entry.result = result;
      this.changed.fire(entry.uri);
      this.lensesChanged.fire();
    } catch {
      // The log may be gone; the result keeps its last text.
    }
  }

  private async runFilter(source: vscode.Uri, query: FilterQueryParams, baseLine: number | undefined, token?: vscode.CancellationToken): Promise<FilterResult | undefined> {
    // A stacked filter reads its parent result through the language server, which knows open documents only.
    if (this.isResult(source)) await this.ensureOpen(source);
    const params: FilterParams = { uri: serverUri(this.client, source), query, baseLine };
    return request(this.client, Requests.filter, params, token);
  }

  /** Runs the filter; after PROGRESS_DELAY_MS a notification offers to cancel it (which cancels the request). */
  private async runWithProgress(source: vscode.Uri, query: FilterQueryParams, baseLine: number | undefined, title: string): Promise<FilterResult | undefined> {
    const cancellation = new vscode.CancellationTokenSource();
    try {
      const running = this.runFilter(source, query, baseLine, cancellation.token);
      let settled = false;
      const done = running.then(
        () => (settled = true),
        () => (settled = true),
      );
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, PROGRESS_DELAY_MS))]);
      if (!settled) {
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_progress, token) => {
          const listener = token.onCancellationRequested(() => cancellation.cancel());
          await done;
          listener.dispose();
        });
      }
      return await running;
    } finally {
      cancellation.dispose();
    }
  }

  /** Opens a result's document (in its log language, so that the language server reads it) if it is not open. */
  private async ensureOpen(uri: vscode.Uri): Promise<void> {
    const entry = this.entries.get(uri.toString());
    if (!entry || this.isOpen(uri)) return;
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== entry.language) await vscode.languages.setTextDocumentLanguage(document, entry.language);
  }

  private forgetIfClosed(entry: FilterResultEntry): void {
    if (this.isOpen(entry.uri)) return;
    entry.result = undefined;
    entry.refresh.cancel();
  }

  private isOpen(uri: vscode.Uri): boolean {
    const key = uri.toString();
    return vscode.workspace.textDocuments.some((d) => d.uri.toString() === key);
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.refresh.cancel();
    for (const s of this.subscriptions) s.dispose();
  }
}
