// What `activate` returns (vscode.extensions.getExtension('msglog.messaging-server-logs').exports):
// read-only views of the client's state that the API gives no other way to read (a status bar
// item's text, decorations). The real-editor tests use it; nothing else should rely on it.
import type * as vscode from 'vscode';
import type { SessionsResult } from '../../common/protocol';
import type { LineSpan } from './documents/sessionHighlight';
import type { SessionsTreeProvider } from './views/sessionsTree';
import type { TimelineOrigin } from './documents/timelines';

export interface MessagingLogsApi {
  /** The Log Sessions view's data provider (getChildren / getTreeItem as the view calls them). */
  sessionsTree: SessionsTreeProvider;
  /** The records highlighted for the session chosen in the view, if any. */
  highlightedSession(): { uri: string; spans: LineSpan[] } | undefined;
  /** The status bar item's text once the cursor's record has been looked up; undefined while hidden. */
  statusBarText(): Promise<string | undefined>;
  /** How many times the server's detected dialect for this document was acted on (switched, or left alone). */
  dialectDecisions(uri: vscode.Uri): number;
  /** Whether a URI is a filter result this window created. */
  isFilterResult(uri: vscode.Uri): boolean;
  /** The padding shown after the cells of a line of a PrivateServer table (aligned columns), if any. */
  tablePadding(uri: vscode.Uri, line: number): { at: number; spaces: number }[] | undefined;
  /** The server's sessions of a log it reads from disk (a large log), as the Sessions of the Large Log command lists them. */
  largeLogSessions(uri: vscode.Uri): Promise<SessionsResult>;
  /** The lines of a filter result dimmed as context (and `--` separators) in its editors, if decorated. */
  dimmedLines(uri: vscode.Uri): readonly number[] | undefined;
  /** How many filter inputs (quick picks, input boxes) have been shown: a test waits for the next before it presses keys. */
  filterInputsShown(): number;
  /** Where a line of a timeline or trace document came from (its source tag, file and line). */
  timelineOrigin(uri: vscode.Uri, line: number): TimelineOrigin | undefined;
}
