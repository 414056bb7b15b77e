// Language server entry: wires LSP requests to the feature modules. No feature logic lives here.
// The transport comes from argv (--stdio, --node-ipc, …): transport/stdioConnection.ts.
import type {
  CancellationToken,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  Message,
  NotificationMessage,
  RequestMessage,
  ResponseMessage } from 'vscode-languageserver/node';
import {
  DidChangeConfigurationNotification,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { documentsWithBytes, OpenedTexts } from './byteDocuments';
import { serverConnection } from './transport/stdioConnection';
import type { ProgressSink } from './largeLogStore';
import type { LogIndex } from './engine';
import { CancelledError } from './engine';
import * as requests from './features/customRequests';
import * as pictures from './features/pictures';
import { definition } from './features/definition';
import { DiagnosticsPublisher } from './features/diagnostics';
import { documentHighlights } from './features/documentHighlights';
import { documentSymbolsJson } from './features/documentSymbols';
import { exportLog } from './features/exportLog';
import { foldingRanges } from './features/folding';
import { hover } from './features/hover';
import { LargeLogs, progressSink } from './features/largeLogs';
import { references } from './features/references';
import { serverInfo } from './features/serverInfo';
import { Timelines } from './features/timelines';
import type { IndexedLog } from './features/workspaceSymbols';
import { workspaceSymbols } from './features/workspaceSymbols';
import type { LargeLogRequest, LogEntry } from './logCache';
import { isFilterResult, LogCache } from './logCache';
import type { DetectedDialectParams, DocumentOpeningParams, ExportLogParams, LogParams, LogSetParams, MessagingLogsInitializationOptions, MessagingLogsSettings, OpenLargeLogParams } from '../../common/protocol';
import { ClientNotifications, DEFAULT_SETTINGS, Notifications, Requests, SETTINGS_SECTION } from '../../common/protocol';
import { normalizeSettings } from './settings';
import { warmUp, warmUpWhileIdle } from './features/warmUp';
import { startStandbyWorker } from './engine/fileIndexJob';
import type { FirstAnswerName, FirstAnswerSettings } from './features/firstAnswers';
import { firstAnswerKey } from './features/firstAnswers';
import { openingWorkerFile } from './earlyIndexes';
import { EncodedJson } from './transport/encodedJson';

/** Requests still queued when their cancellation arrives are answered at once, never started. */
function cancelUndispatched(message: Message): ResponseMessage | undefined {
  const request = message as RequestMessage;
  return { jsonrpc: '2.0', id: request.id, error: { code: LSPErrorCodes.RequestCancelled, message: 'request cancelled' } };
}

/** Set once the client asked the server to shut down: leaving then is not a failure. */
let shutdownRequested = false;
/** Texts of large didOpens read as bytes by the transport, until their documents are made. */
const openedTexts = new OpenedTexts();
/** documentOpening notifications acted on as they were read (readAhead): their turn in the queue does nothing more. */
const openingsReadAhead = new WeakSet<object>();
const connection = serverConnection(openedTexts, { connectionStrategy: { cancelUndispatched } }, () => shutdownRequested, {
  message: readAhead,
  followText: (uri) => cache.textArriving(uri),
});
const documents = new TextDocuments(documentsWithBytes(openedTexts));

function logFailure(error: unknown): void {
  connection.console.error(`messaging-server-logs: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}

/** Fire and forget, with failures logged: an unhandled rejection would end the server process. */
function background(work: Promise<unknown>): void {
  work.catch(logFailure);
}

/** Logs opened as large logs (read from disk by the server): progress, diagnostics, change notifications. */
const largeLogs = new LargeLogs({
  withEntry: (uri, request, work) => cache.withUri(uri, documents.get(uri), request, work),
  isOpenDocument: (uri) => documents.get(uri) !== undefined,
  holdsLargeLog: (uri) => cache.largeLogs.has(uri),
  maxDiagnostics: () => settings.maxDiagnostics,
  minimumSeverity: () => settings.minimumDiagnosticSeverity,
  publish: (uri, list) => background(connection.sendDiagnostics({ uri, diagnostics: list })),
  notifyChanged: (params) => background(connection.sendNotification(Notifications.logChanged, params)),
  attachProgress: (token) => connection.window.attachWorkDoneProgress(token),
  failed: logFailure,
});

/** Several logs merged into one timeline document, and message traces (features/timelines.ts). */
const timelines = new Timelines({
  attachProgress: (token) => connection.window.attachWorkDoneProgress(token),
  changed: (id) => background(connection.sendNotification(Notifications.timelineChanged, { id })),
  failed: logFailure,
});

/** A work-done progress the server starts itself (when the client supports them), for indexing nobody else reports. */
async function serverProgress(title: string): Promise<ProgressSink | undefined> {
  try {
    return progressSink(await connection.window.createWorkDoneProgress(), title, false);
  } catch {
    return undefined;
  }
}

const cache = new LogCache(
  (uri, dialect) => {
    const params: DetectedDialectParams = { uri, dialect };
    background(connection.sendNotification(Notifications.detectedDialect, params));
  },
  {
    changed: (uri, kind) => largeLogs.changed(uri, kind),
    evicted: (uri) => largeLogs.evicted(uri),
    backgroundProgress: serverProgress,
    failed: logFailure,
  },
  // The index cache lives in the folder the client named (its global storage), while the setting allows it.
  { cacheDir: () => (settings.indexCache ? indexCacheDir : undefined) },
  () => firstAnswerSettings(),
);

function firstAnswerSettings(): FirstAnswerSettings {
  return { maxDiagnostics: settings.maxDiagnostics, minimumSeverity: settings.minimumDiagnosticSeverity, foldingLimit: foldingRangeLimit };
}

/**
 * The answer `name` for an open document made while its text was on its way (features/firstAnswers.ts),
 * when it was made with the settings now in force; undefined otherwise (compute it).
 */
async function firstAnswer<T>(uri: string, name: FirstAnswerName): Promise<{ value: T; version: number } | undefined> {
  const document = documents.get(uri);
  if (!document) return undefined;
  await settingsReady;
  const json = await cache.earlyAnswer(document, name, firstAnswerKey(name, firstAnswerSettings()));
  return json === undefined ? undefined : { value: new EncodedJson<T>(json).asValue(), version: document.version };
}
/** The client's folder for kept indexes (initializationOptions); undefined: nothing is kept. */
let indexCacheDir: string | undefined;

let settings: MessagingLogsSettings = DEFAULT_SETTINGS;
/** Resolves once the settings in force are known; every parse waits for it (the tolerance matters). */
let settingsReady: Promise<void> = Promise.resolve();
let canPullConfiguration = false;
/** Set by the first document announced or opened: the idle warm-up (warmUpWhileIdle) stops. */
let documentComing = false;
let canRegisterConfiguration = false;
let foldingRangeLimit: number | undefined;

let settingsGeneration = 0;

async function loadSettings(pushed?: unknown): Promise<void> {
  const generation = ++settingsGeneration;
  let raw: unknown = pushed;
  if (canPullConfiguration) {
    try {
      raw = await connection.workspace.getConfiguration({ section: SETTINGS_SECTION });
    } catch {
      raw = undefined; // a client that fails the request gets the defaults
    }
  }
  if (generation !== settingsGeneration) return; // a newer change is being read: it wins
  settings = normalizeSettings(raw);
  cache.setTolerance(settings.timeRegressionToleranceMs);
}

async function entryOf(document: TextDocument): Promise<LogEntry> {
  await settingsReady;
  return cache.forDocument(document);
}

/** The open document's index, or undefined (closed, not a log). */
async function indexOf(uri: string): Promise<LogIndex | undefined> {
  const document = documents.get(uri);
  return document ? (await entryOf(document)).index : undefined;
}

/**
 * For custom requests: runs `work` on an open document, or a file on disk the editor did not open
 * (indexed from the file, and held open until `work` is done; a cancelled request stops waiting, and
 * the indexing stops when nobody else waits for it).
 */
async function withEntry<T>(params: LogParams, token: CancellationToken, work: (entry: LogEntry) => T | Promise<T>, search?: string): Promise<T> {
  await settingsReady;
  const request: LargeLogRequest = { token, search };
  try {
    return await cache.withUri(params.uri, documents.get(params.uri), request, work);
  } catch (e) {
    if (e instanceof CancelledError) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
    throw e;
  }
}

const diagnostics = new DiagnosticsPublisher({
  entry: async (uri) => {
    const document = documents.get(uri);
    return document ? entryOf(document) : undefined;
  },
  firstAnswer: async (uri) => {
    const made = await firstAnswer<Diagnostic[]>(uri, 'diagnostics');
    return made && { diagnostics: made.value, version: made.version };
  },
  maxDiagnostics: () => settings.maxDiagnostics,
  minimumSeverity: () => settings.minimumDiagnosticSeverity,
  // A filter result repeats records of its log: their problems are the log's, already in the Problems
  // panel once; published again they would count twice (BEHAVIOUR.md, "Filter results").
  publish: (uri, list, version) => background(connection.sendDiagnostics({ uri, version, diagnostics: isFilterResult(uri) ? [] : list })),
  failed: logFailure,
});

connection.onInitialize((params) => {
  const options = params.initializationOptions as MessagingLogsInitializationOptions | null | undefined;
  indexCacheDir = typeof options?.indexCacheDir === 'string' && options.indexCacheDir !== '' ? options.indexCacheDir : undefined;
  const capabilities = params.capabilities;
  canPullConfiguration = capabilities.workspace?.configuration === true;
  canRegisterConfiguration = capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  foldingRangeLimit = capabilities.textDocument?.foldingRange?.rangeLimit;
  // Before the answer, so before any document is sent: see warmUp.ts, and fileIndexJob.ts for the
  // worker. (Started first, the worker slowed this warm-up and the answer by about 40 ms.)
  warmUp();
  startStandbyWorker(openingWorkerFile());
  warmUpWhileIdle(() => !documentComing);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      foldingRangeProvider: true,
      documentSymbolProvider: { label: 'Sessions' },
      workspaceSymbolProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      definitionProvider: true,
      hoverProvider: true,
    },
    serverInfo: { name: 'messaging-server-logs' },
  };
});

connection.onInitialized(() => {
  if (canRegisterConfiguration) background(connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }));
  settingsReady = loadSettings();
});

connection.onDidChangeConfiguration((change) => {
  const pushed: unknown = (change.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
  settingsReady = loadSettings(pushed);
  background(settingsReady.then(() => Promise.all(documents.all().map((d) => diagnostics.now(d.uri)))));
  background(settingsReady.then(() => largeLogs.settingsChanged()));
});

// A large log is indexed from disk while its didOpen is on its way (LogCache.opening).
connection.onNotification(ClientNotifications.documentOpening, (params) => {
  if (!openingsReadAhead.delete(params)) documentOpening(params);
});

function documentOpening({ uri, languageId }: DocumentOpeningParams): void {
  documentComing = true;
  cache.opening(uri, languageId);
}

/**
 * Over stdio, a documentOpening is acted on as soon as it is read: its didOpen follows at once, and
 * the connection's queue reached it only after this thread had taken in megabytes of that text (the
 * worker then started 40–60 ms after it was sent, on the bench's host). A close of the same document still
 * queued before it stops that worker when its turn comes: the document is then indexed after its
 * didOpen, as if it had not been announced.
 */
function readAhead(message: Message): void {
  const notification = message as NotificationMessage;
  if (notification.method !== ClientNotifications.documentOpening.method) return;
  const params = notification.params as DocumentOpeningParams;
  openingsReadAhead.add(params);
  documentOpening(params);
}

// TextDocuments fires onDidChangeContent right after onDidOpen: only real changes are debounced.
const justOpened = new Set<string>();
documents.onDidOpen(({ document }) => {
  documentComing = true;
  justOpened.add(document.uri);
  cache.opened(document.uri);
  background(diagnostics.now(document.uri));
});
documents.onDidChangeContent(({ document }) => {
  if (!justOpened.delete(document.uri)) diagnostics.later(document.uri);
});
documents.onDidClose(({ document }) => {
  justOpened.delete(document.uri);
  cache.closed(document.uri);
  diagnostics.cleared(document.uri);
  largeLogs.documentClosed(document.uri);
});

connection.onFoldingRanges(async ({ textDocument }) => {
  const made = await firstAnswer<FoldingRange[]>(textDocument.uri, 'folding');
  if (made) return made.value;
  const index = await indexOf(textDocument.uri);
  return index ? foldingRanges(index, foldingRangeLimit) : null;
});
connection.onDocumentSymbol(async ({ textDocument }) => {
  const made = await firstAnswer<DocumentSymbol[]>(textDocument.uri, 'symbols');
  if (made) return made.value;
  const index = await indexOf(textDocument.uri);
  return index ? documentSymbolsJson(index).asValue() : null;
});
connection.onWorkspaceSymbol(async ({ query }, token) => {
  const logs: IndexedLog[] = [];
  for (const document of documents.all()) {
    const { index } = await entryOf(document);
    if (index) logs.push({ uri: document.uri, index });
  }
  return workspaceSymbols(logs, query, () => token.isCancellationRequested);
});
connection.onReferences(async ({ textDocument, position }) => {
  const index = await indexOf(textDocument.uri);
  return index ? references(textDocument.uri, index, position) : null;
});
connection.onDocumentHighlight(async ({ textDocument, position }) => {
  const index = await indexOf(textDocument.uri);
  return index ? documentHighlights(index, position) : null;
});
connection.onDefinition(async ({ textDocument, position }) => {
  const index = await indexOf(textDocument.uri);
  return index ? definition(textDocument.uri, index, position) : null;
});
connection.onHover(async ({ textDocument, position }) => {
  const index = await indexOf(textDocument.uri);
  return index ? hover(index, position) : null;
});

// A timeline document's records come from several sources: the timeline answers for it.
connection.onRequest(Requests.filter, (params, token) =>
  timelines.isTimeline(params.uri) ? timelines.filter(params) : withEntry(params, token, (entry) => requests.filter(entry, params, token), requests.filterSearchText(params.query)),
);
connection.onRequest(Requests.goToTime, (params, token) =>
  timelines.isTimeline(params.uri) ? timelines.goToTime(params) : withEntry(params, token, (entry) => requests.goTo(entry, params)),
);
connection.onRequest(Requests.sessions, (params, token) =>
  timelines.isTimeline(params.uri) ? timelines.sessions(params.uri) : withEntry(params, token, (entry) => requests.sessions(entry)),
);
connection.onRequest(Requests.sessionRecords, (params, token) =>
  timelines.isTimeline(params.uri) ? timelines.sessionRecords(params) : withEntry(params, token, (entry) => requests.sessionRecordList(entry, params)),
);
connection.onRequest(Requests.openTimeline, (params, token) => timelines.open(params, token));
connection.onRequest(Requests.trace, (params, token) => timelines.trace(params, token));
connection.onRequest(Requests.sessionConnections, (params, token) => withEntry(params, token, (entry) => requests.connectionList(entry, params)));
connection.onRequest(Requests.recordInfo, (params, token) => withEntry(params, token, (entry) => requests.recordInfo(entry, params)));
connection.onRequest(Requests.navigate, (params, token) => withEntry(params, token, (entry) => requests.navigate(entry, params)));
connection.onRequest(Requests.openLargeLog, async (params: OpenLargeLogParams, token: CancellationToken) => {
  await settingsReady;
  return largeLogs.open(params, token);
});
connection.onRequest(Requests.exportLog, async (params: ExportLogParams, token: CancellationToken) => {
  await settingsReady;
  return exportLog(
    params,
    {
      entry: (uri, request) => holdEntry(uri, request),
      attachProgress: (t) => connection.window.attachWorkDoneProgress(t),
      holds: (uri) => documents.get(uri) !== undefined || cache.largeLogs.has(uri),
    },
    token,
  );
});

/** A log's parse held open (a log from disk stays open) until `release` is called: for work that outlives one callback. */
function holdEntry(uri: string, request: LargeLogRequest): Promise<{ entry: LogEntry; release: () => void }> {
  return new Promise((resolve, reject) => {
    let release: () => void = () => undefined;
    const done = new Promise<void>((r) => (release = r));
    cache.withUri(uri, documents.get(uri), request, (entry) => {
      resolve({ entry, release });
      return done;
    }).catch(reject);
  });
}
connection.onRequest(Requests.serverInfo, () => serverInfo(cache, openedTexts));
/** Runs `work` on the logs of a picture request (timelines, open documents, logs read from disk, each held open meanwhile). */
const withInputs = <T>(params: LogSetParams, token: CancellationToken, work: (inputs: pictures.PictureInput[]) => T | Promise<T>): Promise<T> =>
  pictures.withPictureInputs(params.uris ?? [], timelines, (uri, use) => withEntry({ uri }, token, use), work);
connection.onRequest(Requests.sipDialog, (params, token) => withInputs(params, token, (inputs) => pictures.sipDialog(inputs, params)));
connection.onRequest(Requests.report, (params, token) => withInputs(params, token, (inputs) => pictures.report(inputs, params, token)));

connection.onShutdown(() => {
  shutdownRequested = true;
  cache.largeLogs.dispose();
  timelines.dispose();
});

documents.listen(connection);
connection.listen();
