// EMG connector log (`Mon DD hh:mm:ss.mmm (INSTANCE) EVENT STATUS[ (INFO)][ OPTIONS]`,
// docs/FORMATS.md §2.3). Application clients connect over MGP and hand in messages (RECEIVE, each with
// its EMG message id in option 001); SMSC connections deliver them (SEND with the same 001 id, retries
// after ERR, EXPIRE and MAXFAIL when they give up) and bring back delivery reports (RECEIVE with
// 025:5), some of which match no message (`orphaned`). Instances are reused after DISCONNECT, so
// one instance has several connect spans.
import { ClockText, MONTHS, ms3 } from './core.mjs';
import { clientIp, FIRST } from './people.mjs';

export function emg({ date }) {
  const clock = new ClockText();
  const day = `${MONTHS[date.m - 1]} ${date.d < 10 ? ' ' + date.d : date.d}`;
  const busy = new Set();
  /** Messages handed in and not yet sent: [id, source, destination, length, user]. */
  const pending = [];
  let messageId = 70;

  function instance(rng) {
    for (;;) {
      const i = rng.range(1, 40);
      if (!busy.has(i)) {
        busy.add(i);
        return i;
      }
    }
  }
  const epoch = (ctx) => Math.floor((date.epochMs + ctx.ms) / 1000);
  const phone = (rng) => `4670${rng.range(1000000, 9999999)}`;
  const stamps = (ctx) => `093:${epoch(ctx)} 094:${ctx.ms % 1000}`;
  const final = (ctx) => `095:${epoch(ctx)} 096:${ctx.ms % 1000}`;

  function* client(ctx) {
    const { rng } = ctx;
    const n = instance(rng);
    const i = `(${n})`;
    const ip = clientIp(rng);
    const user = rng.pick(['stenor', 'webshop', 'alerts', 'bank2fa', 'newsletter', rng.pick(FIRST)]);
    try {
      yield `${i} CONNECT OK (info="${ip}")`;
      if (rng.chance(0.06)) {
        yield `${i} LOGIN ERR (info="invalid password")`;
        yield `${i} DISCONNECT OK`;
        return;
      }
      yield `${i} LOGIN OK (info="${user}")`;
      for (let k = rng.range(1, 12); k > 0; k--) {
        const id = ++messageId;
        const src = rng.chance(0.5) ? user.toUpperCase().slice(0, 11) : phone(rng);
        const dst = phone(rng);
        const len = rng.range(3, 160);
        if (rng.chance(0.03)) {
          yield `${i} REJECT ERR (info="invalid destination address") 001:${id} 002:${src} 008:0${dst.slice(4)} 022:${user} 034:${ip} 059:mgp`;
          continue;
        }
        yield `${i} RECEIVE OK 001:${id} 002:${src} 008:${dst} 009:1 010:1 017:${len} 022:${user} 034:${ip} 059:mgp ${stamps(ctx)}`;
        pending.push([id, src, dst, len, user]);
      }
      if (rng.chance(0.04)) {
        yield `${i} DISCONNECT ERR (info="connection reset by peer")`;
        return;
      }
      yield `${i} LOGOUT OK`;
      yield `${i} DISCONNECT OK`;
    } finally {
      busy.delete(n);
    }
  }

  function* smsc(ctx) {
    const { rng } = ctx;
    const n = instance(rng);
    const i = `(${n})`;
    const connector = rng.pick(['smpp1', 'smpp2', 'ucp1']);
    try {
      if (rng.chance(0.04)) {
        yield `${i} CONNECT ERR (info="connection refused by 203.0.113.20:2775")`;
        return;
      }
      yield `${i} CONNECT OK`;
      yield `${i} LOGIN OK`;
      for (let k = rng.range(4, 30); k > 0; k--) {
        const m = pending.length > 0 ? pending.shift() : [++messageId, 'INFO', phone(rng), rng.range(3, 160), 'stenor'];
        const [id, src, dst, len, user] = m;
        const opts = `001:${id} 002:${src} 008:${dst} 009:1 010:1 022:${user} 059:${connector}`;
        const fate = rng.next();
        if (fate < 0.06) {
          yield `${i} SEND ERR (pdu=1/1,info="${rng.pick(['72', '88', '58'])}") ${opts} ${stamps(ctx)} 017:${len}`;
          yield rng.chance(0.7) ? `${i} SEND OK (pdu=1/1) ${opts} 019:1 ${stamps(ctx)} ${final(ctx)} 017:${len}` : `${i} MAXFAIL ERR (info="max retries reached") ${opts} 017:${len}`;
        } else if (fate < 0.08) {
          yield `${i} EXPIRE ERR (info="validity period elapsed") ${opts} 017:${len}`;
        } else {
          const parts = len > 153 ? 2 : 1;
          yield `${i} SEND OK (pdu=${parts}/${parts}) ${opts} 019:1 ${stamps(ctx)} ${final(ctx)} 017:${len}`;
          if (rng.chance(0.5)) {
            const report = ++messageId;
            yield `${i} RECEIVE OK 001:${report} 002:${dst} 008:${src} 025:5 059:${connector} ${stamps(ctx)} 017:${rng.range(90, 120)}`;
          }
        }
        if (rng.chance(0.02)) yield `${i} RECEIVE OK (orphaned) 001:${++messageId} 002:${phone(rng)} 008:${phone(rng)} 025:5 059:${connector} ${stamps(ctx)} 017:${rng.range(90, 120)}`;
      }
      yield `${i} LOGOUT OK`;
      yield `${i} DISCONNECT OK`;
    } finally {
      busy.delete(n);
    }
  }

  return {
    concurrency: 10,
    regressRate: 1 / 200_000,
    stamp(ms) {
      return `${day} ${clock.hms(ms)}.${ms3(ms)} `;
    },
    session(ctx) {
      return ctx.rng.chance(0.6) ? client(ctx) : smsc(ctx);
    },
  };
}
