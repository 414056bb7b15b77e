// Client entry: starts the Messaging Server Logs language server and wires the client features.
import * as fs from 'fs';
import * as path from 'path';
import type * as vscode from 'vscode';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { DETECTABLE_LANGUAGE_IDS, LOG_LANGUAGE_IDS, LOG_LANGUAGES_CONTEXT_KEY, SIP_DIALECT_IDS, SIP_LANGUAGES_CONTEXT_KEY, TRACEABLE_DIALECT_IDS, TRACEABLE_LANGUAGES_CONTEXT_KEY } from '../../common/dialects';
import { hugePagesEnv } from '../../common/hugePages';
import { TIMELINE_SCHEME } from '../../common/protocol';
import type { MessagingLogsInitializationOptions } from '../../common/protocol';
import type { MessagingLogsApi } from './api';
import { DialectSwitcher } from './documents/dialectSwitcher';
import { registerExportLog } from './commands/exportLog';
import { registerFilterCommands } from './commands/filterCommands';
import { filterInputsShown } from './commands/filterInputs';
import { FILTER_SCHEME, FilterDocuments } from './documents/filterDocuments';
import { ContextDimmer } from './documents/filterContext';
import { registerGoToTime } from './commands/goToTime';
import { largeLogSessions, registerLargeLogs } from './documents/largeLogs';
import { announceOpening } from './documents/openingHint';
import { setContext } from './documents/logDocuments';
import { LogReports } from './views/logReport';
import { registerRecoveryCommands, ServerRecovery } from './serverRecovery';
import { registerSessionNavigation } from './commands/sessionNavigation';
import { registerSessionsView } from './views/sessionsView';
import { registerSetDialect } from './commands/setDialect';
import { SipLadders } from './views/sipLadder';
import { TableAlignment } from './documents/tableAlignment';
import { RecordStatusBar } from './views/statusBar';
import { registerTimelines } from './documents/timelines';
import { registerTraceLenses } from './documents/traceLens';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<MessagingLogsApi> {
  // package.json's `when` clauses say `editorLangId in messagingLogs.logLanguages`: the list is the registry's.
  setContext(LOG_LANGUAGES_CONTEXT_KEY, LOG_LANGUAGE_IDS);
  setContext(TRACEABLE_LANGUAGES_CONTEXT_KEY, TRACEABLE_DIALECT_IDS);
  setContext(SIP_LANGUAGES_CONTEXT_KEY, SIP_DIALECT_IDS);
  const serverModule = context.asAbsolutePath(path.join('server', 'out', 'server.js'));
  // The server indexes large logs in fresh memory: it starts with huge pages where Linux gives them on request.
  const env = hugePagesEnv(process.env, process.platform, (file) => fs.readFileSync(file, 'utf8'));
  // Over stdio: the server reads a large didOpen's text as bytes there (server/src/transport), where
  // Node's IPC channel would hand it over decoded and parsed (two strings the size of the log).
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio, options: { env } },
    debug: { module: serverModule, transport: TransportKind.stdio, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const recovery = new ServerRecovery();
  const clientOptions: LanguageClientOptions = {
    // Our languages in any scheme (filter results too), plus plain `log`/`plaintext` files that the
    // server inspects for a dialect.
    documentSelector: [
      ...LOG_LANGUAGE_IDS.map((language) => ({ language })),
      ...DETECTABLE_LANGUAGE_IDS.map((language) => ({ language, scheme: 'file' })),
    ],
    synchronize: { configurationSection: 'messagingLogs' },
    initializationOptions: { indexCacheDir: path.join(context.globalStorageUri.fsPath, 'index-cache') } satisfies MessagingLogsInitializationOptions,
    // Restarts a server that died, telling the user once per burst of restarts (serverRecovery.ts).
    errorHandler: recovery,
    middleware: {
      // In a filter result F12 goes to the source line (FilterDocuments); the server's definition of a
      // mentioned session would point inside the result and turn F12 into a choice.
      provideDefinition: (document, position, token, next) =>
        document.uri.scheme === FILTER_SCHEME || document.uri.scheme === TIMELINE_SCHEME ? undefined : next(document, position, token),
      sendNotification: announceOpening,
    },
  };
  client = new LanguageClient('messagingLogs', 'Messaging Server Logs', serverOptions, clientOptions);
  recovery.attach(client);
  context.subscriptions.push(client);
  await client.start();

  const switcher = new DialectSwitcher(client);
  const filterDocuments = new FilterDocuments(client);
  const contextDimmer = new ContextDimmer(filterDocuments);
  const sessions = registerSessionsView(client, context);
  const statusBar = new RecordStatusBar(client);
  const tables = new TableAlignment();
  const timelines = registerTimelines(client);
  context.subscriptions.push(
    tables,
    switcher,
    filterDocuments,
    contextDimmer,
    sessions,
    statusBar,
    registerFilterCommands(client, filterDocuments, context.globalState, () => sessions.provider.currentLog()),
    registerGoToTime(client),
    registerSessionNavigation(client),
    registerSetDialect(switcher),
    registerLargeLogs(client),
    registerExportLog(client),
    registerRecoveryCommands(client, recovery),
    timelines.disposable,
    registerTraceLenses(),
    new SipLadders(client, context.extensionUri, filterDocuments, () => sessions.provider.currentLog()),
    new LogReports(client, context.extensionUri),
  );

  return {
    sessionsTree: sessions.provider,
    highlightedSession: () => sessions.highlighter.current(),
    statusBarText: () => statusBar.settledText(),
    dialectDecisions: (uri) => switcher.decisions(uri),
    isFilterResult: (uri) => filterDocuments.isResult(uri),
    tablePadding: (uri, line) => tables.paddingAt(uri, line),
    largeLogSessions: (uri) => largeLogSessions(client!, uri),
    dimmedLines: (uri) => contextDimmer.dimmedLines(uri),
    timelineOrigin: (uri, line) => timelines.documents.originOf(uri, line),
    filterInputsShown,
  };
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}
