// What each dialect's administrators count (FORMATS §12), under the names docs/BEHAVIOUR.md lists:
// one counter per dialect, fed every record of the logs of that dialect. Only records of the
// components a counter cares about have their text read.
import { textColumn } from './bytes';
import { dialectById } from './dialects';
import { splitRow } from './dialects/privateServerTables';
import type { LogIndex } from './logIndex';
import type { ReportRowFilter, ReportTable } from './reportTables';
import type { DialectId } from './types';

/** A name and how many: the rows of every per-dialect table, most first. */
export interface NamedCount {
  name: string;
  count: number;
}

export interface CommunigateCounts {
  /** Access log: `login` and `failure` records per account. */
  logins: { account: string; logins: number; failures: number }[];
  /** Delivery log: records by state (RELAY, FINAL, TMPER, ERROR). */
  deliveries: NamedCount[];
  /** Delivery log: the domains of the original recipients, the 20 most frequent. */
  recipientDomains: NamedCount[];
  /** SIPDATA `req` lines by method. */
  sipRequests: NamedCount[];
  /** SIPDATA `rsp` lines by status class (`2xx`). */
  sipResponses: NamedCount[];
}

export interface EmgCounts {
  /** Per connector log (file) and instance: RECEIVE and SEND entries by status. */
  connectors: { connector: string; receiveOk: number; receiveErr: number; sendOk: number; sendErr: number }[];
  /** `info` of ERR entries (the connector's error code or text), most frequent first. */
  errorCodes: NamedCount[];
}

export interface ServiceCounts {
  /** Axigen: per service (SMTP-IN, IMAP…); Messaging Server: per process (imapd…). */
  services: { service: string; records: number; problems: number }[];
  /** Messaging Server: records per category (Account, Protocol…). */
  categories?: NamedCount[];
}

export interface PrivateServerCounts {
  /** CDR rows by disposition (ANSWERED, FAILED, BUSY, NO_ANSWER). */
  dispositions: NamedCount[];
  /** CDR calls and their summed durations (seconds) per source number. */
  durations: { source: string; calls: number; seconds: number }[];
  /** Authentication events whose type is FAIL_*, per principal. */
  authFailures: NamedCount[];
}

export type DialectCounts = CommunigateCounts | EmgCounts | ServiceCounts | PrivateServerCounts;

export interface DialectCounter {
  /** Counts record `r` of a log of this dialect; `component` is its session's component. */
  add(index: LogIndex, r: number, file: string, component: string): void;
}

const TOP = 20;

/** A new counter of a dialect, and the counts it fills (read them once every record was added). */
export function dialectCounter(id: DialectId): [DialectCounts, DialectCounter] {
  return DIALECT_REPORTS[id].create();
}

/** A dialect's counts as titled tables, rows with the filter that finds their records. */
export function dialectTables(id: DialectId, counts: DialectCounts): ReportTable[] {
  return DIALECT_REPORTS[id].tables(counts, dialectById(id)?.name ?? id, id);
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function named(id: string, title: string, what: string, rows: NamedCount[], filter?: (name: string) => ReportRowFilter): ReportTable {
  return { id, title, columns: [what, 'count'], rows: rows.map((r) => ({ cells: [r.name, r.count], ...(filter ? { filter: filter(r.name) } : {}) })) };
}

/** The record's first line from its body on (no timestamp, no level marker). */
function bodyLine(index: LogIndex, r: number): string {
  const line = index.headerLine(r);
  return line.slice(Math.min(line.length, textColumn(line, index.recBodyCol[r])));
}

/** Adds one to `name` in a table kept sorted by the caller at the end. */
function bump(table: NamedCount[], map: Map<string, NamedCount>, name: string, by = 1): void {
  let row = map.get(name);
  if (!row) {
    row = { name, count: 0 };
    map.set(name, row);
    table.push(row);
  }
  row.count += by;
}

/** A table of named counts that sorts itself (most first) whenever it is read. */
function namedTable(limit = Infinity): { rows: NamedCount[]; add(name: string, by?: number): void } {
  const all: NamedCount[] = [];
  const map = new Map<string, NamedCount>();
  const rows: NamedCount[] = [];
  return {
    get rows() {
      rows.length = 0;
      rows.push(...[...all].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)).slice(0, limit));
      return rows;
    },
    add: (name, by = 1) => bump(all, map, name, by),
  };
}

/** Rows kept by key, sorted on read by `order`. */
function keyedRows<T>(make: (key: string) => T, order: (a: T, b: T) => number): { row(key: string): T; readonly rows: T[] } {
  const map = new Map<string, T>();
  return {
    row(key) {
      let row = map.get(key);
      if (!row) map.set(key, (row = make(key)));
      return row;
    },
    get rows() {
      return [...map.values()].sort(order);
    },
  };
}

const SIP_WIRE = /^\S+ (?:inp|out):\+? ?(req|rsp) \S+ \S+ (?:(\d)\d\d-)?([A-Za-z]+)/;

function communigate(): [CommunigateCounts, DialectCounter] {
  const logins = keyedRows((account) => ({ account, logins: 0, failures: 0 }), (a, b) => b.failures - a.failures || b.logins - a.logins || a.account.localeCompare(b.account));
  const deliveries = namedTable();
  const domains = namedTable(TOP);
  const requests = namedTable();
  const responses = namedTable();
  const counts = {
    get logins() { return logins.rows; },
    get deliveries() { return deliveries.rows; },
    get recipientDomains() { return domains.rows; },
    get sipRequests() { return requests.rows; },
    get sipResponses() { return responses.rows; },
  } as CommunigateCounts;
  const counter: DialectCounter = {
    add(index, r, _file, component) {
      if (component === 'SIPDATA') {
        const m = SIP_WIRE.exec(bodyLine(index, r));
        if (m && m[1] === 'req') requests.add(m[3].toUpperCase());
        else if (m && m[2]) responses.add(`${m[2]}xx`);
      } else if (component === 'queue' || component === 'account') {
        const f = bodyLine(index, r).split('\t');
        if (component === 'queue' && f.length > 1) {
          deliveries.add(f[1]);
          const rcpt = (f[10] ?? '').replace(/^<|>$/g, '');
          const at = rcpt.lastIndexOf('@');
          if (at >= 0) domains.add(rcpt.slice(at + 1).toLowerCase());
        } else if (component === 'account' && (f[1] === 'login' || f[1] === 'failure') && f[2]) {
          const row = logins.row(f[2]);
          if (f[1] === 'login') row.logins++;
          else row.failures++;
        }
      }
    },
  };
  return [counts, counter];
}

const EMG_EVENT = /^\(([^()\s]*)\) ([A-Z]+) (OK|ERR)\b(?: \(([^)]*)\))?/;

function emg(): [EmgCounts, DialectCounter] {
  const connectors = keyedRows((connector) => ({ connector, receiveOk: 0, receiveErr: 0, sendOk: 0, sendErr: 0 }), (a, b) => a.connector.localeCompare(b.connector));
  const errors = namedTable(TOP);
  const counts = {
    get connectors() { return connectors.rows; },
    get errorCodes() { return errors.rows; },
  } as EmgCounts;
  const counter: DialectCounter = {
    add(index, r, file) {
      const m = EMG_EVENT.exec(bodyLine(index, r));
      if (!m) return;
      const [, instance, event, status, info] = m;
      if (event === 'RECEIVE' || event === 'SEND') {
        const row = connectors.row(`${baseName(file)} (${instance})`);
        const ok = status === 'OK';
        if (event === 'RECEIVE' && ok) row.receiveOk++;
        else if (event === 'RECEIVE') row.receiveErr++;
        else if (ok) row.sendOk++;
        else row.sendErr++;
      }
      if (status === 'ERR') {
        const code = /(?:^|,)info="?([^",]*)"?/.exec(info ?? '')?.[1];
        errors.add(`${event} ${code || '(no info)'}`);
      }
    },
  };
  return [counts, counter];
}

const MS_CATEGORY = /^\S*\s*([A-Za-z]+) (?:Catastrophe|Critical|Error|Warning|Notice|Information|Debug):/;

function services(categoriesToo: boolean): () => [ServiceCounts, DialectCounter] {
  return () => {
    const rows = keyedRows((service) => ({ service, records: 0, problems: 0 }), (a, b) => b.records - a.records || a.service.localeCompare(b.service));
    const categories = namedTable();
    const counts = { get services() { return rows.rows; } } as ServiceCounts;
    // A getter, so that the counts are read when the report is (a spread would copy them now).
    if (categoriesToo) Object.defineProperty(counts, 'categories', { get: () => categories.rows, enumerable: true });
    const counter: DialectCounter = {
      add(index, r, _file, component) {
        const row = rows.row(component);
        row.records++;
        if (index.isProblem(r)) row.problems++;
        if (categoriesToo) {
          // The body starts with `PROCESS[PID]: Category Level:`.
          const body = bodyLine(index, r);
          const m = MS_CATEGORY.exec(body.slice(body.indexOf(':') + 1));
          if (m) categories.add(m[1]);
        }
      },
    };
    return [counts, counter];
  };
}

function privateServer(): [PrivateServerCounts, DialectCounter] {
  const dispositions = namedTable();
  const durations = keyedRows((source) => ({ source, calls: 0, seconds: 0 }), (a, b) => b.seconds - a.seconds || a.source.localeCompare(b.source));
  const failures = namedTable(TOP);
  const counts = {
    get dispositions() { return dispositions.rows; },
    get durations() { return durations.rows; },
    get authFailures() { return failures.rows; },
  } as PrivateServerCounts;
  const counter: DialectCounter = {
    add(index, r, _file, component) {
      if (component === 'CDR') {
        // Call Date, Src, Dst, Duration, Disposition.
        const cells = splitRow(index.headerLine(r), 5).map((c) => c.trim());
        if (cells.length < 5) return;
        dispositions.add(cells[4]);
        const row = durations.row(cells[1]);
        row.calls++;
        row.seconds += Number(cells[3].replace(/,/g, '')) || 0;
      } else if (component === 'Authentication events') {
        // Date Created, Event Type, Principal, IP Address.
        const cells = splitRow(index.headerLine(r), 4).map((c) => c.trim());
        if (cells[1]?.startsWith('FAIL') && cells[2]) failures.add(cells[2]);
      }
    },
  };
  return [counts, counter];
}

function baseName(file: string): string {
  return file.replace(/^.*[\\/]/, '');
}

interface DialectReport {
  create(): [DialectCounts, DialectCounter];
  tables(counts: DialectCounts, name: string, id: DialectId): ReportTable[];
}

const DIALECT_REPORTS: Record<DialectId, DialectReport> = {
  'communigate-log': {
    create: communigate,
    tables: (counts, name, id) => {
      const c = counts as CommunigateCounts;
      return [
        { id: `${id}.logins`, title: `${name}: logins per account`, columns: ['account', 'logins', 'failed'], rows: c.logins.map((l) => ({ cells: [l.account, l.logins, l.failures], filter: { regex: `\\t(?:login|failure)\\t${escapeRegex(l.account)}\\t` } })) },
        named(`${id}.deliveries`, `${name}: deliveries by state`, 'state', c.deliveries, (s) => ({ regex: `^01\\t${escapeRegex(s)}\\t` })),
        named(`${id}.recipientDomains`, `${name}: top recipient domains`, 'domain', c.recipientDomains, (d) => ({ regex: `^01\\t(?:[^\\t]*\\t){9}<?[^\\t@]*@${escapeRegex(d)}>?\\t`, ignoreCase: true })),
        named(`${id}.sipRequests`, `${name}: SIP requests by method`, 'method', c.sipRequests, (m) => ({ regex: `^SIPDATA-\\d+ (?:inp|out): req \\S+ \\S+ ${escapeRegex(m)}\\(` })),
        named(`${id}.sipResponses`, `${name}: SIP responses by class`, 'class', c.sipResponses, (k) => ({ regex: `^SIPDATA-\\d+ (?:inp|out): rsp \\S+ \\S+ ${k[0]}\\d\\d-` })),
      ];
    },
  },
  'emg-log': {
    create: emg,
    tables: (counts, name, id) => {
      const c = counts as EmgCounts;
      return [
        {
          id: `${id}.connectors`,
          title: `${name}: RECEIVE and SEND per connector`,
          columns: ['connector (instance)', 'RECEIVE OK', 'RECEIVE ERR', 'SEND OK', 'SEND ERR'],
          rows: c.connectors.map((k) => ({ cells: [k.connector, k.receiveOk, k.receiveErr, k.sendOk, k.sendErr], filter: { text: `(${/\(([^()]*)\)$/.exec(k.connector)?.[1] ?? ''}) ` } })),
        },
        named(`${id}.errorCodes`, `${name}: errors`, 'event and info', c.errorCodes, (e) => ({ regex: `${escapeRegex(e.split(' ')[0])} ERR\\b.*${escapeRegex(e.slice(e.indexOf(' ') + 1))}` })),
      ];
    },
  },
  'axigen-log': { create: services(false), tables: serviceTables('service', (s) => ` ${s}:`) },
  'messaging-server-log': { create: services(true), tables: serviceTables('process', (s) => `${s}[`) },
  'privateserver-log': {
    create: privateServer,
    tables: (counts, name, id) => {
      const c = counts as PrivateServerCounts;
      return [
        named(`${id}.dispositions`, `${name}: CDR dispositions`, 'disposition', c.dispositions, (d) => ({ regex: `[,\\t]${escapeRegex(d)}\\s*$` })),
        { id: `${id}.durations`, title: `${name}: call durations per source`, columns: ['source', 'calls', 'seconds'], rows: c.durations.map((d) => ({ cells: [d.source, d.calls, d.seconds] })) },
        named(`${id}.authFailures`, `${name}: authentication failures per principal`, 'principal', c.authFailures, (p) => ({ regex: `FAIL_\\w*[,\\t]${escapeRegex(p)}[,\\t]` })),
      ];
    },
  },
};

/** Tables of per-service (or per-process) counts; `text` is what a record of that service writes. */
function serviceTables(what: string, text: (service: string) => string): DialectReport['tables'] {
  return (counts, name, id) => {
    const c = counts as ServiceCounts;
    const tables: ReportTable[] = [{ id: `${id}.services`, title: `${name}: records per ${what}`, columns: [what, 'records', 'problems'], rows: c.services.map((s) => ({ cells: [s.service, s.records, s.problems], filter: { text: text(s.service) } })) }];
    if (c.categories) tables.push(named(`${id}.categories`, `${name}: records per category`, 'category', c.categories, (k) => ({ regex: `\\]: ${escapeRegex(k)} [A-Za-z]+:` })));
    return tables;
  };
}
