// Axigen (`YYYY-MM-DD HH:MM:SS ±ZZZZ LL HOST SERVICE:SESSIONID: message`, docs/FORMATS.md §2.4):
// SMTP-IN conversations (`<<` from the client, `>>` from the server) handing messages to PROCESSING
// and SMTP-OUT, IMAP/POP3/WEBMAIL logins (some failing authentication), DNR look-ups, and now and then
// a storage failure (01, critical).
import { ClockText, pad2 } from './core.mjs';
import { account, clientIp, LOCAL_DOMAIN, localAddress, port, remoteAddress, remoteIp } from './people.mjs';

const HOST = 'mail01';

export function axigen({ date }) {
  const clock = new ClockText();
  const day = `${date.y}-${pad2(date.m)}-${pad2(date.d)}`;
  const ids = { 'SMTP-IN': 0xa10, 'SMTP-OUT': 0x200, IMAP: 0xb00, POP3: 0x300, WEBMAIL: 0x800, PROCESSING: 0x3f00 };
  const sid = (service) => (++ids[service]).toString(16).toUpperCase().padStart(8, '0');
  let messages = 0x3f2a7700;

  function* smtpIn(ctx) {
    const { rng } = ctx;
    const s = `SMTP-IN:${sid('SMTP-IN')}:`;
    const ip = remoteIp(rng);
    const from = remoteAddress(rng);
    const to = localAddress(rng);
    yield `08 ${HOST} ${s} Connection accepted from ${ip}:${port(rng)}`;
    yield `16 ${HOST} ${s} >> 220 mail01.${LOCAL_DOMAIN} Axigen ESMTP ready`;
    yield `16 ${HOST} ${s} << EHLO relay.${from.split('@')[1]}`;
    yield `16 ${HOST} ${s} >> 250-mail01.${LOCAL_DOMAIN} Axigen ESMTP hello`;
    yield `16 ${HOST} ${s} << MAIL FROM:<${from}>`;
    yield `16 ${HOST} ${s} >> 250 Sender accepted`;
    yield `16 ${HOST} ${s} << RCPT TO:<${to}>`;
    if (rng.chance(0.06)) {
      yield `04 ${HOST} ${s} Relaying denied for ${to} from ${ip}`;
      yield `16 ${HOST} ${s} >> 550 Relaying denied`;
      yield `08 ${HOST} ${s} Connection closed`;
      return;
    }
    if (rng.chance(0.05)) yield `04 ${HOST} ${s} Recipient ${to} is over quota (${rng.range(90, 99)}%)`;
    yield `16 ${HOST} ${s} >> 250 Recipient accepted`;
    yield `16 ${HOST} ${s} << DATA`;
    yield `16 ${HOST} ${s} >> 354 Ready to receive data`;
    const id = (++messages).toString(16).toUpperCase();
    yield `08 ${HOST} ${s} Message accepted for delivery, id=${id}`;
    yield `16 ${HOST} ${s} << QUIT`;
    yield `08 ${HOST} ${s} Connection closed`;
    const p = `PROCESSING:${sid('PROCESSING')}:`;
    if (rng.chance(0.04)) yield `02 ${HOST} ${p} Message ${id} could not be delivered to ${to}: mailbox storage error`;
    else yield `08 ${HOST} ${p} Message ${id} delivered to ${to}`;
  }

  function* smtpOut(ctx) {
    const { rng } = ctx;
    const s = `SMTP-OUT:${sid('SMTP-OUT')}:`;
    const to = remoteAddress(rng);
    const ip = remoteIp(rng);
    yield `08 ${HOST} DNR: Resolved MX for ${to.split('@')[1]}: ${ip}`;
    yield `08 ${HOST} ${s} Connecting to ${ip}:25`;
    if (rng.chance(0.05)) {
      yield `04 ${HOST} ${s} Connection to ${ip}:25 failed: timed out; will retry`;
      return;
    }
    yield `16 ${HOST} ${s} << 220 mx.${to.split('@')[1]} ESMTP`;
    yield `16 ${HOST} ${s} >> MAIL FROM:<${localAddress(rng)}>`;
    yield `16 ${HOST} ${s} >> RCPT TO:<${to}>`;
    if (rng.chance(0.05)) {
      yield `16 ${HOST} ${s} << 550 5.1.1 User unknown`;
      yield `02 ${HOST} ${s} Permanent failure delivering to ${to}: 550 5.1.1 User unknown`;
    } else {
      yield `16 ${HOST} ${s} << 250 2.0.0 OK`;
      yield `08 ${HOST} ${s} Message ${(messages - rng.int(20)).toString(16).toUpperCase()} sent to ${to}`;
    }
    yield `08 ${HOST} ${s} Connection closed`;
  }

  function* mailbox(ctx) {
    const { rng } = ctx;
    const service = rng.pick(['IMAP', 'IMAP', 'POP3', 'WEBMAIL']);
    const s = `${service}:${sid(service)}:`;
    const user = `${account(rng)}@${LOCAL_DOMAIN}`;
    const ip = clientIp(rng);
    yield `08 ${HOST} ${s} Connection accepted from ${ip}:${port(rng)}`;
    if (service === 'IMAP') yield `16 ${HOST} ${s} << a1 LOGIN ${user.split('@')[0]} ****`;
    else if (service === 'POP3') yield `16 ${HOST} ${s} << USER ${user.split('@')[0]}`;
    else yield `16 ${HOST} ${s} << POST /index.hsp?login=1 HTTP/1.1`;
    if (rng.chance(0.08)) {
      yield `02 ${HOST} ${s} Authentication failed for user ${user}`;
      yield `16 ${HOST} ${s} >> ${service === 'IMAP' ? 'a1 NO LOGIN failed' : service === 'POP3' ? '-ERR authentication failed' : 'HTTP/1.1 401 Unauthorized'}`;
      yield `08 ${HOST} ${s} Connection closed`;
      return;
    }
    yield `08 ${HOST} ${s} User ${user} authenticated`;
    for (let k = rng.range(1, 5); k > 0; k--) {
      if (service === 'IMAP') {
        yield `16 ${HOST} ${s} << a${k + 1} ${rng.pick(['SELECT INBOX', 'FETCH 1:* (FLAGS)', 'IDLE', 'UID SEARCH UNSEEN', 'LIST "" "*"'])}`;
        yield `16 ${HOST} ${s} >> a${k + 1} OK completed`;
      } else if (service === 'POP3') {
        yield `16 ${HOST} ${s} << RETR ${k}`;
        yield `16 ${HOST} ${s} >> +OK ${rng.range(900, 90000)} octets`;
      } else {
        yield `16 ${HOST} ${s} << GET /mail/folder?id=${rng.range(1, 40)} HTTP/1.1`;
      }
    }
    if (rng.chance(0.03)) yield `04 ${HOST} ${s} Client ${ip} timed out`;
    yield `08 ${HOST} ${s} Connection closed`;
  }

  const storageFailure = (ctx) => {
    const at = `${day} ${clock.hms(ctx.ms)} +0200 `;
    ctx.out.write(`${at}01 ${HOST} STORAGE: Storage container ${ctx.rng.range(1, 8)} is not accessible: I/O error\n`);
    ctx.out.write(`${at}08 ${HOST} SERVER: Storage container remounted read-only\n`);
  };

  return {
    concurrency: 14,
    regressRate: 1 / 200_000,
    stamp(ms) {
      return `${day} ${clock.hms(ms)} +0200 `;
    },
    start(ctx) {
      ctx.out.write(`${day} 00:00:00 +0200 08 ${HOST} SERVER: Axigen Mail Server 10.5.0 started\n`);
      ctx.out.write(`${day} 00:00:00 +0200 08 ${HOST} LOG: Log service listening on 127.0.0.1:2000\n`);
    },
    session(ctx) {
      const r = ctx.rng.next();
      return r < 0.4 ? smtpIn(ctx) : r < 0.6 ? smtpOut(ctx) : mailbox(ctx);
    },
    specials: [{ at: 0.58, run: storageFailure }],
  };
}
