// Tells the server that a saved log file is being opened, just before its didOpen goes out: the server
// indexes a large one from disk while the document's text (tens of MB of JSON) is on its way, and keeps
// that index when the text turns out to be the file's (LogCache.opening).
import type { DidOpenTextDocumentParams, MessageSignature, Middleware } from 'vscode-languageclient';
import { DidOpenTextDocumentNotification } from 'vscode-languageclient';
import { ClientNotifications } from '../../../common/protocol';
import type { DocumentOpeningParams } from '../../../common/protocol';

/**
 * The notification middleware: before the didOpen of a `file:` document, documentOpening. Both are
 * handed to the connection's writer here, one after the other, so that the announcement is written
 * first and the didOpen is neither held back nor overtaken. (Sending it from the didOpen middleware
 * does neither: awaited, it holds the didOpen back behind a close that may follow; not awaited, the
 * client's own sending lets the didOpen overtake it.)
 */
export const announceOpening: NonNullable<Middleware['sendNotification']> = (type, next, params) => {
  if (typeof type !== 'string' && type.method === DidOpenTextDocumentNotification.method) {
    const { uri, languageId } = (params as DidOpenTextDocumentParams).textDocument;
    // Only a head start: the didOpen goes out regardless.
    const send = next as (type: MessageSignature, params: DocumentOpeningParams) => Promise<void>;
    if (uri.startsWith('file:')) send(ClientNotifications.documentOpening, { uri, languageId }).catch(() => undefined);
  }
  return next(type, params);
};
