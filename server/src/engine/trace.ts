// Tracing a message (FORMATS §10): every record that handled one message, across components,
// sessions, files and sources, in merged order.
import { TRACEABLE_DIALECT_IDS } from '../../../common/dialects';
import { runFilter } from './filters';
import type { LogIndex } from './logIndex';
import type { LogSet } from './logSet';
import { sessionRecords } from './navigation';
import { LogInputError } from './types';

export interface TraceOptions {
  /** Add the whole sessions of the records found (sessions whose key carries a number). */
  sessions?: boolean;
}

export interface TraceResult {
  /** Merged positions of the records, in merged order. */
  positions: Uint32Array;
  /** CommuniGate queue ids the ID resolved to (the ID itself for a queue id). */
  queueIds: string[];
}

/** An ID that cannot be traced, or logs that cannot be traced (their dialect keeps no message ids). */
export class TraceError extends LogInputError {}

const TRACEABLE = new Set<string>(TRACEABLE_DIALECT_IDS);

export function traceMessage(set: LogSet, rawId: string, options: TraceOptions = {}): TraceResult {
  const id = rawId.trim();
  if (id === '') throw new TraceError('trace needs an ID: a queue id, Message-ID, e-mail address, EMG message id or phone number');
  for (const s of set.sources) {
    if (!TRACEABLE.has(s.index.dialect.id)) {
      throw new TraceError(`trace reads CommuniGate Pro and EMG logs only; ${s.name} is ${s.index.dialect.name} (${s.index.dialect.id})`);
    }
  }
  const marks = set.sources.map((s) => new Uint8Array(s.index.recordCount));
  const cg = set.sources.map((s, i) => (s.index.dialect.id === 'communigate-log' ? i : -1)).filter((i) => i >= 0);
  const queueIds = cg.length > 0 ? resolveQueueIds(set, cg, id) : [];
  for (const i of cg) markQueue(set.sources[i].index, queueIds, marks[i]);
  set.sources.forEach((s, i) => {
    if (s.index.dialect.id === 'emg-log') markEmg(s.index, id, marks[i]);
  });
  if (options.sessions) {
    set.sources.forEach((s, i) => addNumberedSessions(s.index, marks[i]));
  }
  let n = 0;
  for (const m of marks) for (let r = 0; r < m.length; r++) n += m[r];
  const positions = new Uint32Array(n);
  let p = 0;
  marks.forEach((m, s) => {
    const rank = set.order.rank[s];
    for (let r = 0; r < m.length; r++) if (m[r]) positions[p++] = rank[r];
  });
  positions.sort();
  return { positions, queueIds };
}

/** `4411`, `[4411]`, a Message-ID (`<…>` or bare) or an e-mail address → the queue ids of the message(s). */
function resolveQueueIds(set: LogSet, cg: number[], id: string): string[] {
  const bracketed = /^\[(\d+)\]$/.exec(id);
  if (bracketed) return [bracketed[1]];
  if (/^\d+$/.test(id)) return [id];
  const bare = id.replace(/^<(.*)>$/, '$1');
  const lower = bare.toLowerCase();
  const found = new Set<string>();
  for (const i of cg) {
    const ix = set.sources[i].index;
    // Delivery-log records: 01 state returnPath from auth submit localIP queueID messageID size origRecipient target report.
    for (let s = 0; s < ix.sessionCount; s++) {
      if (!ix.sessionKey(s).startsWith('queue:')) continue;
      for (const r of sessionRecords(ix, s)) {
        const f = deliveryFields(ix, r);
        if (f.length < 9) continue;
        const strip = (v: string | undefined): string => (v ?? '').replace(/^<(.*)>$/, '$1').toLowerCase();
        const isMessageId = strip(f[8]) === lower;
        const isAddress = [f[2], f[3], f[10]].some((v) => strip(v) === lower) || (f[11] ?? '').toLowerCase().includes(lower);
        if ((isMessageId || isAddress) && f[7]) found.add(f[7]);
      }
    }
    // Main-log records that name it: a Message-ID next to a queue id, or `QUEUE([ID]) from <address>`.
    const hits = runFilter(ix, { text: bare, ignoreCase: true });
    for (const item of hits.items) {
      if (item.kind !== 'record') continue;
      const r = item.record;
      const key = ix.sessionKey(ix.recSession[r]);
      if (key.startsWith('queue:')) continue;
      // `QUEUE([4411]) from <address>`, or another component's record naming it next to the queue id
      // it got (`SMTPI-000012([…]) [4411] Message-ID: <…>`).
      const queue = /^QUEUE\(\[(\d+)\]\)$/.exec(key);
      if (queue) found.add(queue[1]);
      else for (const m of ix.body(r).matchAll(/\[(\d+)\]/g)) found.add(m[1]);
    }
  }
  return [...found].sort((a, b) => Number(a) - Number(b));
}

function deliveryFields(ix: LogIndex, r: number): string[] {
  const line = ix.headerLine(r);
  const body = line.slice(ix.recBodyCol[r]);
  return body.split('\t');
}

/** Records mentioning `[ID]` (the key `QUEUE([ID])` included) and Delivery-log records of queueID ID. */
function markQueue(ix: LogIndex, queueIds: string[], mark: Uint8Array): void {
  for (const q of queueIds) {
    for (const item of runFilter(ix, { text: `[${q}]` }).items) if (item.kind === 'record') mark[item.record] = 1;
    const s = ix.keys.find(`queue:${q}`);
    if (s >= 0) for (const r of sessionRecords(ix, s)) mark[r] = 1;
  }
}

/** Connector entries carrying `001:ID` (the EMG message id), or a phone number as option 2 or 8. */
function markEmg(ix: LogIndex, rawId: string, mark: Uint8Array): void {
  const id = rawId.replace(/^0*1:/, '');
  const option = new RegExp(`(?:^|\\s)(00[128]):${escapeRegex(id)}(?=\\s|$)`);
  for (const item of runFilter(ix, { text: `:${id}` }).items) {
    if (item.kind !== 'record') continue;
    const m = option.exec(ix.headerLine(item.record));
    if (m && (m[1] === '001' || !rawId.includes(':'))) mark[item.record] = 1;
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A session key that names one connection or one message (`IMAP-000012`, `QUEUE([4411])`, EMG spans). */
function isNumberedSession(key: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*-\d+$/.test(key) || /^QUEUE\(\[\d+\]\)$/.test(key) || /^queue:\d+$/.test(key) || /^\([^()]*\)#\d+$/.test(key);
}

function addNumberedSessions(ix: LogIndex, mark: Uint8Array): void {
  const done = new Uint8Array(ix.sessionCount);
  for (let r = 0; r < mark.length; r++) {
    if (!mark[r]) continue;
    const s = ix.recSession[r];
    if (done[s]) continue;
    done[s] = 1;
    if (!isNumberedSession(ix.sessionKey(s))) continue;
    for (const x of sessionRecords(ix, s)) mark[x] = 1;
  }
}
