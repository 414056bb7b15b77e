// Open documents whose text came as bytes (transport/didOpenBytes.ts): the editor's didOpen of a
// large log is read without decoding its text, and the document keeps those bytes. The index reads
// them as they are; the text is decoded only if something asks for it as text (an edit to apply,
// a feature that reads the document as text).
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range, TextDocumentsConfiguration } from 'vscode-languageserver/node';

/**
 * Texts read as bytes from didOpen messages, until the document they open is made (the transport
 * reads a message before the connection hands it on). In order per URI: a close and a reopen queued
 * behind it take their own.
 */
export class OpenedTexts {
  private readonly waiting = new Map<string, { version: number; text: Buffer }[]>();
  /** Documents made from bytes so far (the server's debug information says it). */
  taken = 0;

  put(uri: string, version: number, text: Buffer): void {
    const list = this.waiting.get(uri);
    if (list === undefined) this.waiting.set(uri, [{ version, text }]);
    else list.push({ version, text });
  }

  /** The bytes read for the didOpen of `uri` at `version`, taken (each is taken once), or undefined. */
  take(uri: string, version: number): Buffer | undefined {
    const list = this.waiting.get(uri);
    const first = list?.[0];
    if (list === undefined || first === undefined || first.version !== version) return undefined;
    list.shift();
    if (list.length === 0) this.waiting.delete(uri);
    this.taken++;
    return first.text;
  }
}

/** A document opened with its text as bytes: a TextDocument whose text is decoded when first asked for. */
export class ByteTextDocument implements TextDocument {
  private decoded: TextDocument | undefined;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    readonly version: number,
    /** The text in UTF-8, as the editor sent it. */
    readonly bytes: Buffer,
  ) {}

  getText(range?: Range): string {
    return this.asText().getText(range);
  }

  positionAt(offset: number): Position {
    return this.asText().positionAt(offset);
  }

  offsetAt(position: Position): number {
    return this.asText().offsetAt(position);
  }

  getLineRange(line: number): Range {
    return this.asText().getLineRange(line);
  }

  getEOLCharacters(line: number): string {
    return this.asText().getEOLCharacters(line);
  }

  get lineCount(): number {
    return this.asText().lineCount;
  }

  /** This version as a plain TextDocument (kept here, never changed: an edit makes a new one). */
  private asText(): TextDocument {
    this.decoded ??= TextDocument.create(this.uri, this.languageId, this.version, this.bytes.toString('utf8'));
    return this.decoded;
  }
}

/** The UTF-8 bytes of an open document's text when it holds them (no encoding needed), else undefined. */
export function bytesOfDocument(document: TextDocument): Buffer | undefined {
  return document instanceof ByteTextDocument ? document.bytes : undefined;
}

/**
 * How TextDocuments makes and edits documents: a didOpen whose text was read as bytes makes a
 * ByteTextDocument; an edit to one decodes it into a plain TextDocument first (edits are rare on
 * logs, and applied to text).
 */
export function documentsWithBytes(opened: OpenedTexts): TextDocumentsConfiguration<TextDocument> {
  return {
    create(uri: string, languageId: string, version: number, content: string): TextDocument {
      const bytes = content === '' ? opened.take(uri, version) : undefined;
      return bytes === undefined ? TextDocument.create(uri, languageId, version, content) : new ByteTextDocument(uri, languageId, version, bytes);
    },
    update(document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument {
      const plain = document instanceof ByteTextDocument ? TextDocument.create(document.uri, document.languageId, document.version, document.getText()) : document;
      return TextDocument.update(plain, changes, version);
    },
  };
}
