#!/usr/bin/env node
// The project's deterministic log generator: realistic, interleaved logs of every dialect, of any
// size, for samples, tests and benchmarks. Same arguments → same bytes.
//
//   node scripts/gen-logs.mjs DIALECT MEGABYTES OUTFILE [SEED] [--date YYYY-MM-DD] [--delivery FILE] [--table NAME]
//
// DIALECT: communigate, emg, axigen, messaging-server, privateserver. MEGABYTES may be a fraction
// (0.5); a megabyte is 1,000,000 bytes and the file ends at the first record boundary past the size.
// --date: the day the log covers (default 2026-01-15; CommuniGate writes no date in its records, so
//   name the file YYYY-MM-DD.log to give it one). --delivery FILE (communigate): also write the
//   Delivery (supplementary) log of the same messages. --table (privateserver): sessions (default),
//   accounts, auth or cdr.
import { DAY_MS, Out, Rng, run } from './gen-logs/core.mjs';
import { communigate } from './gen-logs/communigate.mjs';
import { emg } from './gen-logs/emg.mjs';
import { axigen } from './gen-logs/axigen.mjs';
import { messagingServer } from './gen-logs/messagingServer.mjs';
import { privateServer } from './gen-logs/privateServer.mjs';

const DIALECTS = {
  communigate: (o) => communigate({ delivery: o.delivery ? new Out(o.delivery) : undefined }),
  emg: (o) => emg(o),
  axigen: (o) => axigen(o),
  'messaging-server': (o) => messagingServer(o),
  privateserver: (o) => privateServer(o),
};
const USAGE = 'usage: gen-logs.mjs DIALECT MEGABYTES OUTFILE [SEED] [--date YYYY-MM-DD] [--delivery FILE] [--table sessions|accounts|auth|cdr]';

function fail(message) {
  process.stderr.write(`gen-logs: ${message}\n${USAGE}\n`);
  process.exit(2);
}

const positional = [];
const options = { date: '2026-01-15', delivery: undefined, table: 'sessions' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--help' || a === '-h') {
    process.stdout.write(`${USAGE}\ndialects: ${Object.keys(DIALECTS).join(', ')}\n`);
    process.exit(0);
  }
  const m = /^--(date|delivery|table)(?:=(.*))?$/.exec(a);
  if (m) {
    const value = m[2] ?? argv[++i];
    if (value === undefined) fail(`${a} needs a value`);
    options[m[1]] = value;
  } else if (a.startsWith('--')) fail(`unknown option ${a}`);
  else positional.push(a);
}
const [dialect, megabytes, outFile, seedText = '1'] = positional;
if (!dialect || !megabytes || !outFile || positional.length > 4) fail('missing arguments');
if (!DIALECTS[dialect]) fail(`unknown dialect ${dialect} (one of ${Object.keys(DIALECTS).join(', ')})`);
const mb = Number(megabytes);
if (!(mb > 0)) fail(`bad size ${megabytes}`);
const seed = Number.parseInt(seedText, 10);
if (!Number.isFinite(seed)) fail(`bad seed ${seedText}`);
const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(options.date);
if (!dm) fail(`bad date ${options.date}`);
if (!['sessions', 'accounts', 'auth', 'cdr'].includes(options.table)) fail(`unknown table ${options.table}`);
const date = { y: Number(dm[1]), m: Number(dm[2]), d: Number(dm[3]), epochMs: Date.UTC(Number(dm[1]), Number(dm[2]) - 1, Number(dm[3])) };

const out = new Out(outFile);
const rng = new Rng(seed);
run(DIALECTS[dialect]({ ...options, date }), { out, bytes: Math.round(mb * 1e6), rng, date, dayMs: DAY_MS });
out.close();
