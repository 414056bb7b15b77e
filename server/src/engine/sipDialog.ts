// SIP dialogs of CommuniGate logs (FORMATS §11): the SIPDATA packets that carry one Call-ID, each
// read into direction, transport, remote address, method or status, CSeq and start line.
import type { LogIndex } from './logIndex';
import { mergeByTime, placeOf, recordsContaining } from './pictureLogs';
import type { PictureLog } from './pictureLogs';
import { sessionRecords } from './navigation';
import { SEVERITY_NAMES } from './types';
import type { SipPacketFields } from '../../../common/pictureTypes';

export interface SipPacket extends SipPacketFields {
  /** Position of the packet's log in the list given (PictureLog). */
  fileIndex: number;
  /** The log's name as given. */
  file: string;
}

export interface SipDialog {
  callId: string;
  packets: SipPacket[];
  /** Session keys the packets cross-reference and those whose records name the Call-ID, first seen first. */
  related: string[];
}

/** The packet sessions (SIPDATA) of one Call-ID in one log, in order of first record. */
export function dialogSessions(index: LogIndex, callId: string): number[] {
  return index.sessionDialog.sessionsWith(callId).sort((a, b) => index.sessionFirst[a] - index.sessionFirst[b]);
}

/** Every Call-ID seen in the logs, with its packet count, in order of first appearance. */
export function listDialogs(files: readonly PictureLog[]): { callId: string; packets: number }[] {
  const counts = new Map<string, number>();
  for (const { index } of files) {
    const ids = [...index.sessionDialog].sort((a, b) => index.sessionFirst[a[0]] - index.sessionFirst[b[0]]);
    for (const [, id] of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return [...counts].map(([callId, packets]) => ({ callId, packets }));
}

/** The dialog of `callId` over several logs, packets in merged order (FORMATS §9). */
export function findDialog(files: readonly PictureLog[], callId: string): SipDialog {
  const perFile = files.map(({ index }) => dialogSessions(index, callId));
  const firsts = perFile.map((sessions, f) => sessions.map((s) => files[f].index.sessionFirst[s]));
  const related: string[] = [];
  const seen = new Set<string>();
  const relate = (key: string): void => {
    if (!seen.has(key)) {
      seen.add(key);
      related.push(key);
    }
  };
  const packets: SipPacket[] = [];
  for (const { file: f, record } of mergeByTime(files, firsts)) {
    const index = files[f].index;
    const s = index.recSession[record];
    seen.add(index.sessionKey(s));
    packets.push(readPacket(files[f], f, s, relate));
  }
  // Sessions that name the Call-ID in their own words (SIGNAL, CALLLEG…), packets excluded.
  const packetKeys = new Set(packets.map((p) => p.session));
  for (const { index } of files) {
    for (const r of recordsContaining(index, callId)) {
      const key = index.sessionKey(index.recSession[r]);
      if (!packetKeys.has(key)) relate(key);
    }
  }
  return { callId, packets, related };
}

/** A `req udp [1.2.3.4]:5060 INVITE(680 bytes)` / `rsp tcp [::1]:5060 200-INVITE(566 bytes)` line. */
const WIRE = /^(req|rsp)\s+(\S+)\s+(\S+)\s+(\S+)/;
const RESPONSE = /^SIP\/\d\.\d\s+(\d{3})\b/;
const REQUEST = /^([A-Z][A-Z0-9_-]*)\s+\S+\s+SIP\/\d\.\d\s*$/;
/** Session-key-shaped words, as CommuniGate writes them (`SIPC-000234`). */
const KEY_WORD = /\b[A-Za-z][A-Za-z0-9_]*-\d+\b/g;
const CSEQ = /^CSeq\s*:\s*(.*?)\s*$/i;

function readPacket(log: PictureLog, fileIndex: number, s: number, relate: (key: string) => void): SipPacket {
  const index = log.index;
  const records = sessionRecords(index, s);
  const first = records[0];
  const at = placeOf(log, first);
  const packet: SipPacket = {
    fileIndex,
    file: at.file,
    line: at.line,
    endLine: at.line + index.recEndLine[records[records.length - 1]] - index.recStartLine[first],
    time: index.timestampText(first),
    timeMs: index.normalized(first) + (log.shiftMs ?? 0),
    session: index.sessionKey(s),
    direction: null,
    transport: null,
    remote: null,
    method: null,
    status: null,
    cseq: null,
    summary: '',
    lines: [],
    severity: SEVERITY_NAMES[index.recSeverity[first]],
  };
  let worst = index.recSeverity[first];
  let wireMethod: string | null = null;
  let wireStatus: number | null = null;
  for (const r of records) {
    worst = Math.min(worst, index.recSeverity[r]);
    const lines = index.body(r).split('\n');
    // The header line's body starts with the prefix key (`SIPDATA-000502 out: …`).
    lines[0] = lines[0].replace(/^\S+ ?/, '');
    for (const raw of lines) {
      const line = raw.replace(/^[ \t]+/, '');
      const dir = /^(inp|out):\+? ?/.exec(line);
      if (!dir) {
        // `sent to SIPC-000234`, `closed by …`: the packet's links to the sessions that handled it
        // (named even when those sessions wrote nothing to this log).
        for (const m of line.matchAll(KEY_WORD)) if (m[0] !== packet.session) relate(m[0]);
        continue;
      }
      packet.direction ??= dir[1] === 'inp' ? 'in' : 'out';
      const text = line.slice(dir[0].length);
      const wire = packet.transport === null ? WIRE.exec(text) : null;
      if (wire) {
        packet.transport = wire[2].toLowerCase();
        packet.remote = remoteAddress(wire[3]);
        // `INVITE(680 bytes)` or `200-INVITE(566 bytes)`: a fallback when the start line is not logged.
        const what = /^(?:(\d{3})-)?([A-Za-z]+)/.exec(wire[4]);
        if (what && wire[1] === 'rsp' && what[1]) wireStatus = Number(what[1]);
        if (what && wire[1] === 'req') wireMethod = what[2];
        packet.lines.push(text);
        continue;
      }
      packet.lines.push(text);
      if (packet.summary === '') {
        const response = RESPONSE.exec(text);
        const request = response ? null : REQUEST.exec(text);
        if (response) {
          packet.summary = text.trimEnd();
          packet.status = Number(response[1]);
        } else if (request) {
          packet.summary = text.trimEnd();
          packet.method = request[1];
        }
      }
      const cseq = packet.cseq === null ? CSEQ.exec(text) : null;
      if (cseq) packet.cseq = cseq[1];
    }
  }
  if (packet.method === null && packet.status === null) {
    packet.method = wireMethod;
    packet.status = wireStatus;
  }
  if (packet.summary === '') packet.summary = packet.method ?? (packet.status !== null ? String(packet.status) : '');
  packet.severity = SEVERITY_NAMES[worst];
  return packet;
}

/** `[1.2.3.4]:5060` → `1.2.3.4:5060`; an IPv6 address keeps its brackets (`[::1]:5060`). */
function remoteAddress(written: string): string {
  const m = /^\[([^\]]*)\]:(\d+)$/.exec(written);
  if (!m) return written;
  return m[1].includes(':') ? written : `${m[1]}:${m[2]}`;
}
