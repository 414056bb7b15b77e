// Open Logs as One Timeline (docs/FORMATS.md §9) and Trace Message (§10): read-only documents of
// records merged from several logs by the language server (read from disk, with progress and
// cancellation), each line tagged with its source (a coloured tag before the line), F12 / Go to
// Source Line back to the original file and line, and updates as the files grow.
import { plural } from '../../../common/describe';
import * as fs from 'fs';
import * as zlib from 'zlib';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { WorkDoneProgress } from 'vscode-languageclient/node';
import { Notifications, Requests, TIMELINE_SCHEME } from '../../../common/protocol';
import type { TimelineView } from '../../../common/protocol';
import type { OpenTimelineParams, TraceParams } from '../../../common/protocol';
import { complain, isLogLanguage, reportFailure, serverUri, tell } from './logDocuments';

/** Read-only documents of the decompressed content of a .gz source (held in memory, never written next to it). */
export const GZ_SCHEME = 'msglog-gz';
export const OPEN_TIMELINE_COMMAND = 'messagingLogs.openTimeline';
export const TRACE_COMMAND = 'messagingLogs.traceMessage';
export const TIMELINE_SOURCE_COMMAND = 'messagingLogs.timeline.goToSource';

/** Colours of source tags, in turn. */
const TAG_COLOURS = ['charts.blue', 'charts.orange', 'charts.green', 'charts.purple', 'charts.red', 'charts.yellow'];
/** Lines above and below the visible ones that get their tag ahead of scrolling. */
const TAG_MARGIN = 200;

/** Where a line of a timeline came from. */
export interface TimelineOrigin {
  file: string;
  /** 0-based line in that file (of its decompressed content for a .gz). */
  line: number;
  source: string;
  tag: string;
}

export class TimelineDocuments implements vscode.TextDocumentContentProvider, vscode.DefinitionProvider, vscode.Disposable {
  private readonly views = new Map<string, TimelineView>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly tagTypes: vscode.TextEditorDecorationType[] = [];
  private readonly subscriptions: vscode.Disposable[];
  private readonly gz = new GzDocuments();

  constructor(private readonly client: LanguageClient) {
    this.subscriptions = [
      this.changed,
      this.gz,
      vscode.workspace.registerTextDocumentContentProvider(TIMELINE_SCHEME, this),
      vscode.workspace.registerTextDocumentContentProvider(GZ_SCHEME, this.gz),
      vscode.languages.registerDefinitionProvider({ scheme: TIMELINE_SCHEME }, this),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.decorate(e))),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.decorate(e.textEditor)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        for (const editor of vscode.window.visibleTextEditors) if (editor.document === e.document) this.decorate(editor);
      }),
      client.onNotification(Notifications.timelineChanged, (params) => this.grown(params.id)),
    ];
  }

  isTimeline(uri: vscode.Uri): boolean {
    return uri.scheme === TIMELINE_SCHEME;
  }

  /** Opens a new timeline of files and folders. */
  async open(paths: string[]): Promise<vscode.TextEditor | undefined> {
    const view = await this.withProgress(`Merging ${paths.length === 1 ? 'a folder' : `${paths.length} logs`}`, (token, workDoneToken) =>
      this.client.sendRequest(Requests.openTimeline, { paths, workDoneToken } satisfies OpenTimelineParams, token),
    );
    if (!view) return undefined;
    if (view.error) {
      complain(`Open Logs as One Timeline: ${view.error}`);
      return undefined;
    }
    const title = `Timeline of ${plural(view.sources.length, 'log')}`;
    return this.show(view, title);
  }

  /** Traces a message in a timeline document or a log file; opens the trace as a document. */
  async trace(uri: vscode.Uri, id: string, sessions = false): Promise<vscode.TextEditor | undefined> {
    const view = await this.withProgress(`Tracing ${id}`, (token, workDoneToken) =>
      this.client.sendRequest(Requests.trace, { uri: serverUri(this.client, uri), id, sessions, workDoneToken } satisfies TraceParams, token),
    );
    if (!view) return undefined;
    if (view.error) {
      complain(`Trace Message: ${view.error}`);
      return undefined;
    }
    if (view.shown === 0) tell(`Trace Message: no record handled ${id}.`);
    return this.show(view, `Trace ${id.replace(/[/\\]/g, '∕')}`);
  }

  private async withProgress(title: string, work: (token: vscode.CancellationToken, workDoneToken: string) => Promise<TimelineView>): Promise<TimelineView | undefined> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const workDoneToken = `msglog-timeline-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      let last = 0;
      const listener = this.client.onProgress(WorkDoneProgress.type, workDoneToken, (p) => {
        if (p.kind === 'end') return;
        const pct = p.percentage ?? last;
        progress.report({ increment: pct - last, message: p.message });
        last = pct;
      });
      try {
        return await work(token, workDoneToken);
      } catch (e) {
        if (token.isCancellationRequested) return undefined;
        throw e;
      } finally {
        listener.dispose();
      }
    });
  }

  private async show(view: TimelineView, title: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: TIMELINE_SCHEME, path: `/${title}`, query: `id=${view.id}&view=${encodeURIComponent(view.view)}` });
    this.views.set(uri.toString(), view);
    for (const note of view.notes) this.client.outputChannel.appendLine(`Timeline: ${note}`);
    let document = await vscode.workspace.openTextDocument(uri);
    if (view.dialect && document.languageId !== view.dialect) document = await vscode.languages.setTextDocumentLanguage(document, view.dialect);
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    this.decorate(editor);
    if (view.notes.length > 0) tell(`${title}: ${view.notes.length === 1 ? view.notes[0] : `${view.notes.length} notes about the files (see the Messaging Server Logs output)`}`);
    return editor;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const view = this.views.get(uri.toString());
    if (!view) return 'This timeline belongs to an earlier window: open the logs as one timeline again.\n';
    return view.text;
  }

  /** The view a timeline document shows (tests and other features read it). */
  viewOf(uri: vscode.Uri): TimelineView | undefined {
    return this.views.get(uri.toString());
  }

  /** Where line `line` of a timeline document came from. */
  originOf(uri: vscode.Uri, line: number): TimelineOrigin | undefined {
    const view = this.views.get(uri.toString());
    if (!view) return undefined;
    const rec = view.records;
    let lo = 0;
    let hi = rec.length / 4 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (rec[mid * 4] <= line) lo = mid;
      else hi = mid - 1;
    }
    if (hi < 0 || rec[lo * 4] > line) return undefined;
    const [start, s, f, fileLine] = rec.slice(lo * 4, lo * 4 + 4);
    // Past the record's own lines (the closing note of a document cut short): no origin.
    const next = lo + 1 < rec.length / 4 ? rec[(lo + 1) * 4] : line + 1;
    if (line >= next) return undefined;
    return { file: view.files[f], line: fileLine + (line - start), source: view.sources[s].name, tag: view.sources[s].tag };
  }

  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location | undefined {
    const origin = this.originOf(document.uri, position.line);
    if (!origin) return undefined;
    return new vscode.Location(this.fileUri(origin.file), new vscode.Position(origin.line, position.character));
  }

  /** A .gz is shown decompressed (read-only, from memory); other files as themselves. */
  private fileUri(file: string): vscode.Uri {
    return /\.gz$/i.test(file) ? vscode.Uri.from({ scheme: GZ_SCHEME, path: vscode.Uri.file(file).path.replace(/\.gz$/i, ''), query: encodeURIComponent(file) }) : vscode.Uri.file(file);
  }

  /** Go to Source Line in a timeline: the original file at the original line. */
  async goToSource(uri?: vscode.Uri, line?: number): Promise<{ uri: string; line: number } | undefined> {
    const editor = vscode.window.activeTextEditor;
    const from = uri ?? editor?.document.uri;
    if (!from || !this.isTimeline(from)) {
      tell('Go to Source Line: use it in a timeline or a trace (Messaging Logs: Open Logs as One Timeline).');
      return undefined;
    }
    const fromLine = line ?? (editor && editor.document.uri.toString() === from.toString() ? editor.selection.active.line : 0);
    const origin = this.originOf(from, fromLine);
    if (!origin) {
      tell(`Go to Source Line: line ${fromLine + 1} has no source line.`);
      return undefined;
    }
    const target = this.fileUri(origin.file);
    let document = await vscode.workspace.openTextDocument(target);
    const dialect = this.views.get(from.toString())?.sources.find((s) => s.tag === origin.tag)?.dialect;
    if (target.scheme === GZ_SCHEME && dialect && isLogLanguage(dialect) && document.languageId !== dialect) document = await vscode.languages.setTextDocumentLanguage(document, dialect);
    const position = new vscode.Position(origin.line, 0);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), preview: false });
    return { uri: target.toString(), line: origin.line };
  }

  /** Tags the visible lines (and a margin) of a timeline editor with their source. */
  private decorate(editor: vscode.TextEditor): void {
    const view = this.views.get(editor.document.uri.toString());
    if (!view) return;
    while (this.tagTypes.length < view.sources.length) {
      const i = this.tagTypes.length;
      this.tagTypes.push(
        vscode.window.createTextEditorDecorationType({
          before: { color: new vscode.ThemeColor(TAG_COLOURS[i % TAG_COLOURS.length]), margin: '0 0.6em 0 0', fontWeight: 'bold' },
        }),
      );
    }
    const ranges: vscode.DecorationOptions[][] = view.sources.map(() => []);
    const width = Math.max(...view.sources.map((s) => s.tag.length));
    for (const visible of editor.visibleRanges) {
      const from = Math.max(0, visible.start.line - TAG_MARGIN);
      const to = Math.min(editor.document.lineCount - 1, visible.end.line + TAG_MARGIN);
      for (let line = from; line <= to; line++) {
        if (line === editor.document.lineCount - 1 && editor.document.lineAt(line).text === '') continue; // after the last line feed
        const origin = this.originOf(editor.document.uri, line);
        if (!origin) continue;
        const s = view.sources.findIndex((x) => x.tag === origin.tag);
        ranges[s].push({
          range: new vscode.Range(line, 0, line, 0),
          renderOptions: { before: { contentText: `${origin.tag.padEnd(width)}│` } },
          hoverMessage: `${origin.source} — ${origin.file}:${origin.line + 1}`,
        });
      }
    }
    view.sources.forEach((_, s) => editor.setDecorations(this.tagTypes[s], ranges[s]));
  }

  /** A timeline's files grew: its documents are fetched again. */
  private grown(id: string): void {
    for (const [key, view] of this.views) {
      if (view.id !== id) continue;
      const uri = vscode.Uri.parse(key);
      if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) continue;
      const request = view.view.startsWith('trace:') ? undefined : this.client.sendRequest(Requests.openTimeline, { id } satisfies OpenTimelineParams);
      if (!request) continue;
      request.then(
        (fresh) => {
          if (fresh.error) return;
          this.views.set(key, fresh);
          this.changed.fire(uri);
        },
        reportFailure('Updating the timeline'),
      );
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const t of this.tagTypes) t.dispose();
  }
}

/** The decompressed text of .gz files, for Go to Source Line; nothing is written anywhere. */
class GzDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const file = decodeURIComponent(uri.query);
    return new Promise((resolve, reject) => {
      fs.readFile(file, (err, data) => {
        if (err) return reject(err);
        zlib.gunzip(data, (e, text) => (e ? reject(new Error(`${file}: corrupt .gz file: ${e.message}`)) : resolve(text.toString('utf8'))));
      });
    });
  }

  dispose(): void {
    // Nothing held: documents are read again when opened again.
  }
}

/** The message id under the cursor: `[4411]`, `<id@host>`, `001:ID`, an address or a number. */
export function messageIdAt(line: string, character: number): string | undefined {
  const patterns = [/\[\d+\]/g, /<[^<>\s]+@[^<>\s]+>/g, /\b00[128]:[^\s]+/g, /[\w.+-]+@[\w.-]+\.\w+/g, /QUEUE\(\[\d+\]\)/g, /\+?\d{3,}/g];
  for (const re of patterns) {
    for (const m of line.matchAll(re)) {
      if (m.index <= character && character <= m.index + m[0].length) {
        const text = m[0];
        const queue = /^QUEUE\(\[(\d+)\]\)$/.exec(text);
        if (queue) return queue[1];
        return /^00[28]:/.test(text) ? text.slice(4) : text;
      }
    }
  }
  return undefined;
}

export function registerTimelines(client: LanguageClient): { documents: TimelineDocuments; disposable: vscode.Disposable } {
  const documents = new TimelineDocuments(client);
  const open = async (clicked?: vscode.Uri, selected?: vscode.Uri[]): Promise<vscode.TextEditor | undefined> => {
    let uris = selected && selected.length > 0 ? selected : clicked ? [clicked] : undefined;
    if (!uris) {
      uris = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectFolders: true, canSelectMany: true, openLabel: 'Open as One Timeline', title: 'Logs to merge into one timeline (files, folders, .gz)' });
      if (!uris || uris.length === 0) return undefined;
    }
    const files = uris.filter((u) => u.scheme === 'file');
    if (files.length === 0) {
      complain('Open Logs as One Timeline: choose files or folders on disk.');
      return undefined;
    }
    return documents.open(files.map((u) => u.fsPath));
  };
  const trace = async (args?: { uri?: vscode.Uri; id?: string; sessions?: boolean }): Promise<vscode.TextEditor | undefined> => {
    const editor = vscode.window.activeTextEditor;
    const uri = args?.uri ?? editor?.document.uri;
    if (!uri) {
      tell('Trace Message: open a CommuniGate Pro or EMG log, or a timeline, first.');
      return undefined;
    }
    let id = args?.id;
    if (id === undefined && editor) {
      const position = editor.selection.active;
      id = editor.selection.isEmpty ? messageIdAt(editor.document.lineAt(position.line).text, position.character) : editor.document.getText(editor.selection).trim();
    }
    id ??= await vscode.window.showInputBox({
      title: 'Trace Message',
      prompt: 'A CommuniGate queue id (4411), Message-ID or e-mail address; an EMG message id or phone number',
      placeHolder: '4411',
    });
    if (!id) return undefined;
    return documents.trace(uri, id, args?.sessions === true);
  };
  const disposable = vscode.Disposable.from(
    documents,
    vscode.commands.registerCommand(OPEN_TIMELINE_COMMAND, (clicked?: vscode.Uri, selected?: vscode.Uri[]) =>
      open(clicked, selected).catch((e: unknown) => {
        reportFailure('Open Logs as One Timeline')(e);
        return undefined;
      }),
    ),
    vscode.commands.registerCommand(TRACE_COMMAND, (args?: { uri?: vscode.Uri; id?: string; sessions?: boolean }) =>
      trace(args).catch((e: unknown) => {
        reportFailure('Trace Message')(e);
        return undefined;
      }),
    ),
    vscode.commands.registerCommand(TIMELINE_SOURCE_COMMAND, (uri?: vscode.Uri, line?: number) => documents.goToSource(uri, line)),
  );
  return { documents, disposable };
}
