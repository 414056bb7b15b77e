// Session summaries, SIP dialogs and cross references between sessions (FORMATS §2).
import type { LogIndex } from './logIndex';
import type { SessionFields } from '../../../common/sessionFields';

export interface SessionSummary extends SessionFields {
  id: number;
  /** 'error' | 'warning' when the session has problems. */
  worst: 'error' | 'warning' | undefined;
  /** The SIP dialog (Call-ID) of a CommuniGate SIPDATA packet. */
  dialog: string | undefined;
}

export function sessionSummary(index: LogIndex, s: number): SessionSummary {
  const first = index.sessionFirst[s];
  const last = index.sessionLast[s];
  const worst = index.sessionWorst[s];
  return {
    id: s,
    key: index.keys.decode(s),
    component: index.componentOf(s),
    firstLine: index.recStartLine[first],
    lastLine: index.endLineOf(last),
    records: index.sessionRecordCount[s],
    start: index.timestampText(first),
    end: index.timestampText(last),
    problems: index.sessionProblems[s],
    worst: worst === 255 ? undefined : worst <= 1 ? 'error' : 'warning',
    durationMs: Math.abs(index.normalized(last) - index.normalized(first)),
    dialog: index.sessionDialog.get(s),
  };
}

/** All sessions in order of their first record. */
export function listSessions(index: LogIndex): SessionSummary[] {
  const out: SessionSummary[] = [];
  for (let s = 0; s < index.sessionCount; s++) out.push(sessionSummary(index, s));
  return out;
}

/** Session-key-shaped words in text: `NAME-DIGITS` as CommuniGate writes them (`HTTPU-000029`). */
const KEY_WORD = /\b[A-Za-z][A-Za-z0-9_]*-\d+\b/g;

export interface CrossReference {
  /** UTF-16 columns of the mention on its line. */
  start: number;
  end: number;
  session: number;
}

/** Mentions of other existing sessions in one line of a record (`closed by HTTPU-000029`). */
export function crossReferencesInLine(index: LogIndex, lineText: string, ownSession: number): CrossReference[] {
  const out: CrossReference[] = [];
  for (const m of lineText.matchAll(KEY_WORD)) {
    const s = index.keys.find(m[0]);
    if (s >= 0 && s !== ownSession) out.push({ start: m.index, end: m.index + m[0].length, session: s });
  }
  return out;
}
