// Tells the server that a saved log file is about to be opened, just before its didOpen goes out: the
// server indexes a large one from disk while the document's text (tens of MB of JSON) is on its way,
// and keeps that index when the text turns out to be the file's (LogCache.opening).
import type * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { ClientNotifications } from '../../../common/protocol';

type DidOpen = (document: vscode.TextDocument, next: (document: vscode.TextDocument) => Promise<void>) => Promise<void>;

/** The didOpen middleware: the notification first (awaited, so that it is written before the didOpen), then the didOpen. */
export function announceOpening(client: () => BaseLanguageClient | undefined): DidOpen {
  return async (document, next) => {
    const running = client();
    if (running !== undefined && document.uri.scheme === 'file' && !document.isDirty) {
      try {
        await running.sendNotification(ClientNotifications.documentOpening, { uri: running.code2ProtocolConverter.asUri(document.uri), languageId: document.languageId });
      } catch {
        // Only a head start: the didOpen goes out regardless.
      }
    }
    return next(document);
  };
}
