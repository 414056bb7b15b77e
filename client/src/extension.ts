// Client entry: starts the Messaging Server Logs language server and wires the client features.
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { DETECTABLE_LANGUAGE_IDS, LOG_LANGUAGE_IDS } from '../../server/src/protocol';
import { registerDialectSwitcher } from './dialectSwitcher';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('server', 'out', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Our languages, plus plain `log`/`plaintext` files that the server inspects for a dialect.
    documentSelector: [
      ...LOG_LANGUAGE_IDS.map((language) => ({ language })),
      ...DETECTABLE_LANGUAGE_IDS.map((language) => ({ language, scheme: 'file' })),
    ],
    synchronize: { configurationSection: 'messagingLogs' },
  };
  client = new LanguageClient('messagingLogs', 'Messaging Server Logs', serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
  context.subscriptions.push(registerDialectSwitcher(client));
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}
