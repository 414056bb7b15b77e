// Messaging Server (`[DD/Mon/YYYY:HH:MM:SS ±ZZZZ] HOST PROCESS[PID]: CATEGORY LEVEL: message`,
// docs/FORMATS.md §2.5): a few long-lived imapd/popd/mshttpd processes, each serving many client
// connections at once (`[ip:port]` in login, badlogin, command and close records; close ends with
// bytes from the client, bytes from the server and mailboxes selected), store and stats records,
// network warnings, a malformed line now and then (no `Category Level:`).
import { ClockText, MONTHS, pad2, thousands } from './core.mjs';
import { account, clientIp, port } from './people.mjs';

const HOST = 'mailhost';

export function messagingServer({ date }) {
  const clock = new ClockText();
  const day = `${pad2(date.d)}/${MONTHS[date.m - 1]}/${date.y}`;
  const imapd = ['imapd[4411]', 'imapd[4412]', 'imapd[4415]'];
  const others = { pop: 'popd[5120]', http: 'mshttpd[2230]', stored: 'stored[3170]', cgi: 'cgi_service[343]', job: 'job_controller[2890]' };
  const wall = (ctx) => {
    const s = Math.floor(ctx.ms / 1000);
    return `${date.y}/${date.m}/${date.d} ${Math.floor(s / 3600)}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;
  };
  const duration = (ms) => {
    const s = Math.floor(ms / 1000);
    return `${Math.floor(s / 3600)}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;
  };

  function* connection(ctx) {
    const { rng } = ctx;
    const imap = rng.chance(0.75);
    const proc = imap ? rng.pick(imapd) : others.pop;
    const conn = `[${clientIp(rng)}:${port(rng)}]`;
    const user = account(rng);
    const method = rng.pick(['plaintext', 'plaintext', 'SASL PLAIN', 'SASL LOGIN']);
    if (rng.chance(0.07)) {
      yield `${proc}: Account Notice: badlogin: ${conn} ${method} ${user} SASL(-13): authentication failure: checkpass failed`;
      if (rng.chance(0.5)) yield `${proc}: Account Notice: badlogin: ${conn} ${method} ${user} SASL(-13): authentication failure: checkpass failed`;
      yield `${proc}: Account Notice: close ${conn} [unauthenticated] ${wall(ctx)} 0:00:0${rng.range(1, 9)} ${rng.range(20, 90)} ${rng.range(100, 400)} 0`;
      return;
    }
    const started = ctx.ms;
    const since = wall(ctx);
    yield `${proc}: Account Notice: login ${conn} ${user} ${method}`;
    let fromClient = rng.range(20, 60);
    let fromServer = rng.range(100, 400);
    let selected = 0;
    for (let k = rng.range(0, 5); k > 0; k--) {
      const box = rng.pick(['INBOX', 'INBOX', 'Sent', 'Archive', 'Trash']);
      if (imap) {
        selected++;
        yield `${proc}: Protocol Information: select ${box} ${conn} ${user}`;
      } else yield `${proc}: Protocol Information: retr ${rng.range(1, 40)} ${conn} ${user}`;
      fromClient += rng.range(20, 200);
      fromServer += rng.range(200, 90000);
      if (rng.chance(0.02)) yield `${proc}: Store Error: mailbox ${user}/${box}: unable to open index (errno=13)`;
    }
    if (rng.chance(0.04)) yield `${proc}: Network Warning: Connection reset by client ${conn}`;
    yield `${proc}: Account Notice: close ${conn} ${user} ${since} ${duration(ctx.ms - started)} ${fromClient} ${fromServer} ${selected}`;
  }

  function* service(ctx) {
    const { rng } = ctx;
    const kind = rng.int(6);
    if (kind === 1 && !rng.chance(0.2)) return yield `${others.cgi}: General Information: function=getserverhello|port=2500 answered`;
    if (kind === 0) yield `${others.stored}: Stats Information: ${rng.range(20, 900)} users, ${thousands(rng.range(100, 9000))} messages expunged`;
    else if (kind === 1) yield `${others.cgi}: General Error: function=getserverhello|port=2500|error=failed to connect`;
    else if (kind === 2) yield `${others.http}: HTTP Information: ${clientIp(rng)} GET /mail.html 200`;
    else if (kind === 3) yield `${others.job}: General Notice: queue tcp_local: ${rng.range(0, 60)} messages waiting`;
    else if (kind === 4) yield `${others.stored}: Store Warning: partition primary is ${rng.range(85, 97)}% full`;
    else yield `${rng.pick(imapd)}: General Debug: ${rng.range(1, 60)} sessions active`;
    // A line of a process with no `Category Level:` (malformed), now and then.
    if (rng.chance(0.02)) yield `${others.job}: unable to lock /var/opt/sun/comms/messaging/queue/tcp_local (pid ${rng.range(1000, 9000)})`;
  }

  return {
    concurrency: 16,
    regressRate: 1 / 200_000,
    stamp(ms) {
      return `[${day}:${clock.hms(ms)} +0100] ${HOST} `;
    },
    start(ctx) {
      for (const p of [...imapd, others.pop]) ctx.out.write(`[${day}:00:00:00 +0100] ${HOST} ${p}: General Notice: Log created (${Math.floor(date.epochMs / 1000)})\n`);
    },
    session(ctx) {
      return ctx.rng.chance(0.8) ? connection(ctx) : service(ctx);
    },
    specials: [{ at: 0.71, run: (ctx) => ctx.out.write(`[${day}:${clock.hms(ctx.ms)} +0100] ${HOST} ${others.stored}: Store Critical: database /var/opt/sun/comms/messaging/store/mboxlist is corrupt, run reconstruct\n`) }],
  };
}
