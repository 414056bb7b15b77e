// Outline: components → sessions (→ SIP dialogs → packets for CommuniGate SIPDATA).
import type { DocumentSymbol } from 'vscode-languageserver';
import { SymbolKind } from 'vscode-languageserver';
import type { LogIndex } from '../engine';
import { headerRange, sessionRange } from './ranges';
import { sessionDetail } from './sessionText';

/**
 * Sessions beyond this many are left out of the outline (a final entry says how many): a 50 MB log
 * can hold hundreds of thousands, far more than an outline can show. The Sessions view lists all.
 */
export const MAX_OUTLINE_SESSIONS = 20_000;

export function documentSymbols(index: LogIndex, maxSessions = MAX_OUTLINE_SESSIONS): DocumentSymbol[] {
  const components = new Map<string, DocumentSymbol>();
  const dialogs = new Map<string, DocumentSymbol>();
  const sessionsPerComponent = new Map<DocumentSymbol, number>();
  const shown = Math.min(index.sessionCount, maxSessions);
  // Session ids are in order of first record, so children arrive in file order.
  for (let s = 0; s < shown; s++) {
    const componentName = index.componentOf(s);
    const range = sessionRange(index, s);
    const session: DocumentSymbol = {
      name: index.sessionKey(s),
      detail: sessionDetail(index, s),
      kind: SymbolKind.Event,
      range,
      selectionRange: headerRange(index, index.sessionFirst[s]),
    };
    let component = components.get(componentName);
    if (!component) {
      component = { name: componentName, kind: SymbolKind.Module, range, selectionRange: session.selectionRange, children: [] };
      components.set(componentName, component);
    }
    // The dialect's SIP packets of one dialog are grouped under `dialog <Call-ID>` inside their component.
    const dialog = componentName === index.dialect.dialogComponent ? index.sessionDialog.get(s) : undefined;
    const parent = dialog === undefined ? component : dialogSymbol(dialogs, component, dialog, session);
    parent.children!.push(session);
    sessionsPerComponent.set(component, (sessionsPerComponent.get(component) ?? 0) + 1);
    widen(parent, range);
    if (parent !== component) widen(component, range);
  }
  for (const [component, sessions] of sessionsPerComponent) component.detail = count(sessions, 'session');
  for (const dialog of dialogs.values()) dialog.detail = count(dialog.children!.length, 'packet');
  const out = [...components.values()];
  if (index.sessionCount > shown) {
    const lastLine = Math.max(0, index.lineCount - 1);
    const at = { start: { line: lastLine, character: 0 }, end: { line: lastLine, character: 0 } };
    out.push({
      name: `… ${index.sessionCount - shown} more sessions`,
      detail: 'see the Sessions view',
      kind: SymbolKind.Null,
      range: at,
      selectionRange: at,
    });
  }
  return out;
}

function dialogSymbol(dialogs: Map<string, DocumentSymbol>, component: DocumentSymbol, callId: string, first: DocumentSymbol): DocumentSymbol {
  let dialog = dialogs.get(callId);
  if (!dialog) {
    dialog = { name: `dialog ${callId}`, kind: SymbolKind.Namespace, range: first.range, selectionRange: first.selectionRange, children: [] };
    dialogs.set(callId, dialog);
    component.children!.push(dialog);
  }
  return dialog;
}

/** Parents must contain their children: stretch the range's end. */
function widen(symbol: DocumentSymbol, range: DocumentSymbol['range']): void {
  const end = symbol.range.end;
  if (range.end.line > end.line || (range.end.line === end.line && range.end.character > end.character)) {
    symbol.range = { start: symbol.range.start, end: range.end };
  }
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
