// The shape of the Log Sessions view, without VS Code: sessions grouped into components (and SIP
// packets into dialogs), filtered by text and problems, sorted by time, problems or duration.
// Kept free of the `vscode` module so that unit tests can check it directly.
import type { ConnectionItem, SessionItem, SessionRecordItem } from '../../../common/protocol';
import { plural, problems as describeProblems } from '../../../common/describe';

export { formatDuration } from '../../../common/time';
export { plural, sessionDescription, timeRange } from '../../../common/describe';

export type SessionSort = 'time' | 'problems' | 'duration';
export const SESSION_SORTS: readonly SessionSort[] = ['time', 'problems', 'duration'];

/** What the user asked the view to show. */
export interface SessionsViewOptions {
  sort: SessionSort;
  /** Case-insensitive text that a session's key, component or dialog must contain ('' for all). */
  text: string;
  problemsOnly: boolean;
}

export interface ComponentNode {
  kind: 'component';
  name: string;
  /** Dialogs and sessions, in view order. */
  children: (DialogNode | SessionNode)[];
  /** All shown sessions of the component, dialogs' packets included. */
  sessions: SessionItem[];
}

/** SIP packets (CommuniGate SIPDATA sessions) of one dialog, named by its Call-ID. */
export interface DialogNode {
  kind: 'dialog';
  callId: string;
  parent: ComponentNode;
  children: SessionNode[];
  sessions: SessionItem[];
}

export interface SessionNode {
  kind: 'session';
  session: SessionItem;
  parent: ComponentNode | DialogNode;
}

/**
 * A client connection (`[ip:port]`) inside a session that serves many (a Messaging Server process),
 * or (`item` undefined) the session's records that name no connection.
 */
export interface ConnectionNode {
  kind: 'connection';
  item?: ConnectionItem;
  /** Records naming no connection, for the node that stands for them. */
  unnamed: number;
  parent: SessionNode;
}

export interface RecordNode {
  kind: 'record';
  record: SessionRecordItem;
  parent: SessionNode | ConnectionNode;
}

/** A line of text in place of items (more records than listed). */
export interface NoteNode {
  kind: 'note';
  text: string;
  parent: SessionNode | ConnectionNode;
}

export type SessionsNode = ComponentNode | DialogNode | SessionNode | ConnectionNode | RecordNode | NoteNode;

/** The session a record or note belongs to, through its connection if it has one. */
export function sessionOf(node: RecordNode | NoteNode | ConnectionNode): SessionItem {
  return node.parent.kind === 'session' ? node.parent.session : node.parent.parent.session;
}

/**
 * The text of a record row after its time: without the written level and session key (the row is
 * under its session already), unless the key is a column of a table row (PrivateServer), where the
 * columns before it are the record's event.
 */
export function recordRowText(text: string, time: string, sessionKey: string): string {
  const stamp = time && text.startsWith(`[${time}]`) ? `[${time}]` : time;
  const rest = stamp && text.startsWith(stamp) ? text.slice(stamp.length).trimStart() : text;
  const written = sessionFilterText(sessionKey);
  const at = rest.indexOf(written);
  if (at < 0 || /[\t,]/.test(rest.slice(0, at))) return rest;
  const before = rest.slice(0, at).trim().split(/\s+/).filter(Boolean);
  // Level digits/words and a host name come before the key; anything longer is the record's text.
  if (before.length > 2) return rest;
  const tokenEnd = rest.indexOf(' ', at + written.length);
  return tokenEnd < 0 ? rest : rest.slice(tokenEnd + 1).trimStart();
}

/** Sessions the options let through. */
export function visibleSessions(sessions: readonly SessionItem[], options: SessionsViewOptions): SessionItem[] {
  const text = options.text.trim().toLowerCase();
  return sessions.filter(
    (s) =>
      (!options.problemsOnly || s.problems > 0) &&
      (text === '' ||
        s.key.toLowerCase().includes(text) ||
        s.component.toLowerCase().includes(text) ||
        (s.dialog !== undefined && s.dialog.toLowerCase().includes(text))),
  );
}

/** Sort figures of a group of sessions (a component, a dialog, or one session). */
interface GroupFigures {
  firstLine: number;
  problems: number;
  durationMs: number;
  name: string;
}

function figures(sessions: readonly SessionItem[], name: string): GroupFigures {
  let firstLine = Number.MAX_SAFE_INTEGER;
  let problems = 0;
  let durationMs = 0;
  for (const s of sessions) {
    firstLine = Math.min(firstLine, s.firstLine);
    problems += s.problems;
    // A group is as long as its longest member: the client has no normalised times to span them.
    durationMs = Math.max(durationMs, Number.isFinite(s.durationMs) ? s.durationMs : 0);
  }
  return { firstLine, problems, durationMs, name };
}

/** Order of groups: the chosen figure first (most problems, longest), then file order, then name. */
function compareFigures(sort: SessionSort): (a: GroupFigures, b: GroupFigures) => number {
  return (a, b) => {
    const primary = sort === 'problems' ? b.problems - a.problems : sort === 'duration' ? b.durationMs - a.durationMs : 0;
    return primary || a.firstLine - b.firstLine || a.name.localeCompare(b.name);
  };
}

/** Components → (dialogs →) sessions for the shown sessions, each level in the chosen order. */
export function buildSessionsTree(all: readonly SessionItem[], options: SessionsViewOptions): ComponentNode[] {
  const byComponent = new Map<string, SessionItem[]>();
  for (const s of visibleSessions(all, options)) {
    const list = byComponent.get(s.component);
    if (list) list.push(s);
    else byComponent.set(s.component, [s]);
  }
  const compare = compareFigures(options.sort);
  const components: ComponentNode[] = [];
  for (const [name, sessions] of byComponent) {
    const component: ComponentNode = { kind: 'component', name, children: [], sessions };
    const dialogs = new Map<string, DialogNode>();
    const ranked: { node: DialogNode | SessionNode; figures: GroupFigures }[] = [];
    for (const session of sessions) {
      if (session.dialog === undefined) {
        ranked.push({ node: { kind: 'session', session, parent: component }, figures: figures([session], session.key) });
        continue;
      }
      let dialog = dialogs.get(session.dialog);
      if (!dialog) {
        dialog = { kind: 'dialog', callId: session.dialog, parent: component, children: [], sessions: [] };
        dialogs.set(session.dialog, dialog);
        ranked.push({ node: dialog, figures: figures([], session.dialog) });
      }
      dialog.sessions.push(session);
      // The packets of a dialog stay in file order: a dialog is read as a conversation.
      dialog.children.push({ kind: 'session', session, parent: dialog });
    }
    for (const item of ranked) if (item.node.kind === 'dialog') item.figures = figures(item.node.sessions, item.node.callId);
    ranked.sort((a, b) => compare(a.figures, b.figures));
    component.children = ranked.map((r) => r.node);
    components.push(component);
  }
  return components
    .map((c) => ({ c, f: figures(c.sessions, c.name) }))
    .sort((a, b) => compare(a.f, b.f))
    .map((x) => x.c);
}


/** The description of a group of sessions (component or dialog). */
export function groupDescription(sessions: readonly SessionItem[], thing: string): string {
  const problems = sessions.reduce((n, s) => n + s.problems, 0);
  const parts = [plural(sessions.length, thing)];
  if (problems > 0) parts.push(describeProblems(problems));
  return parts.join(' · ');
}

/** The worst problem among sessions, for the group's icon. */
export function worstOf(sessions: readonly SessionItem[]): 'error' | 'warning' | undefined {
  let worst: 'error' | 'warning' | undefined;
  for (const s of sessions) {
    if (s.worst === 'error') return 'error';
    if (s.worst === 'warning' || (s.problems > 0 && !s.worst)) worst = 'warning';
  }
  return worst;
}

/**
 * Text for a keyed filter that finds a session's records (FORMATS §5: keyed filters remember the
 * session keys of the records whose body contains the text). Most keys are written in the body as
 * they are; computed keys are not, so their written part is used: an EMG span `(2)#1` → `(2)` (every
 * span of the instance), CommuniGate `queue:123` → `123`, `account:bob` → `bob`.
 */
export function sessionFilterText(key: string): string {
  const span = /^(\(.*\))#\d+$/.exec(key);
  if (span) return span[1];
  const computed = /^(?:queue|account|settings):(.+)$/.exec(key);
  if (computed) return computed[1];
  return key;
}
