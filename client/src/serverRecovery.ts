// What happens when the language server process dies: the client restarts it (and reopens the open
// documents, which vscode-languageclient does on every start), logs each restart to the output
// channel, and tells the user once per burst of restarts, not once per crash. Too many crashes in a
// row and it gives up, saying so. A hidden command reports the server's process id and state
// (troubleshooting; the integration tests kill that process to check all of the above).
import * as vscode from 'vscode';
import type { CloseHandlerResult, ErrorHandler, ErrorHandlerResult, LanguageClient, Message } from 'vscode-languageclient/node';
import { CloseAction, ErrorAction } from 'vscode-languageclient/node';
import type { ServerInfoResult } from '../../common/protocol';
import { Requests } from '../../common/protocol';
import { survivesConnectionError } from './connectionErrors';

/** Restarts closer together than this belong to one burst: the user is told about the first only. */
const BURST_MS = 3 * 60 * 1000;
/** More restarts than this within BURST_MS and the server stays down. */
const MAX_RESTARTS = 5;

export const SERVER_INFO_COMMAND = 'messagingLogs.debug.serverInfo';

/** What messagingLogs.debug.serverInfo returns: the server's answer plus the client's restart bookkeeping. */
export interface RecoveryInfo extends ServerInfoResult {
  /** Restarts after the server died, since activation. */
  restarts: number;
  /** Messages shown to the user about them. */
  notices: number;
}

export class ServerRecovery implements ErrorHandler {
  private client: LanguageClient | undefined;
  private readonly restartTimes: number[] = [];
  private lastRestart = 0;
  restarts = 0;
  notices = 0;

  /** The client is created after its options (which hold this handler). */
  attach(client: LanguageClient): void {
    this.client = client;
  }

  error(error: Error, message: Message | undefined, count: number | undefined): ErrorHandlerResult {
    this.log(`connection error${count ? ` (${count} in a row)` : ''}: ${error.message}${message ? ` (${JSON.stringify(message).slice(0, 200)})` : ''}`);
    // A closed pipe: the close that follows restarts the server. Other errors: a few are survivable.
    return { action: survivesConnectionError(error, count) ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    while (this.restartTimes.length > 0 && now - this.restartTimes[0] > BURST_MS) this.restartTimes.shift();
    if (this.restartTimes.length >= MAX_RESTARTS) {
      this.log(`the language server stopped ${MAX_RESTARTS + 1} times within ${BURST_MS / 60000} minutes: not restarting it`);
      return {
        action: CloseAction.DoNotRestart,
        message: `Messaging Server Logs: the language server stopped ${MAX_RESTARTS + 1} times in ${BURST_MS / 60000} minutes and was not restarted. Reload the window to start it again; the output channel "Messaging Server Logs" has the details.`,
      };
    }
    const newBurst = now - this.lastRestart > BURST_MS;
    this.restartTimes.push(now);
    this.lastRestart = now;
    this.restarts++;
    this.log(`the language server stopped unexpectedly; restarting it (restart ${this.restarts})`);
    if (newBurst) {
      this.notices++;
      const client = this.client;
      void vscode.window
        .showInformationMessage('Messaging Server Logs: the language server stopped unexpectedly and was restarted. Open logs are parsed again.', 'Show Output')
        .then((choice) => {
          if (choice) client?.outputChannel.show(true);
        });
    }
    return { action: CloseAction.Restart, handled: true };
  }

  private log(text: string): void {
    this.client?.outputChannel.appendLine(`[${new Date().toISOString()}] ${text}`);
  }
}

/** The hidden messagingLogs.debug.serverInfo: the server's process id and state, with the client's restarts. */
export function registerRecoveryCommands(client: LanguageClient, recovery: ServerRecovery): vscode.Disposable {
  return vscode.commands.registerCommand(SERVER_INFO_COMMAND, async (): Promise<RecoveryInfo> => {
    const server = await client.sendRequest(Requests.serverInfo);
    return { ...server, restarts: recovery.restarts, notices: recovery.notices };
  });
}
