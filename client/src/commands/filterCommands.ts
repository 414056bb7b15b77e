// The filter commands (FORMATS §5, §14): Filter Records, Keyed Filter, Filter by Level, Filter by Time
// Interval, Keyed Filter on This Session, Filter This Result, Filter Out Session / Component, Go to
// Source Line. Without arguments they ask through one quick pick (text, with toggles for regular
// expression, ignore case, keyed, level, interval, exclusions and context, and the recent filters);
// with a FilterCommandArgs they run at once (scripts, keybindings, tests) and return the result's URI.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DIALECT_NAME_LIST } from '../../../common/dialects';
import { hasCondition } from '../../../common/filterQuery';
import type { FilterQueryParams, RecordInfoParams } from '../../../common/protocol';
import { Requests } from '../../../common/protocol';
import type { FilterDocuments } from '../documents/filterDocuments';
import { describeQuery } from '../documents/filterDocuments';
import { askContext, askExclusion, askInterval, askLevel, countShown } from './filterInputs';
import { baseName, complain, isLogDocument, reportFailure, serverUri, tell } from '../documents/logDocuments';
import { type ComponentNode, type DialogNode, type RecordNode, type SessionNode, sessionFilterText, sessionOf } from '../views/sessionsModel';

const HISTORY_KEY = 'messagingLogs.filterHistory';
const HISTORY_SIZE = 20;

/** Arguments of the filter commands: a query, and optionally the log (default: the active editor's). */
export interface FilterCommandArgs extends FilterQueryParams {
  uri?: vscode.Uri | string;
}

/** The quick pick's state between steps. */
interface FlowState {
  text: string;
  regex: boolean;
  ignoreCase: boolean;
  keyed: boolean;
  level?: string;
  from?: string;
  to?: string;
  /** Texts (patterns when `regex`) whose records are dropped. */
  excludes: string[];
  /** Neighbouring records shown around each hit. */
  context?: number;
}

type FlowItem = vscode.QuickPickItem & {
  action?: 'run' | 'regex' | 'ignoreCase' | 'keyed' | 'level' | 'interval' | 'exclude' | 'context' | 'history';
  query?: FilterQueryParams;
};

function onOff(on: boolean): string {
  return on ? 'on' : 'off';
}

function queryOf(state: FlowState): FilterQueryParams {
  const query: FilterQueryParams = state.regex ? { regex: state.text } : { text: state.text };
  if (state.ignoreCase) query.ignoreCase = true;
  if (state.keyed) query.keyed = true;
  if (state.level) query.level = state.level;
  if (state.from) query.from = state.from;
  if (state.to) query.to = state.to;
  if (state.excludes.length > 0) query[state.regex ? 'excludeRegexes' : 'excludeTexts'] = [...state.excludes];
  if (state.context !== undefined) query.context = state.context;
  return query;
}

/** The single-line text selected in the log's editor, if any: a likely exclusion. */
function selectedText(source: vscode.Uri): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.toString() !== source.toString() || editor.selection.isEmpty || !editor.selection.isSingleLine) return undefined;
  return editor.document.getText(editor.selection);
}

export function registerFilterCommands(client: LanguageClient, documents: FilterDocuments, state: vscode.Memento, sessionsLog: () => vscode.Uri | undefined): vscode.Disposable {
  function history(): FilterQueryParams[] {
    return state.get<FilterQueryParams[]>(HISTORY_KEY) ?? [];
  }

  async function remember(query: FilterQueryParams): Promise<void> {
    const key = JSON.stringify(query);
    const kept = history().filter((q) => JSON.stringify(q) !== key);
    await state.update(HISTORY_KEY, [query, ...kept].slice(0, HISTORY_SIZE));
  }

  /** The log to filter: `uri` when given (an open document, or a file the server reads), else the active log. */
  function logToFilter(uri: vscode.Uri | string | undefined): { uri: vscode.Uri; document?: vscode.TextDocument } | undefined {
    if (uri !== undefined) {
      const parsed = typeof uri === 'string' ? vscode.Uri.parse(uri) : uri;
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === parsed.toString());
      if (document || parsed.scheme === 'file') return { uri: parsed, document };
      complain(`Filter: ${parsed.toString(true)} is not an open log or a file.`);
      return undefined;
    }
    const editor = vscode.window.activeTextEditor;
    if (editor && isLogDocument(editor.document)) return { uri: editor.document.uri, document: editor.document };
    tell(`Filter: open a ${DIALECT_NAME_LIST} log first.`);
    return undefined;
  }

  function defaults(): FlowState {
    const config = vscode.workspace.getConfiguration('messagingLogs.filter');
    return { text: '', regex: false, ignoreCase: config.get<boolean>('ignoreCase', false), keyed: config.get<boolean>('keyed', false), excludes: [] };
  }

  /** One round of the quick pick: resolves to the chosen item, or undefined when dismissed. */
  function pickOnce(flow: FlowState, title: string, active?: FlowItem['action']): Promise<{ item: FlowItem; text: string } | undefined> {
    const pick = vscode.window.createQuickPick<FlowItem>();
    pick.title = title;
    pick.placeholder = 'Text to find in record bodies; Enter filters. Choose an option below to change it.';
    pick.value = flow.text;
    const build = (): void => {
      const text = pick.value;
      const query = queryOf({ ...flow, text });
      const canRun = text !== '' || flow.excludes.length > 0 || flow.level !== undefined || flow.from !== undefined || flow.to !== undefined;
      const items: FlowItem[] = [];
      const what = text !== '' ? `Filter: ${text}` : flow.excludes.length > 0 ? 'Filter: all records but the excluded' : 'Filter: all records';
      if (canRun) items.push({ label: `$(filter) ${what}`, description: describeQuery(query), action: 'run', alwaysShow: true });
      items.push(
        { label: 'Options', kind: vscode.QuickPickItemKind.Separator },
        { label: `$(regex) Regular expression: ${onOff(flow.regex)}`, description: 'match the text as a regular expression', action: 'regex', alwaysShow: true },
        { label: `$(case-sensitive) Ignore case: ${onOff(flow.ignoreCase)}`, action: 'ignoreCase', alwaysShow: true },
        { label: `$(key) Keyed: ${onOff(flow.keyed)}`, description: 'whole sessions of the matching records', action: 'keyed', alwaysShow: true },
        { label: `$(list-filter) Level: ${flow.level ?? 'any'}`, description: 'hide records more detailed than a level', action: 'level', alwaysShow: true },
        { label: `$(clock) Interval: ${flow.from || flow.to ? `${flow.from ?? 'start'} – ${flow.to ?? 'end'}` : 'whole log'}`, action: 'interval', alwaysShow: true },
        {
          label: `$(exclude) Exclude: ${flow.excludes.length > 0 ? flow.excludes.map((e) => `"${e}"`).join(', ') : 'nothing'}`,
          description: text !== '' ? `choose to exclude "${text}" instead of finding it` : 'drop records that hold a text (keyed: in the first pass)',
          action: 'exclude',
          alwaysShow: true,
        },
        { label: `$(unfold) Context: ${flow.context === undefined ? 'none' : `${flow.context} record${flow.context === 1 ? '' : 's'}`}`, description: 'records shown (dimmed) around each hit', action: 'context', alwaysShow: true },
      );
      const recent = history();
      if (recent.length > 0) items.push({ label: 'Recent filters', kind: vscode.QuickPickItemKind.Separator });
      for (const q of recent) items.push({ label: q.regex ?? q.text ?? q.texts?.[0] ?? q.regexes?.[0] ?? '', description: describeQuery(q), action: 'history', query: q });
      pick.items = items;
      // The toggle just used stays under the cursor (more toggling); otherwise Enter filters.
      const preferred = items.find((i) => i.action === (active ?? 'run')) ?? items.find((i) => i.action === 'run') ?? items.find((i) => i.action);
      if (preferred) pick.activeItems = [preferred];
    };
    build();
    return new Promise((resolve) => {
      let chosen: { item: FlowItem; text: string } | undefined;
      pick.onDidChangeValue(() => {
        active = 'run';
        build();
      });
      pick.onDidAccept(() => {
        const item = pick.activeItems[0];
        if (!item) return;
        chosen = { item, text: pick.value };
        pick.hide();
      });
      pick.onDidHide(() => {
        pick.dispose();
        resolve(chosen);
      });
      pick.show();
      countShown(pick);
    });
  }

  /** The whole flow: toggles and sub-steps until the user runs a query or gives up. */
  async function askQuery(flow: FlowState, source: vscode.Uri, languageId: string | undefined): Promise<FilterQueryParams | undefined> {
    let last: FlowItem['action'];
    for (;;) {
      const flags = [flow.regex && 'regex', flow.ignoreCase && 'ignore case', flow.keyed && 'keyed'].filter(Boolean).join(' · ');
      const step = await pickOnce(flow, `Filter ${baseName(source)}${flags ? ` (${flags})` : ''}`, last);
      if (!step) return undefined;
      flow.text = step.text;
      last = step.item.action === 'level' || step.item.action === 'interval' || step.item.action === 'exclude' || step.item.action === 'context' ? undefined : step.item.action;
      switch (step.item.action) {
        case 'run':
          return queryOf(flow);
        case 'history':
          return step.item.query;
        case 'regex':
        case 'ignoreCase':
        case 'keyed':
          flow[step.item.action] = !flow[step.item.action];
          break;
        case 'level': {
          const level = await askLevel(flow.level, languageId);
          if (level !== undefined) flow.level = level === '' ? undefined : level;
          break;
        }
        case 'interval': {
          const interval = await askInterval(flow.from, flow.to);
          if (interval) [flow.from, flow.to] = [interval.from, interval.to];
          break;
        }
        case 'exclude': {
          // Text typed above moves to the exclusions; else ask, offering the text selected in the log.
          if (flow.text !== '') {
            flow.excludes = [...flow.excludes, flow.text];
            flow.text = '';
            break;
          }
          const exclusion = await askExclusion(flow.excludes, flow.regex, selectedText(source));
          if (exclusion !== undefined) flow.excludes = exclusion === '' ? [] : [...flow.excludes, exclusion];
          break;
        }
        case 'context': {
          const context = await askContext(flow.context);
          if (context !== undefined) flow.context = context === '' ? undefined : context;
          break;
        }
      }
    }
  }

  /** Runs a query (asking for it when `args` has none), remembers it, opens the result. */
  async function filter(args: FilterCommandArgs | undefined, preset: Partial<FlowState> = {}, ask?: (flow: FlowState) => Promise<boolean>): Promise<vscode.Uri | undefined> {
    const source = logToFilter(args?.uri);
    if (!source) return undefined;
    const languageId = source.document?.languageId;
    let query: FilterQueryParams | undefined;
    if (args && hasCondition(args)) {
      const base = defaults();
      const { text, regex, ignoreCase, level, from, to, texts, regexes, excludeTexts, excludeRegexes, excludeSessions, excludeComponents, context } = args;
      const built: FilterQueryParams = regex !== undefined ? { regex } : text !== undefined ? { text } : {};
      for (const [name, list] of Object.entries({ texts, regexes, excludeTexts, excludeRegexes, excludeSessions, excludeComponents })) {
        if (list && list.length > 0) built[name as 'texts'] = [...list];
      }
      if (context !== undefined) built.context = context;
      if (ignoreCase ?? base.ignoreCase) built.ignoreCase = true;
      if (preset.keyed ?? args.keyed ?? base.keyed) built.keyed = true;
      if (level !== undefined && level !== '') built.level = String(level);
      if (from) built.from = from;
      if (to) built.to = to;
      query = built;
    } else {
      const flow: FlowState = { ...defaults(), ...preset };
      if (ask && !(await ask(flow))) return undefined;
      query = await askQuery(flow, source.uri, languageId);
    }
    if (!query) return undefined;
    // Only relative times (+5m) depend on the cursor; other queries give the same result from anywhere.
    const relative = [query.from, query.to].some((t) => t !== undefined && /^\s*[+-]/.test(t));
    const editor = vscode.window.activeTextEditor;
    const baseLine = relative && editor && editor.document.uri.toString() === source.uri.toString() ? editor.selection.active.line : undefined;
    const shown = await documents.show(source.uri, query, { language: languageId, baseLine });
    // Remembered once it worked: the recent filters rerun as they are, so a typo is no use there.
    if (shown) await remember(query);
    return shown?.uri;
  }

  /** Keyed filter on a session: from the Sessions view (a session or a SIP dialog), by key, or the session at the cursor. */
  async function filterSession(target?: SessionNode | DialogNode | { key: string; uri?: vscode.Uri | string }): Promise<vscode.Uri | undefined> {
    if (target && 'kind' in target) {
      // The Sessions view's log: a document, or a large log's file (the server reads it from disk).
      const log = sessionsLog();
      const text = target.kind === 'dialog' ? `Call-ID: ${target.callId}` : sessionFilterText(target.session.key);
      return filter({ text, keyed: true, ignoreCase: false, uri: log });
    }
    if (target) return filter({ text: sessionFilterText(target.key), keyed: true, ignoreCase: false, uri: target.uri });
    const editor = vscode.window.activeTextEditor;
    if (!editor || !isLogDocument(editor.document)) return filter(undefined);
    const params: RecordInfoParams = { uri: serverUri(client, editor.document.uri), line: editor.selection.active.line };
    const info = await client.sendRequest(Requests.recordInfo, params);
    if (!info.sessionKey) {
      tell('Keyed Filter on This Session: the cursor is not on a record.');
      return undefined;
    }
    return filter({ text: sessionFilterText(info.sessionKey), keyed: true, ignoreCase: false });
  }

  /** Filter This Result…: a filter inside a filter result (the active one, or `args.uri`), stacked on it. */
  async function filterResult(args?: FilterCommandArgs): Promise<vscode.Uri | undefined> {
    const target = args?.uri ?? vscode.window.activeTextEditor?.document.uri;
    const uri = typeof target === 'string' ? vscode.Uri.parse(target) : target;
    if (!uri || !documents.isResult(uri)) {
      tell('Filter This Result: use it in a filter result (Messaging Logs: Filter Records…).');
      return undefined;
    }
    return filter({ ...(args ?? {}), uri });
  }

  /**
   * Filter Out Session / Component: every record but those of a session (or of a component's
   * sessions), from a Sessions-view item or the record at the cursor; inside a filter result, stacked.
   */
  async function filterOut(what: 'session' | 'component', target?: SessionNode | RecordNode | ComponentNode | { key?: string; component?: string; uri?: vscode.Uri | string }): Promise<vscode.Uri | undefined> {
    let key: string | undefined;
    let component: string | undefined;
    let uri: vscode.Uri | string | undefined;
    if (target && 'kind' in target) {
      uri = sessionsLog();
      if (target.kind === 'component') component = target.name;
      else {
        const session = target.kind === 'session' ? target.session : sessionOf(target);
        [key, component] = [session.key, session.component];
      }
    } else if (target) {
      ({ key, component, uri } = target);
    } else {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !isLogDocument(editor.document)) {
        tell(`Filter Out ${what === 'session' ? 'Session' : 'Component'}: put the cursor on a record of a log, or use the Log Sessions view.`);
        return undefined;
      }
      const params: RecordInfoParams = { uri: serverUri(client, editor.document.uri), line: editor.selection.active.line };
      const info = await client.sendRequest(Requests.recordInfo, params);
      [key, component, uri] = [info.sessionKey, info.component, editor.document.uri];
    }
    const dropped = what === 'session' ? key : component;
    if (dropped === undefined) {
      tell(`Filter Out ${what === 'session' ? 'Session' : 'Component'}: the cursor is not on a record.`);
      return undefined;
    }
    return filter(what === 'session' ? { excludeSessions: [dropped], uri } : { excludeComponents: [dropped], uri });
  }

  const command = <A extends unknown[], R>(id: string, action: string, run: (...args: A) => Promise<R>) =>
    vscode.commands.registerCommand(id, (...args: A) => run(...args).catch(reportFailure(action)));

  const subscriptions = [
    command('messagingLogs.filter', 'Filter Records', (args?: FilterCommandArgs) => filter(args)),
    command('messagingLogs.keyedFilter', 'Keyed Filter', (args?: FilterCommandArgs) => filter(args, { keyed: true })),
    command('messagingLogs.filterByLevel', 'Filter by Level', (args?: FilterCommandArgs) =>
      filter(args, {}, async (flow) => {
        const level = await askLevel(undefined, vscode.window.activeTextEditor?.document.languageId);
        if (!level) return false;
        flow.level = level;
        return true;
      }),
    ),
    command('messagingLogs.filterByInterval', 'Filter by Time Interval', (args?: FilterCommandArgs) =>
      filter(args, {}, async (flow) => {
        const interval = await askInterval(undefined, undefined);
        if (!interval) return false;
        [flow.from, flow.to] = [interval.from, interval.to];
        return true;
      }),
    ),
    command('messagingLogs.filterSession', 'Keyed Filter on This Session', filterSession),
    command('messagingLogs.filterResult', 'Filter This Result', filterResult),
    command('messagingLogs.filterOutSession', 'Filter Out Session', (target?: Parameters<typeof filterOut>[1]) => filterOut('session', target)),
    command('messagingLogs.filterOutComponent', 'Filter Out Component', (target?: Parameters<typeof filterOut>[1]) => filterOut('component', target)),
    command('messagingLogs.goToSourceLine', 'Go to Source Line', (uri?: vscode.Uri, line?: number) => documents.goToSourceLine(uri, line)),
  ];
  return vscode.Disposable.from(...subscriptions);
}

