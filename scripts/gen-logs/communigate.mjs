// CommuniGate Pro main log (`HH:MM:SS.mmm L REST`, docs/FORMATS.md §2.1): IMAP and HTTP sessions,
// mail through SMTPI → QUEUE → DEQUEUER → SMTP/LOCAL with queue ids and Message-IDs, SIP calls as
// SIPDATA packets (`inp:`/`out:` lines with Call-ID headers) and SIGNAL/DIALOG tasks in thread form,
// cross references (`sent to SIPC-000234`, `closed by HTTPU-000029`), problems, failures, a crash,
// overflow markers. With a Delivery writer (`--delivery FILE`), the same messages' Dequeuer records
// (docs/FORMATS.md §2.2) with the same queue ids.
import { ClockText, ms3, pad6 } from './core.mjs';
import { account, clientIp, LOCAL_DOMAIN, localAddress, port, remoteAddress, remoteIp } from './people.mjs';

const SERVER_IP = '192.168.1.10';
const VERSION = '6.3.6a';

export function communigate({ delivery } = {}) {
  const clock = new ClockText();
  const n = { IMAP: 0, HTTPU: 0, SMTPI: 0, SMTP: 0, SIPDATA: 0, SIGNAL: 0, DIALOG: 0, TLS: 0, XIMSS: 0, NODE: 0, queue: 4400 };
  const next = (name) => pad6(++n[name]);
  let sipc = 230;
  let tls = 0;
  const deliveryLog = (ctx, fields) => delivery?.write(`${clock.hms(ctx.ms)}.${ms3(ctx.ms)}\t01\t${fields.join('\t')}\n`);

  function* imap(ctx) {
    const { rng } = ctx;
    const ip = clientIp(rng);
    const p = port(rng);
    const key = `IMAP-${next('IMAP')}([${ip}])`;
    const user = `${account(rng)}@${LOCAL_DOMAIN}`;
    const secure = rng.chance(0.5);
    yield `4 ${key} got connection on [${SERVER_IP}]:${secure ? 993 : 143} from [${ip}]:${p}`;
    yield `5 ${key} out: * OK CommuniGate Pro IMAP Server ${VERSION} at mail.${LOCAL_DOMAIN} ready`;
    yield `5 ${key} inp: 1 CAPABILITY`;
    yield `5 ${key} out: * CAPABILITY IMAP4 IMAP4rev1 ACL NAMESPACE UIDPLUS IDLE LITERAL+ QUOTA`;
    yield `5 ${key} out: 1 OK completed`;
    yield `5 ${key} inp: 2 LOGIN "${user.split('@')[0]}" ****`;
    if (rng.chance(0.08)) {
      yield `3 ${key} '${user}' login failed: incorrect password`;
      yield `5 ${key} out: 2 NO incorrect password`;
      yield `4 ${key} closing connection`;
      return;
    }
    yield `2 ${key} '${user}' connected from [${ip}]:${p}`;
    yield `5 ${key} out: 2 OK completed`;
    let tag = 3;
    const mailbox = rng.pick(['INBOX', 'INBOX', 'Sent', 'Archive', 'Tasks', 'Drafts']);
    yield `5 ${key} inp: ${tag} SELECT "${mailbox}"`;
    yield `5 ${key} out: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $MDNSent)`;
    yield `5 ${key} out: * ${rng.range(0, 3000)} EXISTS`;
    yield `5 ${key} out: ${tag++} OK [READ-WRITE] SELECT completed`;
    for (let i = rng.range(1, 6); i > 0; i--) {
      const uid = rng.range(1, 9000);
      yield `5 ${key} inp: ${tag} UID FETCH ${uid} (BODY.PEEK[])`;
      if (rng.chance(0.02)) {
        yield `3 ${key} '${user}' UID FETCH ${uid}: message file is corrupted (offset ${rng.range(1000, 90000)})`;
        yield `5 ${key} out: ${tag++} NO UID FETCH failed: message file is corrupted`;
        continue;
      }
      yield `5 ${key} out: * ${rng.range(1, 3000)} FETCH (UID ${uid} BODY[] {${rng.range(800, 90000)}})`;
      yield `5 ${key} out: ${tag++} OK UID FETCH completed`;
    }
    if (rng.chance(0.05)) {
      yield `3 ${key} read failed. Error Code=connection reset by peer`;
    } else {
      yield `5 ${key} inp: ${tag} LOGOUT`;
      yield `5 ${key} out: * BYE CommuniGate Pro IMAP closing connection`;
    }
    yield `4 ${key} closing connection`;
    yield `4 ${key} releasing stream`;
  }

  function* http(ctx) {
    const { rng } = ctx;
    const ip = clientIp(rng);
    const p = port(rng);
    const id = next('HTTPU');
    const key = `HTTPU-${id}([${ip}]:${p})`;
    if (tls === 0 || rng.chance(0.1)) tls = ++n.TLS;
    const tlsKey = `TLS-${pad6(tls)}`;
    yield `5 HTTPU [0.0.0.0]:443 <- [${ip}]:${p} connection request. socket=${rng.range(20, 900)}`;
    yield `4 ${key} [${SERVER_IP}]:443 <- [${ip}]:${p} incoming connection(mail.${LOCAL_DOMAIN})`;
    yield `2 ${tlsKey} resumed for HTTPU-${id}, used in ${rng.range(1, 5)} other`;
    yield `4 ${key} ${tlsKey}(ECDHE_AESGCM128_SHA256) connection accepted for DOMAIN(${LOCAL_DOMAIN})`;
    for (let i = rng.range(1, 3); i > 0; i--) {
      const path = rng.pick(['/Session/3-NKCwLfNx/sync', '/Session/2-QTguta/?maxWait=290', '/ximss/', '/WebUser/Mailbox.wssp', '/CalDAV/calendar/']);
      const method = rng.pick(['GET', 'POST', 'POST']);
      const length = method === 'POST' ? rng.range(0, 900) : 0;
      yield `5 ${key} s-inp: ${method} ${path} HTTP/1.1`;
      yield `5 ${key} s-inp: Host: mail.${LOCAL_DOMAIN}`;
      yield `5 ${key} s-inp: Content-Length: ${length}`;
      yield `4 ${key} req(${length}): ${method} ${path}`;
      if (rng.chance(0.04)) {
        yield `3 ${key} rsp(0): 500 Internal Server Error`;
        continue;
      }
      yield `4 ${key} rsp(${rng.range(40, 900)}): 200 OK`;
      yield `5 ${key} s-out:+HTTP/1.1 200 OK`;
      yield `5 ${key} s-out:+Server: CommuniGatePro/${VERSION}`;
    }
    if (rng.chance(0.3)) {
      yield `3 ${key} read failed. Error Code=read time-out`;
      yield `2 ${tlsKey} closed by HTTPU-${id}, used in ${rng.range(0, 4)} other`;
    }
    yield `4 ${key} closing connection`;
    yield `4 ${key} releasing stream`;
    if (rng.chance(0.3)) yield '5 HTTPU stream thread finished';
  }

  /** One message: received by SMTPI, enqueued, dequeued, then stored locally or relayed. */
  function* mail(ctx) {
    const { rng } = ctx;
    const ip = remoteIp(rng);
    const key = `SMTPI-${next('SMTPI')}([${ip}])`;
    const inbound = rng.chance(0.7);
    const from = inbound ? remoteAddress(rng) : localAddress(rng);
    const to = inbound ? localAddress(rng) : remoteAddress(rng);
    const size = rng.range(600, 240000);
    yield `4 ${key} got connection on [${SERVER_IP}]:${inbound ? 25 : 587} from [${ip}]:${port(rng)}`;
    yield `5 ${key} out: 220 mail.${LOCAL_DOMAIN} ESMTP CommuniGate Pro ${VERSION}`;
    yield `5 ${key} inp: EHLO relay.${from.split('@')[1]}`;
    yield `5 ${key} out: 250-mail.${LOCAL_DOMAIN} your name is relay.${from.split('@')[1]}`;
    yield `5 ${key} inp: MAIL FROM:<${from}> SIZE=${size}`;
    yield `5 ${key} out: 250 ${from} sender accepted`;
    yield `5 ${key} inp: RCPT TO:<${to}>`;
    if (inbound && rng.chance(0.07)) {
      yield `3 ${key} RCPT TO:<${to}> rejected: unknown user account`;
      yield `5 ${key} out: 550 5.1.1 ${to} unknown user account`;
      yield `5 ${key} inp: QUIT`;
      yield `4 ${key} closing connection`;
      return;
    }
    yield `5 ${key} out: 250 ${to} will relay mail`;
    yield `5 ${key} inp: DATA`;
    yield `5 ${key} out: 354 Enter mail, end with "." on a line by itself`;
    const id = ++n.queue;
    const messageId = `<${rng.hex(8)}.${id}@${from.split('@')[1]}>`;
    const queue = `QUEUE([${id}])`;
    yield `2 ${key} received(1): [${id}] from <${from}> size=${size}`;
    yield `4 ${queue} from <${from}> size=${size} enqueued, 1 recipient(s)`;
    yield `4 ${queue} Message-ID: ${messageId}`;
    yield `5 ${key} out: 250 2.0.0 [${id}] message accepted for delivery`;
    yield `5 ${key} inp: QUIT`;
    yield `4 ${key} closing connection`;
    yield `4 ${queue} delivered to DEQUEUER`;
    const submit = `[${ip}]`;
    if (inbound) {
      const mailbox = to.split('@')[0];
      if (rng.chance(0.03)) {
        yield `3 ACCOUNT(${to}) storage quota exceeded: 512000K of 512000K used`;
        yield `1 DEQUEUER [${id}] LOCAL(${to}) failed: mailbox is full`;
        deliveryLog(ctx, ['ERROR', `<${from}>`, from, '', submit, SERVER_IP, id, messageId, size, to, `LOCAL(${to})`, 'mailbox is full']);
        yield `2 ${queue} bounced to <${from}>`;
      } else {
        yield `4 LOCAL(${to}) [${id}] stored in ${mailbox}/INBOX, ${size} bytes`;
        yield `2 DEQUEUER [${id}] LOCAL(${to}) delivered: stored`;
        deliveryLog(ctx, ['FINAL', `<${from}>`, from, '', submit, SERVER_IP, id, messageId, size, to, `LOCAL(${to})`, 'stored']);
      }
    } else {
      const domain = to.split('@')[1];
      const relay = remoteIp(rng);
      const smtp = `SMTP-${next('SMTP')}([${relay}])`;
      yield `4 ${smtp} [${id}] connecting to [${relay}]:25 for ${domain}`;
      yield `5 ${smtp} out: MAIL FROM:<${from}> SIZE=${size}`;
      yield `5 ${smtp} out: RCPT TO:<${to}>`;
      const fate = rng.next();
      if (fate < 0.05) {
        yield `5 ${smtp} inp: 550 5.7.1 relaying denied`;
        yield `1 DEQUEUER [${id}] SMTP(${domain}) failed: 550 5.7.1 relaying denied`;
        deliveryLog(ctx, ['ERROR', `<${from}>`, from, from, submit, SERVER_IP, id, messageId, size, to, `SMTP(${domain})`, '550 5.7.1 relaying denied']);
        yield `2 ${queue} bounced to <${from}>`;
      } else if (fate < 0.1) {
        yield `3 ${smtp} [${id}] connection to [${relay}]:25 timed out`;
        yield `3 DEQUEUER [${id}] SMTP(${domain}) delayed: connection timed out, will retry in 10 min`;
        deliveryLog(ctx, ['TMPER', `<${from}>`, from, from, submit, SERVER_IP, id, messageId, size, to, `SMTP(${domain})`, 'connection timed out']);
      } else {
        yield `5 ${smtp} inp: 250 2.0.0 OK queued as ${rng.hex(10)}`;
        yield `2 DEQUEUER [${id}] SMTP(${domain}) relayed: relayed via [${relay}]`;
        deliveryLog(ctx, ['RELAY', `<${from}>`, from, from, submit, SERVER_IP, id, messageId, size, to, `SMTP(${domain})`, `relayed via [${relay}]`]);
      }
      yield `4 ${smtp} closing connection`;
    }
    yield `4 ${queue} released`;
  }

  /** One SIP packet: a summary record, then one record per line of the message. */
  function packet(dir, transport, remote, startLine, headers, summary) {
    const key = `SIPDATA-${next('SIPDATA')}`;
    const lines = [`2 ${key} ${dir}: ${summary}`];
    lines.push(`5 ${key} ${dir}: ${startLine}`);
    for (const h of headers) lines.push(`5 ${key} ${dir}: ${h}`);
    lines.push(`5 ${key} ${dir}: `);
    return { key, lines };
  }

  function* call(ctx) {
    const { rng } = ctx;
    const caller = localAddress(rng);
    const callee = rng.chance(0.7) ? localAddress(rng) : `+4670${rng.range(1000000, 9999999)}@${rng.pick(['sip.example.net', 'voip.example.org'])}`;
    const remote = `${clientIp(rng)}:${rng.chance(0.8) ? 5060 : port(rng)}`;
    const callId = `${rng.hex(8).toLowerCase()}-${rng.hex(4).toLowerCase()}@${remote.split(':')[0]}`;
    const tag = rng.hex(16);
    const via = `Via: SIP/2.0/UDP ${remote};branch=z9hG4bK${rng.hex(6).toLowerCase()}`;
    const common = (cseq, toTag) => [via, `From: <sip:${caller}>;tag=${tag}`, `To: <sip:${callee}>${toTag ? ';tag=' + toTag : ''}`, `Call-ID: ${callId}`, `CSeq: ${cseq}`];
    const size = () => rng.range(300, 1400);
    const invite = packet('inp', 'udp', remote, `INVITE sip:${callee} SIP/2.0`, [...common('1 INVITE'), `Contact: <sip:${caller.split('@')[0]}@${remote}>`, 'Content-Type: application/sdp', `Content-Length: ${rng.range(200, 600)}`], `req udp [${remote.replace(':', ']:')} INVITE(${size()} bytes)`);
    yield invite.lines;
    const signal = next('SIGNAL');
    const dialog = next('DIALOG');
    const node = next('NODE');
    const thread = rng.range(1, 9);
    yield `2 ${invite.key} sent to SIGNAL-${signal}`;
    yield `4 SIGNAL-${signal} enqueued`;
    yield `5 SIGNAL-${signal} INITIAL posted`;
    yield `5 SIGNAL(${thread}) ${signal}: processing INITIAL`;
    yield `2 SIGNAL-${signal} NODE-${node}: INVITE(1) sip:${callee}`;
    yield `2 DIALOG-${dialog} created for SIGNAL-${signal}:[${remote.split(':')[0]}]`;
    yield `2 SIGNAL-${signal} DIALOG-${dialog} created`;
    const trying = packet('out', 'udp', remote, 'SIP/2.0 100 Trying', common('1 INVITE'), `rsp udp [${remote.replace(':', ']:')} 100-INVITE(${size()} bytes)`);
    yield trying.lines;
    const toTag = rng.hex(16);
    const fate = rng.next();
    if (fate < 0.12) {
      const [code, text] = rng.pick([[486, 'Busy Here'], [408, 'Request Timeout'], [480, 'Temporarily Unavailable'], [404, 'Not Found']]);
      yield `5 SIGNAL(${thread}) ${signal}: processing RESPONSE`;
      yield `3 SIGNAL-${signal} INVITE failed: ${code} ${text}`;
      const fail = packet('out', 'udp', remote, `SIP/2.0 ${code} ${text}`, common('1 INVITE', toTag), `rsp udp [${remote.replace(':', ']:')} ${code}-INVITE(${size()} bytes)`);
      yield fail.lines;
      yield `2 DIALOG-${dialog} terminated: ${code} ${text}`;
      return;
    }
    const ringing = packet('out', 'udp', remote, 'SIP/2.0 180 Ringing', common('1 INVITE', toTag), `rsp udp [${remote.replace(':', ']:')} 180-INVITE(${size()} bytes)`);
    yield ringing.lines;
    const ok = packet('out', 'udp', remote, 'SIP/2.0 200 OK', [...common('1 INVITE', toTag), 'Content-Type: application/sdp'], `rsp udp [${remote.replace(':', ']:')} 200-INVITE(${size()} bytes)`);
    yield ok.lines;
    yield `2 DIALOG-${dialog} connected: ${caller} -> ${callee}`;
    const ack = packet('inp', 'udp', remote, `ACK sip:${callee} SIP/2.0`, common('1 ACK', toTag), `req udp [${remote.replace(':', ']:')} ACK(${size()} bytes)`);
    yield ack.lines;
    yield `2 ${ack.key} sent to SIPC-${pad6(++sipc)}`;
    const bye = packet('inp', 'udp', remote, `BYE sip:${callee} SIP/2.0`, common('2 BYE', toTag), `req udp [${remote.replace(':', ']:')} BYE(${size()} bytes)`);
    yield bye.lines;
    yield `5 SIGNAL(${thread}) ${signal}: processing BYE`;
    const byeOk = packet('out', 'udp', remote, 'SIP/2.0 200 OK', common('2 BYE', toTag), `rsp udp [${remote.replace(':', ']:')} 200-BYE(${size()} bytes)`);
    yield byeOk.lines;
    yield `2 DIALOG-${dialog} terminated: BYE received, duration ${rng.range(3, 900)}s`;
  }

  function* register(ctx) {
    const { rng } = ctx;
    const remote = `203.0.113.${rng.range(2, 60)}:5060`;
    const callId = `${rng.hex(8).toLowerCase()}-reg@${SERVER_IP}`;
    const tag = rng.hex(16);
    const headers = (cseq, toTag) => [`Via: SIP/2.0/UDP ${SERVER_IP}:5060;branch=z9hG4bK${rng.hex(5).toLowerCase()}`, `From: <sip:gateway@${LOCAL_DOMAIN}>;tag=${tag}`, `To: <sip:gateway@${LOCAL_DOMAIN}>${toTag ? ';tag=' + toTag : ''}`, `Call-ID: ${callId}`, `CSeq: ${cseq}`, 'Expires: 90', 'Content-Length: 0'];
    const cseq = `${rng.range(1000, 99999999)} REGISTER`;
    yield packet('out', 'udp', remote, 'REGISTER sip:sip.example.net SIP/2.0', headers(cseq), `req udp [${remote.replace(':', ']:')} REGISTER(${rng.range(500, 700)} bytes)`).lines;
    const failed = rng.chance(0.06);
    const answer = packet('inp', 'udp', remote, failed ? 'SIP/2.0 403 Forbidden' : 'SIP/2.0 200 OK', headers(cseq, rng.hex(16)), `rsp udp [${remote.replace(':', ']:')} ${failed ? 403 : 200}-REGISTER(${rng.range(400, 600)} bytes)`);
    yield answer.lines;
    yield `2 ${answer.key} sent to SIPC-${pad6(++sipc)}`;
    if (failed) yield `3 SIPC-${pad6(sipc)} registration failed: 403 Forbidden`;
  }

  function* ximss(ctx) {
    const { rng } = ctx;
    const user = account(rng);
    const key = `XIMSS-${next('XIMSS')}(${user})`;
    yield `2 ${key} '${user}@${LOCAL_DOMAIN}' connected via HTTP binding`;
    for (let i = rng.range(1, 4); i > 0; i--) {
      const id = rng.range(1, 99);
      yield `5 ${key} inp:+<folderOpen id="folderOpen/${id}" folder="INBOX" mailbox="INBOX"/>`;
      yield `5 ${key} out:+<XIMSS><folderReport id="folderOpen/${id}" messages="${rng.range(0, 900)}"/><response id="folderOpen/${id}"/></XIMSS>`;
    }
    if (rng.chance(0.1)) yield `3 ${key} session timeout: no requests for 300 sec`;
    yield `2 ${key} disconnected`;
  }

  function* background(ctx) {
    const { rng } = ctx;
    const kind = rng.int(5);
    if (kind === 0) yield `2 ROUTER routing table reloaded (${rng.range(150, 400)} entries)`;
    else if (kind === 1) yield `2 SYSTEM ${rng.range(20, 400)} stream threads, ${rng.range(1, 40)} MB in use`;
    else if (kind === 2) yield `3 ACCOUNT(${localAddress(rng)}) storage quota ${rng.range(90, 99)}% used`;
    else if (kind === 3) yield `4 DNR [${remoteIp(rng)}] resolved to relay.${rng.pick(['example.org', 'example.net'])}`;
    else yield `1 SMTP-${pad6(n.SMTP + 1)}([${remoteIp(rng)}]) failed to connect: connection refused`;
  }

  const kinds = [
    [imap, 26],
    [http, 16],
    [mail, 24],
    [call, 10],
    [register, 8],
    [ximss, 6],
    [background, 10],
  ];
  const total = kinds.reduce((s, [, w]) => s + w, 0);

  return {
    concurrency: 24,
    regressRate: 1 / 250_000,
    stamp(ms) {
      return `${clock.hms(ms)}.${ms3(ms)} `;
    },
    start(ctx) {
      ctx.out.write(`00:00:00.000 2 SYSTEM CommuniGate Pro ${VERSION} started a new log file\n`);
    },
    session(ctx) {
      let r = ctx.rng.int(total);
      for (const [make, weight] of kinds) {
        if (r < weight) return make(ctx);
        r -= weight;
      }
      return imap(ctx);
    },
    specials: [
      { at: 0.52, run: (ctx) => ctx.out.write('***\n***\n') },
      { at: 0.63, run: (ctx) => crash(ctx) },
      { at: 0.9, run: (ctx) => ctx.out.write('***\n') },
    ],
    finish(ctx) {
      delivery?.close();
      void ctx;
    },
  };

  /** A crash and the restart after it (level 0, then the server starting again). */
  function crash(ctx) {
    const at = `${clock.hms(ctx.ms)}.${ms3(ctx.ms)}`;
    ctx.out.write(`${at} 0 SYSTEM server process terminated abnormally (signal 11 in STORAGE thread), restarting\n`);
    ctx.out.write(`${at} 2 SYSTEM CommuniGate Pro ${VERSION} started\n`);
  }
}
