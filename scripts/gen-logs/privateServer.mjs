// PrivateServer web-console exports (docs/FORMATS.md §2.6): a title line, a header row, then rows,
// newest first as the console exports them. `--table` picks the table: SIP sessions (TAB-separated),
// registered accounts (TAB), authentication events or CDRs (comma-separated, with a sort glyph in
// the header and, in CDRs, durations with a thousands separator).
import { ClockText, DAY_MS, ms3, pad2, thousands } from './core.mjs';
import { FIRST } from './people.mjs';

const AGENTS = ['snom320/8.4.18', 'snom300/8.4.22', 'PGSM-10.3.1626-android', 'PGSM-10.3.1626-ios', 'Yealink SIP-T46S 66.86.0.15', 'Zoiper rv2.10.19.5'];
const CIPHER = 'TLS_AES_256_GCM_SHA384';

export function privateServer({ date, table }) {
  const clock = new ClockText();
  const day = `${date.y}-${pad2(date.m)}-${pad2(date.d)}`;
  const busy = new Set();
  const natIp = (rng) => `93.57.41.${rng.range(10, 60)}`;
  const peer = (rng) => {
    for (;;) {
      const p = String(rng.chance(0.5) ? rng.range(900, 960) : rng.range(1900, 1960));
      if (!busy.has(p)) {
        busy.add(p);
        return p;
      }
    }
  };
  const name = (rng) => {
    const first = rng.pick(FIRST);
    return first[0].toUpperCase() + first.slice(1);
  };

  /** One phone's connection, yielded newest first: its end, its registrations, its connect. */
  function* sipSession(ctx) {
    const { rng } = ctx;
    const p = peer(rng);
    const who = name(rng);
    const agent = rng.pick(AGENTS);
    const addr = `${natIp(rng)}:${rng.range(20000, 40000)}`;
    const tls = rng.chance(0.7);
    const row = (event, account, details, cipher) => `${event}\tCLIENT\t${p}\t${account}\t${details}\t${agent}\t${addr}\t${cipher}\ttrue`;
    try {
      if (rng.chance(0.12)) yield row('DISCONNECT', '', 'NETWORK_ERROR', '');
      else if (rng.chance(0.5)) yield row('UNREGISTER', who, '200 OK', '');
      else yield row('DISCONNECT', '', 'CLIENT_CLOSED', '');
      for (let k = rng.range(1, 5); k > 0; k--) {
        if (rng.chance(0.05)) yield row('REGISTER', who, '401 Unauthorized', '');
        else yield row('REGISTER', who, '200 OK', '');
      }
      yield row('CONNECT', '', '', tls ? CIPHER : '');
    } finally {
      busy.delete(p);
    }
  }

  function* authEvent(ctx) {
    const { rng } = ctx;
    const who = `${rng.pick(FIRST)}@example.com`;
    const ip = natIp(rng);
    if (rng.chance(0.1)) yield `${rng.pick(['FAIL_PASSWORD', 'FAIL_UNKNOWN_USER', 'FAIL_LOCKED'])},${who},${ip}`;
    else yield `LOGIN_SUCCESS,${who},${ip}`;
  }

  function* cdr(ctx) {
    const { rng } = ctx;
    const src = String(rng.range(900, 960));
    const dst = rng.chance(0.3) ? `+3906${rng.range(1000000, 9999999)}` : String(rng.range(900, 960));
    const r = rng.next();
    const disposition = r < 0.7 ? 'ANSWERED' : r < 0.82 ? 'NO_ANSWER' : r < 0.93 ? 'BUSY' : 'FAILED';
    const seconds = disposition === 'ANSWERED' ? rng.range(3, 5400) : 0;
    yield `${src},${dst},${thousands(seconds)},${disposition}`;
  }

  let id = 0;
  function* account(ctx) {
    const { rng } = ctx;
    // Listed by id, which follows registration order: expiry times go up with the rows.
    const expires = Math.min(DAY_MS - 1, ctx.ms + 3_600_000);
    yield `${++id}\t${rng.range(900, 1999)}\t${natIp(rng)}\t${rng.range(20000, 40000)}\t${name(rng)}\t${timeText(expires, false)}\t${rng.pick(AGENTS)}`;
  }

  function timeText(ms, millis) {
    return `${day} ${clock.hms(ms)}${millis ? '.' + ms3(ms) : ''}`;
  }

  const kinds = {
    sessions: { title: 'SessionLogEntry List\n\nTimestamp\tEvent\tSource\tPeername\tAccount\tDetails\tUseragent\tRemoteaddr\tTiscipher\tReconciled\n', make: sipSession, sep: '\t', millis: true },
    accounts: { title: 'Registered Accounts\n\nId\tUsername\tIpAddr\tPort\tDescription\tRegistration Expires\tUserAgent\n', make: account, sep: '' },
    auth: { title: 'AuthenticationEvent List\n\nDate Created \u25bc,Event Type,Principal,IP Address\n', make: authEvent, sep: ',', millis: false },
    cdr: { title: 'Cdr List\n\nCall Date \u25bc,Src,Dst,Duration,Disposition\n', make: cdr, sep: ',', millis: false },
  };
  const kind = kinds[table];

  return {
    concurrency: table === 'sessions' ? 24 : 1,
    regressRate: table === 'accounts' ? 0 : 1 / 100_000,
    // Newest first: the clock runs from the end of the day back to its start.
    stamp(ms) {
      return kind.sep ? timeText(DAY_MS - 1 - ms, kind.millis) + kind.sep : '';
    },
    start(ctx) {
      ctx.out.writeUtf8(kind.title);
      if (table === 'accounts') ctx.regressAt = [];
    },
    session(ctx) {
      return kind.make(ctx);
    },
  };
}
