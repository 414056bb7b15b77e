// Hover: level names, the tokens a dialect explains (EMG options, Messaging Server close numbers),
// session summaries.
// All log text is escaped (see markdown.ts); the client renders hovers untrusted (its default).
import type { Hover, Position, Range } from 'vscode-languageserver';
import { MarkupKind } from 'vscode-languageserver';
import { NO_LEVEL, SEVERITY_NAMES } from '../engine';
import type { LogIndex, RichText, TokenFact } from '../engine';
import { escapeMarkdown } from './markdown';
import { headerRange, recordLineText } from './ranges';
import { mentionAt } from './sessionAt';
import { sessionMarkdown } from './sessionText';

/** Columns [start, end) of a token on a line. */
type Span = [number, number];

export function hover(index: LogIndex, position: Position): Hover | null {
  const r = index.recordAtLine(position.line);
  if (r < 0) return null;
  const text = recordLineText(index, position.line) ?? '';
  const ch = position.character;
  const line = position.line;
  const at = (span: Span): Range => ({ start: { line, character: span[0] }, end: { line, character: span[1] } });
  // Tokens here sit next to each other: the character under the mouse must be inside, end excluded.
  const inside = (span: Span | undefined): span is Span => span !== undefined && span[0] <= ch && ch < span[1];

  const mention = mentionAt(index, position);
  if (mention && mention.session !== index.recSession[r]) {
    return markdown(sessionMarkdown(index, mention.session), at([mention.start, mention.end]));
  }
  if (line !== index.recStartLine[r]) return null; // continuation lines: only the keys written in them

  const level = levelMarker(index, r, text);
  if (inside(level)) {
    const name = index.dialect.levelName(index.recLevel[r]);
    return markdown(`Level **${escapeMarkdown(name)}** · severity ${SEVERITY_NAMES[index.recSeverity[r]]}`, at(level));
  }
  const facts = index.dialect.tokenFacts?.(text, index.timestampText(r)) ?? [];
  const pointed = facts.find((f) => inside([f.start, f.end]));
  if (pointed) return markdown(factMarkdown(pointed), at([pointed.start, pointed.end]));
  const parts = [sessionMarkdown(index, index.recSession[r])];
  const queue = index.queueId(r);
  // DEQUEUER records of every message share one session: name this record's message.
  if (queue !== undefined && !index.sessionKey(index.recSession[r]).includes(queue)) {
    parts.push(`Queue id **${escapeMarkdown(queue)}** · this record's message (the session holds other messages' records too)`);
  }
  parts.push(...facts.filter((f) => f.aboutRecord).map(factMarkdown));
  return markdown(parts.join('\n\n'), headerRange(index, r));
}

function markdown(value: string, range: Range): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}

/** Where the written level sits on a header line; undefined for records without one. */
export function levelMarker(index: LogIndex, r: number, header: string): Span | undefined {
  if (index.recLevel[r] === NO_LEVEL) return undefined;
  return index.dialect.levelSpan?.(header, index.timestampText(r));
}

function factMarkdown(fact: TokenFact): string {
  return [fact.title, ...fact.details].map(richMarkdown).join('\n\n');
}

/** Rich text as Markdown, every piece of text escaped. */
function richMarkdown(text: RichText): string {
  return text.map((part) => (typeof part === 'string' ? escapeMarkdown(part) : 'strong' in part ? `**${escapeMarkdown(part.strong)}**` : `*${escapeMarkdown(part.em)}*`)).join('');
}
