// The ClickHouse recipe of docs/clickhouse.md on a real server: a clickhouse-server (Debian package)
// started from a temporary copy of its configuration on free loopback ports, with a cluster of two
// shards; the documented tables are created, a generated CommuniGate log and Axigen log are loaded with
// the documented `msglog export … | curl` command, and SQL counts per severity, per (source, session) and
// per hour must equal msglog's. Where clickhouse-server or curl is missing the test is skipped with a
// message, except under CI=true, where it fails (.ci/run installs both).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { openLogFile, SEVERITY_NAMES } from '../../server/src/engine';
import { ROOT } from './helpers';

const BIN = path.join(ROOT, 'bin/msglog.js');
const DOC = path.join(ROOT, 'docs/clickhouse.md');
const PACKAGED_CONFIG = '/etc/clickhouse-server';

/** The server binary of the Debian package, or undefined. */
function serverBinary(): string | undefined {
  for (const p of ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server']) if (fs.existsSync(p)) return p;
  const which = spawnSync('sh', ['-c', 'command -v clickhouse-server'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

function hasCurl(): boolean {
  return spawnSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).status === 0;
}

/** The fenced block after `<!-- clickhouse:NAME -->` in docs/clickhouse.md. */
function docBlock(name: string): string {
  const text = fs.readFileSync(DOC, 'utf8');
  const m = new RegExp(`<!-- clickhouse:${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(text);
  assert.ok(m, `docs/clickhouse.md has a ${name} block`);
  return m[1];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The packaged config with data, logs and users under `dir`, our ports, and a two-shard test cluster. */
function writeConfig(dir: string, httpPort: number, tcpPort: number): string {
  let c = fs.readFileSync(path.join(PACKAGED_CONFIG, 'config.xml'), 'utf8');
  const set = (tag: string, value: string): void => {
    const re = new RegExp(`<${tag}>[^<]*</${tag}>`);
    assert.ok(re.test(c), `the packaged config.xml has <${tag}>`);
    c = c.replace(re, `<${tag}>${value}</${tag}>`);
  };
  set('log', path.join(dir, 'log/server.log'));
  set('errorlog', path.join(dir, 'log/server.err.log'));
  set('http_port', String(httpPort));
  set('tcp_port', String(tcpPort));
  set('path', `${path.join(dir, 'data')}/`);
  set('tmp_path', `${path.join(dir, 'tmp')}/`);
  set('user_files_path', `${path.join(dir, 'user_files')}/`);
  set('format_schema_path', `${path.join(dir, 'format_schemas')}/`);
  set('users_config', path.join(dir, 'users.xml'));
  // Loopback IPv4 only, and no replication port.
  c = c.replace(/\s*<interserver_http_port>[^<]*<\/interserver_http_port>/, '').replace(/\s*<listen_host>::1?<\/listen_host>/g, '');
  const shard = (db: string): string => `<shard><replica><host>127.0.0.1</host><port>${tcpPort}</port><default_database>${db}</default_database></replica></shard>`;
  c = c.replace(/<remote_servers[^>]*>[\s\S]*?<\/remote_servers>/, `<remote_servers><msglog_test>${shard('shard1')}${shard('shard2')}</msglog_test></remote_servers>`);
  const file = path.join(dir, 'config.xml');
  fs.writeFileSync(file, c);
  fs.copyFileSync(path.join(PACKAGED_CONFIG, 'users.xml'), path.join(dir, 'users.xml'));
  fs.mkdirSync(path.join(dir, 'log'), { recursive: true });
  return file;
}

function query(port: number, sql: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // A connection per query: ClickHouse closes idle keep-alive connections after 3 s.
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`ClickHouse ${res.statusCode}: ${body.trim()}\n${sql}`))));
    });
    req.on('error', (e) => reject(new Error(`${e.message}: ${sql.slice(0, 200)}`)));
    req.end(sql);
  });
}

/** Polls the HTTP interface until the server answers, or fails if it exits first. */
async function waitReady(port: number, server: ChildProcess, logDir: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) {
      const err = fs.existsSync(path.join(logDir, 'server.err.log')) ? fs.readFileSync(path.join(logDir, 'server.err.log'), 'utf8').slice(-2000) : '';
      throw new Error(`clickhouse-server exited (${server.exitCode ?? server.signalCode}) before answering:\n${err}`);
    }
    try {
      if ((await query(port, 'SELECT 1')).trim() === '1') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('clickhouse-server did not answer within 120 s');
    await new Promise<void>((resolve) => setTimeout(resolve, 250)); // the next poll
  }
}

/** Stops the server we started, by its pid: TERM, then KILL if it has not exited in 60 s. */
async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  process.kill(server.pid!, 'SIGTERM');
  const timer = setTimeout(() => {
    if (server.exitCode === null) process.kill(server.pid!, 'SIGKILL');
  }, 60_000);
  await exited;
  clearTimeout(timer);
}

/** A deterministic pseudo-random sequence (the same logs on every run). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** A CommuniGate log of one day: IMAP/SMTP sessions, SIP packets with Call-IDs, queue records, all levels. */
function communigateLog(records: number): string {
  const rnd = prng(12);
  const out: string[] = [];
  let ms = 3_600_000 * 0.5;
  for (let i = 0; i < records; i++) {
    ms += Math.floor(rnd() * 9000);
    const t = `${two(Math.floor(ms / 3_600_000))}:${two(Math.floor(ms / 60_000) % 60)}:${two(Math.floor(ms / 1000) % 60)}.${String(ms % 1000).padStart(3, '0')}`;
    const level = [2, 4, 5, 5, 5, 3, 1, 4][Math.floor(rnd() * 8)];
    const kind = Math.floor(rnd() * 4);
    const n = 100 + Math.floor(rnd() * 60);
    if (kind === 0) out.push(`${t} ${level} IMAP-${String(n).padStart(6, '0')}([10.0.${n % 7}.${n % 200}]) ${level === 1 ? 'read failed' : 'inp: 1 NOOP'}`);
    else if (kind === 1) out.push(`${t} ${level} SMTPI-${String(n).padStart(6, '0')}([192.0.2.${n % 250}]) got connection from [192.0.2.${n % 250}]:${40000 + n}`);
    else if (kind === 2) out.push(`${t} 5 SIPDATA-${String(n).padStart(6, '0')} inp: INVITE sip:u${n}@example.com SIP/2.0`, `  Call-ID: call-${n}@203.0.113.7`, '  CSeq: 1 INVITE');
    else out.push(`${t} ${level} QUEUE([${9_000_000 + n}]) enqueued: from <a${n}@example.org> size=${n * 13}`);
  }
  return `${out.join('\n')}\n`;
}

/** An Axigen log in +0200 crossing UTC hours: host, service:session, all written levels. */
function axigenLog(records: number): string {
  const rnd = prng(34);
  const out: string[] = [];
  let s = 8 * 3600 + 40 * 60;
  for (let i = 0; i < records; i++) {
    s += Math.floor(rnd() * 4);
    const t = `2026-01-15 ${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)} +0200`;
    const ll = ['08', '16', '16', '04', '02', '01', '08'][Math.floor(rnd() * 7)];
    const id = (0xa00 + Math.floor(rnd() * 40)).toString(16).toUpperCase().padStart(8, '0');
    const service = ['SMTP-IN', 'IMAP', 'WEBMAIL'][Math.floor(rnd() * 3)];
    out.push(`${t} ${ll} mail0${1 + (i % 2)} ${service}:${id}: ${ll === '08' ? `Connection accepted from 203.0.113.${i % 250}:${50000 + (i % 999)}` : '>> 250 OK'}`);
  }
  return `${out.join('\n')}\n`;
}

/** msglog's counts: per severity and per UTC hour from the engine, per (source, session) from `msglog sessions --json`. */
function msglogCounts(files: string[]): { severity: Map<string, number>; session: Map<string, number>; hour: Map<string, number> } {
  const severity = new Map<string, number>();
  const hour = new Map<string, number>();
  const session = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string, n = 1): void => void m.set(k, (m.get(k) ?? 0) + n);
  for (const file of files) {
    const index = openLogFile(file, { fileName: path.basename(file) });
    for (let r = 0; r < index.recordCount; r++) {
      bump(severity, SEVERITY_NAMES[index.recSeverity[r]]);
      const h = new Date(Math.floor(index.normalized(r) / 3_600_000) * 3_600_000).toISOString();
      bump(hour, `${h.slice(0, 10)} ${h.slice(11, 19)}`);
    }
    const listed = spawnSync(process.execPath, [BIN, 'sessions', file, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(listed.status, 0, listed.stderr);
    for (const s of (JSON.parse(listed.stdout) as { sessions: { key: string; records: number }[] }).sessions) bump(session, `${file}\t${s.key}`, s.records);
  }
  return { severity, session, hour };
}

/** `a\tb\tcount` rows → map of `a\tb` → count. */
function rows(tsv: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of tsv.split('\n')) {
    if (!line) continue;
    const cells = line.split('\t');
    m.set(cells.slice(0, -1).join('\t'), Number(cells[cells.length - 1]));
  }
  return m;
}

test('ClickHouse: the documented tables and load command give msglog’s counts per severity, session and hour', { timeout: 600_000 }, async (t) => {
  const binary = serverBinary();
  const missing = !binary ? 'clickhouse-server is not installed (apt-get install clickhouse-server)' : !hasCurl() ? 'curl is not installed (apt-get install curl)' : !fs.existsSync(path.join(PACKAGED_CONFIG, 'config.xml')) ? `${PACKAGED_CONFIG}/config.xml is missing` : '';
  if (missing) {
    if (process.env.CI === 'true') assert.fail(`${missing}: CI must run this test`);
    t.skip(missing);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-clickhouse-'));
  const logs = path.join(dir, 'logs');
  fs.mkdirSync(path.join(logs, 'axigen'), { recursive: true });
  const files = [path.join(logs, '2026-01-15.log'), path.join(logs, 'axigen/everything.txt')];
  fs.writeFileSync(files[0], communigateLog(6000));
  fs.writeFileSync(files[1], axigenLog(3000));

  const httpPort = await freePort();
  let tcpPort = await freePort();
  while (tcpPort === httpPort) tcpPort = await freePort();
  const config = writeConfig(dir, httpPort, tcpPort);
  const server = spawn(binary!, [`--config-file=${config}`], { cwd: dir, stdio: ['ignore', fs.openSync(path.join(dir, 'log/stdout.log'), 'w'), fs.openSync(path.join(dir, 'log/stderr.log'), 'w')] });
  try {
    await waitReady(httpPort, server, path.join(dir, 'log'));
    const version = (await query(httpPort, 'SELECT version()')).trim();
    t.diagnostic(`clickhouse-server ${version} on 127.0.0.1:${httpPort}`);

    for (const db of ['shard1', 'shard2']) {
      await query(httpPort, `CREATE DATABASE ${db}`);
      await query(httpPort, docBlock('local-table').replace('CREATE TABLE logs.msglog', `CREATE TABLE ${db}.msglog`));
    }
    // The documented Distributed table, over the test cluster; '' = each replica's default database.
    await query(httpPort, 'CREATE DATABASE logs');
    const distributed = docBlock('distributed-table').replace('Distributed(logs_cluster, logs, msglog,', "Distributed(msglog_test, '', msglog,");
    assert.notEqual(distributed, docBlock('distributed-table'));
    await query(httpPort, distributed);

    // The documented one-line load command, with our files, port and a synchronous distributed insert.
    const load = docBlock('load')
      .replace(/^msglog /, `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} `)
      .replace('FILE…', files.map((f) => JSON.stringify(f)).join(' '))
      .replace('http://localhost:8123/', `http://127.0.0.1:${httpPort}/`)
      .replace("input_format_skip_unknown_fields=1'", "input_format_skip_unknown_fields=1&insert_distributed_sync=1'");
    const loaded = spawnSync('bash', ['-o', 'pipefail', '-c', load], { encoding: 'utf8' });
    assert.equal(loaded.status, 0, `${load}\n${loaded.stderr}${loaded.stdout}`);

    const expected = msglogCounts(files);
    const total = [...expected.severity.values()].reduce((a, b) => a + b, 0);
    assert.equal(Number(await query(httpPort, 'SELECT count() FROM logs.msglog_all')), total);
    assert.deepEqual(rows(await query(httpPort, 'SELECT `messaging.severity`, count() FROM logs.msglog_all GROUP BY `messaging.severity` FORMAT TabSeparated')), expected.severity);
    assert.deepEqual(rows(await query(httpPort, 'SELECT `messaging.source`, `messaging.session`, count() FROM logs.msglog_all GROUP BY `messaging.source`, `messaging.session` FORMAT TabSeparated')), expected.session);
    assert.deepEqual(rows(await query(httpPort, 'SELECT toStartOfHour(timestamp) AS hour, count() FROM logs.msglog_all GROUP BY hour FORMAT TabSeparated')), expected.hour);
    assert.ok(expected.hour.size >= 3, 'the logs span several hours');

    // Both shards hold rows, and no session is split between them.
    const perShard = await Promise.all(['shard1', 'shard2'].map(async (db) => Number(await query(httpPort, `SELECT count() FROM ${db}.msglog`))));
    assert.ok(perShard.every((n) => n > 0), `rows on both shards: ${perShard.join(', ')}`);
    const split = await query(httpPort, "SELECT count() FROM (SELECT `messaging.source`, `messaging.session` FROM shard1.msglog GROUP BY `messaging.source`, `messaging.session`) ANY INNER JOIN (SELECT `messaging.source`, `messaging.session`, 1 AS x FROM shard2.msglog GROUP BY `messaging.source`, `messaging.session`) USING (`messaging.source`, `messaging.session`)");
    assert.equal(Number(split), 0);

    // Whole seconds in `timestamp`, the written fraction in `timestamp_us`, the offset honoured.
    const first = (await query(httpPort, `SELECT timestamp, timestamp_us, \`@timestamp\` FROM logs.msglog_all WHERE \`log.file.path\` = '${files[0]}' AND \`log.file.line\` = 1 FORMAT TabSeparated`)).trim().split('\t');
    const line1 = fs.readFileSync(files[0], 'utf8').slice(0, 12);
    assert.deepEqual(first, [`2026-01-15 ${line1.slice(0, 8)}`, String(Number(line1.slice(9)) * 1000), `2026-01-15T${line1}Z`]);
    const ax = (await query(httpPort, `SELECT timestamp, \`host.name\` FROM logs.msglog_all WHERE \`log.file.path\` = '${files[1]}' AND \`log.file.line\` = 1 FORMAT TabSeparated`)).trim().split('\t');
    const axLine = fs.readFileSync(files[1], 'utf8').slice(0, 19);
    const utc = new Date(`${axLine.replace(' ', 'T')}+02:00`).toISOString();
    assert.deepEqual(ax, [`${utc.slice(0, 10)} ${utc.slice(11, 19)}`, 'mail01']);
  } finally {
    await stop(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
