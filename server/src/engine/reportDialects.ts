// What each dialect's administrators count (FORMATS §12), under the names docs/BEHAVIOUR.md lists:
// one counter per dialect, fed every record of the logs of that dialect. Only records of the
// components a counter cares about have their text read.
import { textColumn } from './bytes';
import { splitRow } from './dialects/privateServer';
import type { LogIndex } from './logIndex';
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

/** The counter of a dialect, registered in `byDialect` under the dialect id on first use. */
export function dialectCounter(id: DialectId, byDialect: Partial<Record<string, DialectCounts>>): DialectCounter | undefined {
  const make = COUNTERS[id];
  const existing = COUNTER_OF.get(byDialect)?.get(id);
  if (existing) return existing;
  const [counts, counter] = make();
  byDialect[id] = counts;
  let map = COUNTER_OF.get(byDialect);
  if (!map) COUNTER_OF.set(byDialect, (map = new Map()));
  map.set(id, counter);
  return counter;
}
const COUNTER_OF = new WeakMap<object, Map<string, DialectCounter>>();

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
        if (event === 'RECEIVE') status === 'OK' ? row.receiveOk++ : row.receiveErr++;
        else status === 'OK' ? row.sendOk++ : row.sendErr++;
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

const COUNTERS: Record<DialectId, () => [DialectCounts, DialectCounter]> = {
  'communigate-log': communigate,
  'emg-log': emg,
  'axigen-log': services(false),
  'messaging-server-log': services(true),
  'privateserver-log': privateServer,
};
