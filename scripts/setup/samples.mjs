#!/usr/bin/env node
// Realistic samples made by the project's generator when `npm start` opens the samples (never
// committed: samples/generated/ is git-ignored): a day of each dialect, a CommuniGate Delivery log
// of the same messages, every PrivateServer table, and a CommuniGate log above 50 MB to show how
// the editor hands large logs to the language server. Made again only when the generator changed.
//   node scripts/setup/samples.mjs [--force]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './deps.mjs';

export const GENERATED = path.join(ROOT, 'samples', 'generated');
const GENERATOR = path.join(ROOT, 'scripts', 'gen-logs.mjs');

/** [dialect, megabytes, file under samples/generated, extra arguments] */
const SAMPLES = [
  ['communigate', 3, 'communigate/SystemLogs/2026-01-15.log', ['--delivery', 'communigate/SystemLogs/Delivery/2026-01-15.log']],
  ['emg', 1.5, 'emg/log/connector.smpp1', []],
  ['axigen', 2, 'axigen/log/everything.txt', []],
  ['messaging-server', 2, 'messaging-server/imap.log', []],
  ['privateserver', 0.5, 'privateserver/sip-sessions.tsv', ['--table', 'sessions']],
  ['privateserver', 0.1, 'privateserver/accounts.tsv', ['--table', 'accounts']],
  ['privateserver', 0.2, 'privateserver/auth-events.csv', ['--table', 'auth']],
  ['privateserver', 0.2, 'privateserver/cdr.csv', ['--table', 'cdr']],
  ['communigate', 60, 'large/SystemLogs/2026-01-16.log', ['--date', '2026-01-16']],
];

/** A fingerprint of the generator's sources and the list above: a change makes the samples again. */
function fingerprint() {
  const hash = createHash('sha256').update(JSON.stringify(SAMPLES));
  const dir = path.join(ROOT, 'scripts', 'gen-logs');
  for (const f of [GENERATOR, ...fs.readdirSync(dir).sort().map((n) => path.join(dir, n))]) hash.update(fs.readFileSync(f));
  return hash.digest('hex');
}

export function generateSamples({ force = false, who = 'samples' } = {}) {
  const stampFile = path.join(GENERATED, '.fingerprint');
  const want = fingerprint();
  if (!force && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === want) return;
  console.log(`${who}: generating realistic sample logs in samples/generated/ (about 70 MB, a few seconds)…`);
  fs.rmSync(GENERATED, { recursive: true, force: true });
  for (const [dialect, mb, file, extra] of SAMPLES) {
    const out = path.join(GENERATED, file);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const args = extra.map((a) => (a.includes('/') ? path.join(GENERATED, a) : a));
    for (const a of args) if (a.startsWith(GENERATED)) fs.mkdirSync(path.dirname(a), { recursive: true });
    const r = spawnSync(process.execPath, [GENERATOR, dialect, String(mb), out, '1', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`gen-logs ${dialect} ${mb} ${file} failed (exit ${r.status})`);
  }
  fs.writeFileSync(stampFile, want);
}

if (import.meta.url === `file://${process.argv[1]}`) generateSamples({ force: process.argv.includes('--force') });
