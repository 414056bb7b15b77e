import { findDialog, picturesOf } from '../../engine';
import type { SipPacket } from '../../engine';
import { bool } from '../args';
import { exitStatus, filesBefore, openLogs } from '../inputs';
import type { Command } from './command';

export const dialog: Command = {
  name: 'dialog',
  usage: 'msglog dialog FILE… CALL-ID [--json]        packets of one SIP dialog (CommuniGate), exit 1 if none',
  boolFlags: ['--json'],
  async run(args, out) {
    const { files: paths, last: callId } = filesBefore(args, 'CALL-ID');
    const logs = await openLogs(args, paths);
    if (!logs) return 2;
    const files = picturesOf(logs.set);
    const found = findDialog(files, callId);
    const several = logs.prefixed;
    if (bool(args, '--json')) {
      const packets = found.packets.map((p) => ({
        line: p.line + 1,
        file: p.file,
        time: p.time,
        session: p.session,
        direction: p.direction,
        transport: p.transport,
        remote: p.remote,
        method: p.method,
        status: p.status,
        cseq: p.cseq,
        summary: p.summary,
      }));
      out.write(`{"callId":${JSON.stringify(callId)},"packets":[${packets.map((p) => `\n${JSON.stringify(p)}`).join(',')}\n],"related":${JSON.stringify(found.related)}}\n`);
    } else if (found.packets.length > 0) {
      out.write(`Call-ID: ${callId}  ${found.packets.length} packet${found.packets.length === 1 ? '' : 's'}\n`);
      for (const p of found.packets) out.write(`${packetLine(p, several)}\n`);
      if (found.related.length > 0) out.write(`related: ${found.related.join(' ')}\n`);
    }
    if (found.packets.length === 0) process.stderr.write(`msglog: no SIP packet with Call-ID ${callId}\n`);
    return exitStatus(logs, found.packets.length > 0 ? 0 : 1);
  },
};

/** `12:00:01.250  out  udp 1.2.3.4:5060  INVITE  CSeq 1 INVITE  SIPDATA-000502 line 20`. */
function packetLine(p: SipPacket, several: boolean): string {
  const what = p.method ?? (p.status !== null ? String(p.status) : '?');
  const where = several ? `${p.file}:${p.line + 1}` : `line ${p.line + 1}`;
  return [p.time, p.direction ?? '?', p.transport ?? '-', p.remote ?? '-', what, p.cseq ? `CSeq ${p.cseq}` : '', `${p.session} ${where}`, p.summary].join('\t');
}
