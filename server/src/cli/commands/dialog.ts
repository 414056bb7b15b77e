import { findDialog } from '../../engine';
import type { SipPacket } from '../../engine';
import { bool, UsageError } from '../args';
import { openFiles } from '../openFiles';
import type { Command } from './command';

export const dialog: Command = {
  name: 'dialog',
  usage: 'msglog dialog FILE… CALL-ID [--json]        packets of one SIP dialog (CommuniGate), exit 1 if none',
  boolFlags: ['--json'],
  run(args, out) {
    const callId = args.positional.length >= 2 ? args.positional[args.positional.length - 1] : undefined;
    if (args.positional.length === 0) throw new UsageError('missing FILE');
    if (callId === undefined || callId === '') throw new UsageError('missing CALL-ID');
    const { files, failed } = openFiles(args, args.positional.slice(0, -1));
    const found = findDialog(files, callId);
    const several = files.length > 1;
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
    return failed ? 2 : found.packets.length > 0 ? 0 : 1;
  },
};

/** `12:00:01.250  out  udp 1.2.3.4:5060  INVITE  CSeq 1 INVITE  SIPDATA-000502 line 20`. */
function packetLine(p: SipPacket, several: boolean): string {
  const what = p.method ?? (p.status !== null ? String(p.status) : '?');
  const where = several ? `${p.file}:${p.line + 1}` : `line ${p.line + 1}`;
  return [p.time, p.direction ?? '?', p.transport ?? '-', p.remote ?? '-', what, p.cseq ? `CSeq ${p.cseq}` : '', `${p.session} ${where}`, p.summary].join('\t');
}
