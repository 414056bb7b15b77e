// The dialect registry: what the client, the server and the command line all know about the five
// dialects without reading a log (ids, names, language ids, level names, severities). The engine's
// parsers live in server/src/engine/dialects/, one file per dialect, with the same ids and names (a
// unit test holds them, package.json's languages and its `when` clauses to this list).

/** CommuniGate Pro's level names, indexed by the written digit 0–5; usable as level thresholds in every dialect. */
export const COMMUNIGATE_LEVEL_NAMES = ['Crash', 'Failure', 'Major', 'Problems', 'Low Level', 'All Info'] as const;

/**
 * One entry per dialect, in the order pickers and help texts list them. `digitLevels`: the written
 * levels are digits 0–5 with these names, offered as level thresholds. `traceEntry`: a header line
 * where a message enters the server, its id in group 1 (message traces start there, FORMATS §10);
 * only dialects that keep message ids have one. `sipDialogs`: its logs record SIP packets by dialog (the SIP ladder).
 * `connections`: a session (a process) serves many client connections (`[ip:port]`), listed one by one
 * in the Sessions view. `tables`: its logs are tables exported from a console, whose columns are aligned.
 */
export const DIALECT_REGISTRY = [
  { id: 'communigate-log', name: 'CommuniGate Pro', digitLevels: COMMUNIGATE_LEVEL_NAMES, sipDialogs: true, traceEntry: /^\S+ \d QUEUE\(\[(\d+)\]\)/ },
  {
    id: 'emg-log',
    name: 'EMG',
    traceEntry: /^(?:\d{4}-\d\d-\d\d|[A-Z][a-z]{2} {1,2}\d{1,2}) \S+ \([^()]*\) RECEIVE \w+.*?(?:^|\s)001:(\S+)/,
  },
  { id: 'axigen-log', name: 'Axigen' },
  { id: 'messaging-server-log', name: 'Messaging Server', connections: true },
  { id: 'privateserver-log', name: 'PrivateServer', tables: true },
] as const;

/** A dialect id, which is also the VS Code language id of its logs. */
export type DialectId = (typeof DIALECT_REGISTRY)[number]['id'];

export const DIALECT_IDS: readonly DialectId[] = DIALECT_REGISTRY.map((d) => d.id);

/** Human names ("CommuniGate Pro"), as pickers, the status bar and hovers show them. */
export const DIALECT_NAMES = Object.fromEntries(DIALECT_REGISTRY.map((d) => [d.id, d.name])) as Record<DialectId, string>;

/** The names of a dialect's written level digits, when its levels are digits (CommuniGate Pro). */
export function digitLevelNames(id: string): readonly string[] | undefined {
  const entry: { id: string; digitLevels?: readonly string[] } | undefined = DIALECT_REGISTRY.find((d) => d.id === id);
  return entry?.digitLevels;
}

/** Where a message enters a log of this dialect (its id in group 1), when the dialect keeps message ids. */
export function traceEntryPattern(id: string): RegExp | undefined {
  const entry: { id: string; traceEntry?: RegExp } | undefined = DIALECT_REGISTRY.find((d) => d.id === id);
  return entry?.traceEntry;
}

/** Dialects whose logs record SIP packets by dialog (Call-ID), which the SIP ladder draws. */
export const SIP_DIALECT_IDS: readonly DialectId[] = DIALECT_REGISTRY.filter((d) => 'sipDialogs' in d && d.sipDialogs).map((d) => d.id);

/** Whether a dialect's sessions serve many client connections, listed one by one (Messaging Server processes). */
export function hasConnections(id: string): boolean {
  return DIALECT_REGISTRY.some((d) => d.id === id && 'connections' in d && d.connections);
}

/** Whether a dialect's logs are tables exported from a console, shown with aligned columns. */
export function isTableDialect(id: string): boolean {
  return DIALECT_REGISTRY.some((d) => d.id === id && 'tables' in d && d.tables);
}

/** Dialects whose logs keep message ids, so that a message can be traced through them. */
export const TRACEABLE_DIALECT_IDS: readonly DialectId[] = DIALECT_IDS.filter((id) => traceEntryPattern(id) !== undefined);

/** The dialects' names as a sentence: `CommuniGate Pro, EMG, Axigen, Messaging Server or PrivateServer`. */
export const DIALECT_NAME_LIST = `${DIALECT_REGISTRY.slice(0, -1)
  .map((d) => d.name)
  .join(', ')} or ${DIALECT_REGISTRY[DIALECT_REGISTRY.length - 1].name}`;

export function isDialectId(id: string): id is DialectId {
  return (DIALECT_IDS as readonly string[]).includes(id);
}

/** The language ids of the extension's log documents: one per dialect, named as the dialect. */
export const LOG_LANGUAGE_IDS = DIALECT_IDS;
export type LogLanguageId = DialectId;

/** Language ids whose documents the server inspects and, when it recognises a dialect, reports it. */
export const DETECTABLE_LANGUAGE_IDS = ['log', 'plaintext'] as const;

/**
 * Context key holding LOG_LANGUAGE_IDS, set by the client when it starts: package.json's `when`
 * clauses say `editorLangId in messagingLogs.logLanguages` instead of repeating a list of ids.
 */
export const LOG_LANGUAGES_CONTEXT_KEY = 'messagingLogs.logLanguages';
/** The `when` clause of commands that need a log editor. */
export const LOG_EDITOR_WHEN = `editorLangId in ${LOG_LANGUAGES_CONTEXT_KEY}`;
/** Context key holding TRACEABLE_DIALECT_IDS (the trace command's `when` clauses). */
export const TRACEABLE_LANGUAGES_CONTEXT_KEY = 'messagingLogs.traceableLanguages';
/** Context key holding SIP_DIALECT_IDS (the SIP ladder command's `when` clauses). */
export const SIP_LANGUAGES_CONTEXT_KEY = 'messagingLogs.sipLanguages';

/** Normalised severities, most severe first (the engine's Severity enum is the index here). */
export const SEVERITY_NAMES = ['critical', 'error', 'warning', 'info', 'debug', 'trace'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];


/** Words accepted for the severities in level thresholds, besides the names themselves. */
export const SEVERITY_ALIASES: Readonly<Record<string, SeverityName>> = {
  fatal: 'critical',
  crit: 'critical',
  err: 'error',
  warn: 'warning',
  information: 'info',
  notice: 'info',
};
