// Hover: level names, EMG option names, Messaging Server close numbers, session summaries.
// All log text is escaped (see markdown.ts); the client renders hovers untrusted (its default).
import { Hover, MarkupKind, Position, Range } from 'vscode-languageserver';
import { LogIndex, NO_LEVEL, SEVERITY_NAMES } from '../engine';
import { EMG_OPTIONS } from '../engine/dialects/emg';
import { closeNumbers, levelWordSpan } from '../engine/dialects/messagingServer';
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
  if (index.dialect.id === 'emg-log') {
    const option = emgOptions(index, r, text).find(inside);
    if (option) return markdown(emgOptionMarkdown(text.slice(option[0], option[1])), at(option));
  }
  const close = index.dialect.id === 'messaging-server-log' ? closeExplanation(text) : undefined;
  if (close && inside(close.span)) return markdown(close.markdown, at(close.span));
  const parts = [sessionMarkdown(index, index.recSession[r])];
  const queue = index.queueId(r);
  // DEQUEUER records of every message share one session: name this record's message.
  if (queue !== undefined && !index.sessionKey(index.recSession[r]).includes(queue)) {
    parts.push(`Queue id **${escapeMarkdown(queue)}** · this record's message (the session holds other messages' records too)`);
  }
  if (close) parts.push(close.markdown);
  return markdown(parts.join('\n\n'), headerRange(index, r));
}

function markdown(value: string, range: Range): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}

/** Where the written level sits on a header line, per dialect; undefined for records without one. */
export function levelMarker(index: LogIndex, r: number, header: string): Span | undefined {
  if (index.recLevel[r] === NO_LEVEL) return undefined;
  switch (index.dialect.id) {
    case 'communigate-log': {
      const m = /^\S+ ([0-5]) /.exec(header); // HH:MM:SS.fff L REST
      return m ? [m[0].length - 2, m[0].length - 1] : undefined;
    }
    case 'axigen-log': {
      const m = /^[ \t]*\S+ \S+ [+-]\d{4} (\d{2}) /.exec(header); // DATE TIME ZONE LL HOST … (maybe pasted after blanks)
      return m ? [m[0].length - 3, m[0].length - 1] : undefined;
    }
    case 'messaging-server-log':
      return levelWordSpan(header); // "Notice" between CATEGORY and ':'
    case 'emg-log': {
      const ts = index.timestampText(r);
      const start = header.indexOf(ts) + ts.length + 1; // TS LEVELWORD text
      const word = /^[A-Z][A-Z0-9]*/.exec(header.slice(start));
      return word ? [start, start + word[0].length] : undefined;
    }
    default:
      return undefined;
  }
}

/** EMG connector header after the timestamp, up to the options: ` (INSTANCE) EVENT STATUS[ (INFO)]` (INFO values may be quoted). */
const EMG_BEFORE_OPTIONS = /^ \([^)]*\) [A-Z]+ (?:OK|ERR)(?: \((?:[^()"]|"[^"]*")*\))?/;

/** Spans of the `NNN:value` options of an EMG connector record. */
function emgOptions(index: LogIndex, r: number, header: string): Span[] {
  const ts = index.timestampText(r);
  const tsAt = ts ? header.indexOf(ts) : -1;
  const head = tsAt >= 0 ? EMG_BEFORE_OPTIONS.exec(header.slice(tsAt + ts.length)) : null;
  if (!head) return [];
  const optionsStart = tsAt + ts.length + head[0].length;
  const out: Span[] = [];
  for (const m of header.slice(optionsStart).matchAll(/(?<=^|\s)\d+:\S*/g)) {
    const start = optionsStart + m.index;
    out.push([start, start + m[0].length]);
  }
  return out;
}

function emgOptionMarkdown(token: string): string {
  const colon = token.indexOf(':');
  const written = token.slice(0, colon); // as written: `008` is option 8
  const value = token.slice(colon + 1);
  const name = EMG_OPTIONS[Number(written)];
  const title = name ? `EMG option **${written}** · ${escapeMarkdown(name)}` : `EMG option **${written}** (not a known option number)`;
  return `${title}\n\nValue: ${value === '' ? '*(empty)*' : escapeMarkdown(value)}`;
}

/** The three numbers ending an IMAP/POP `close` record (SPEC §2.5): where they are and what they mean. */
function closeExplanation(header: string): { span: Span; markdown: string } | undefined {
  const numbers = closeNumbers(header);
  const m = /(\d+) (\d+) (\d+)\s*$/.exec(header);
  if (!numbers || !m) return undefined;
  return {
    span: [m.index, m.index + m[1].length + m[2].length + m[3].length + 2],
    markdown:
      `**close**: ${numbers.clientBytes} bytes sent by the client · ${numbers.serverBytes} bytes sent by the server · ` +
      `${numbers.mailboxes} mailbox${numbers.mailboxes === 1 ? '' : 'es'} selected`,
  };
}
