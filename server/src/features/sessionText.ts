// How sessions are described to users: outline details and hover summaries.
import type { LogIndex } from '../engine';
import { formatDuration } from '../../../common/time';
import { problems as describeProblems, sessionDescription } from '../../../common/describe';
import { escapeMarkdown } from './markdown';

/** Time range as written: `12:39:08.978 – 12:39:09.042`, or one time for a one-record session. */
export function sessionTimeRange(index: LogIndex, s: number): string {
  const start = index.timestampText(index.sessionFirst[s]);
  const end = index.timestampText(index.sessionLast[s]);
  return start === end ? start : `${start} – ${end}`;
}

/** `12:39:08.978 – 12:39:09.042 · 3 records · 1 problem` (plain text: outline details are not Markdown). */
export function sessionDetail(index: LogIndex, s: number): string {
  const start = index.timestampText(index.sessionFirst[s]);
  const end = index.timestampText(index.sessionLast[s]);
  return sessionDescription({ start, end, records: index.sessionRecordCount[s], problems: index.sessionProblems[s] });
}

/** Hover Markdown for a session; every piece of log text escaped. */
export function sessionMarkdown(index: LogIndex, s: number): string {
  const first = index.sessionFirst[s];
  const last = index.sessionLast[s];
  const worst = index.sessionWorst[s];
  const lines = [`**Session ${escapeMarkdown(index.sessionKey(s))}** · component ${escapeMarkdown(index.componentOf(s))}`];
  const duration = Math.abs(index.normalized(last) - index.normalized(first));
  const range = sessionTimeRange(index, s);
  const lasted = first !== last && Number.isFinite(duration) ? ` (${escapeMarkdown(formatDuration(duration))})` : '';
  if (range) lines.push(`Time: ${escapeMarkdown(range)}${lasted}`);
  const problems = index.sessionProblems[s];
  lines.push(
    `Records: ${index.sessionRecordCount[s]} · lines ${index.recStartLine[first] + 1}–${index.endLineOf(last) + 1}` +
      (problems > 0 ? ` · ${describeProblems(problems)} (worst: ${worst <= 1 ? 'error' : 'warning'})` : ' · no problems'),
  );
  const dialog = index.sessionDialog.get(s);
  if (dialog !== undefined) lines.push(`SIP dialog (Call\\-ID): ${escapeMarkdown(dialog)}`);
  return lines.join('\n\n');
}
