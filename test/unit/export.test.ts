// msglog export (FORMATS §13) as users run it, on a log of each of the five dialects: every ECS key is
// checked against the Elastic Common Schema's own field list (@elastic/ecs), and every OTLP line goes
// through the OpenTelemetry protobuf types that @opentelemetry/otlp-transformer generates from the
// official .proto files (JSON → message → protobuf bytes → message → JSON must give the line back).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { EcsFlat } from '@elastic/ecs';
import { openLogFile, otelSeverityNumber, SEVERITY_NAMES } from '../../server/src/engine';
import { ROOT } from './helpers';

// The generated protobufjs module has no type declarations of its own that fit here: describe the
// two static methods used.
interface ProtoType {
  fromObject(o: unknown): unknown;
  encode(m: unknown): { finish(): Uint8Array };
  decode(b: Uint8Array): unknown;
  toObject(m: unknown, o: Record<string, unknown>): unknown;
}
 
const generated = require('@opentelemetry/otlp-transformer/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { logs: { v1: { ExportLogsServiceRequest: ProtoType } } } } };
};
const ExportLogsServiceRequest = generated.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

const BIN = path.join(ROOT, 'bin/msglog.js');
const SAMPLES = {
  'communigate-log': 'samples/communigate/SystemLogs/2026-01-15.log',
  'emg-log': 'samples/emg/log/connector.smpp1',
  'axigen-log': 'samples/axigen/log/everything.txt',
  'messaging-server-log': 'samples/messaging-server/imap.log',
  'privateserver-log': 'samples/privateserver/sip-sessions.tsv',
} as const;

/** Field names of our own (FORMATS §13) or per dialect, outside ECS. */
const OWN_PREFIXES = ['messaging.', 'emg.', 'axigen.', 'messaging_server.', 'privateserver.', 'communigate.', 'sip.'];

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-export-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function msglog(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT, maxBuffer: 256 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lines(text: string): string[] {
  assert.ok(text.endsWith('\n'), 'NDJSON ends with a newline');
  return text.slice(0, -1).split('\n');
}

function recordCount(file: string): number {
  const index = openLogFile(path.join(ROOT, file), { fileName: path.basename(file), mtimeMs: fs.statSync(path.join(ROOT, file)).mtimeMs });
  return index.recordCount;
}

type Doc = Record<string, unknown>;

/** Every key of an ECS document is an ECS field with a value of its type, or one of our own. */
function checkEcsDocument(doc: Doc): void {
  const flat = EcsFlat as Record<string, { type: string; allowed_values?: { name: string }[] } | undefined>;
  for (const [key, value] of Object.entries(doc)) {
    const def = flat[key];
    if (!def) {
      assert.ok(key === 'log.file.line' || OWN_PREFIXES.some((p) => key.startsWith(p)), `${key} is neither an ECS field nor one of msglog's`);
      assert.ok(typeof value === 'string' || Number.isInteger(value), `${key} is a string or an integer`);
      continue;
    }
    switch (def.type) {
      case 'keyword':
      case 'wildcard':
      case 'match_only_text':
      case 'text':
        assert.equal(typeof value, 'string', `${key} (${def.type}) is a string`);
        break;
      case 'long':
        assert.ok(Number.isInteger(value), `${key} (long) is an integer: ${String(value)}`);
        break;
      case 'ip':
        assert.ok(net.isIP(String(value)) !== 0, `${key} (ip) is an address: ${String(value)}`);
        break;
      case 'date':
        assert.match(String(value), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/, `${key} is RFC 3339 in UTC`);
        break;
      default:
        assert.fail(`${key} has ECS type ${def.type}, which the exporter does not write`);
    }
    if (def.allowed_values) assert.ok(def.allowed_values.some((v) => v.name === value), `${key}: ${String(value)} is an allowed value`);
  }
}

/** The line parses as an ExportLogsServiceRequest and survives protobuf encoding unchanged. */
function checkOtlpLine(line: string): Doc {
  const request = JSON.parse(line) as Doc;
  const message = ExportLogsServiceRequest.fromObject(request);
  const decoded = ExportLogsServiceRequest.decode(ExportLogsServiceRequest.encode(message).finish());
  const back = ExportLogsServiceRequest.toObject(decoded, { longs: String, enums: Number, bytes: String, defaults: false, json: true });
  assert.deepEqual(back, request, 'the line is exactly what the protobuf JSON mapping gives back');
  return request;
}

interface OtlpRecord {
  timeUnixNano?: string;
  severityNumber: number;
  severityText: string;
  body: { stringValue: string };
  attributes: { key: string; value: { stringValue?: string; intValue?: string } }[];
}
interface OtlpRequest {
  resourceLogs: { resource: { attributes: { key: string; value: { stringValue: string } }[] }; scopeLogs: { scope: { name: string }; logRecords: OtlpRecord[] }[] }[];
}

for (const [dialect, file] of Object.entries(SAMPLES)) {
  test(`ECS export of a ${dialect} log: one document per record, ECS names and types`, () => {
    const r = msglog('export', file, '--format', 'ecs');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const docs = lines(r.stdout).map((l) => JSON.parse(l) as Doc);
    assert.equal(docs.length, recordCount(file));
    docs.forEach(checkEcsDocument);
    for (const [i, d] of docs.entries()) {
      assert.equal(d['event.dataset'], dialect);
      assert.equal(d['log.file.path'], file);
      assert.equal(d['messaging.source'], file);
      assert.equal(typeof d['messaging.session'], 'string');
      assert.ok(SEVERITY_NAMES.includes(d['messaging.severity'] as never));
      assert.equal(d['event.severity'], otelSeverityNumber(SEVERITY_NAMES.indexOf(d['messaging.severity'] as never)));
      if (i > 0) assert.ok((d['log.file.line'] as number) > (docs[i - 1]['log.file.line'] as number), 'file order');
    }
  });

  test(`OTLP export of a ${dialect} log parses against the OpenTelemetry proto types`, () => {
    const r = msglog('export', file, '--format', 'otlp');
    assert.equal(r.code, 0, r.stderr);
    const requests = lines(r.stdout).map(checkOtlpLine) as unknown as OtlpRequest[];
    const ecs = lines(msglog('export', file, '--format', 'ecs').stdout).map((l) => JSON.parse(l) as Doc);
    const records = requests.flatMap((q) => q.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((s) => s.logRecords)));
    assert.equal(records.length, ecs.length);
    for (const q of requests) {
      for (const rl of q.resourceLogs) {
        const attrs = Object.fromEntries(rl.resource.attributes.map((a) => [a.key, a.value.stringValue]));
        assert.equal(attrs['event.dataset'], dialect, 'the dialect is in the resource');
        assert.ok(attrs['service.name']);
      }
    }
    for (const [i, rec] of records.entries()) {
      const doc = ecs[i];
      // The same instant and the same severity as the ECS document.
      const ms = Date.parse(doc['@timestamp'] as string);
      assert.equal(BigInt(rec.timeUnixNano!) / 1_000_000n, BigInt(ms), `time of record ${i}`);
      assert.equal(rec.severityNumber, doc['event.severity']);
      assert.ok(rec.severityNumber >= 1 && rec.severityNumber <= 24);
      assert.equal(rec.body.stringValue, doc.message);
      const attrs = Object.fromEntries(rec.attributes.map((a) => [a.key, a.value.stringValue ?? Number(a.value.intValue)]));
      assert.equal(attrs['messaging.session'], doc['messaging.session']);
      assert.equal(attrs['messaging.severity'], doc['messaging.severity']);
      assert.equal(attrs['messaging.component'], doc['messaging.component']);
      assert.equal(attrs['log.file.line'], doc['log.file.line']);
      if (doc['source.ip'] !== undefined) assert.equal(attrs['source.address'], doc['source.ip'], 'OTel semantic-convention name');
      if (doc['user.name'] !== undefined) assert.equal(attrs['user.name'], doc['user.name']);
    }
  });
}

test('times are UTC: written offsets honoured, --utc-offset for logs that write none', () => {
  const first = (file: string, ...more: string[]): Doc => JSON.parse(lines(msglog('export', file, '--format', 'ecs', ...more).stdout)[0]) as Doc;
  // 2026-01-15 09:00:00 +0200
  assert.equal(first(SAMPLES['axigen-log'])['@timestamp'], '2026-01-15T07:00:00Z');
  // [15/Jan/2026:10:02:11 +0100]
  assert.equal(first(SAMPLES['messaging-server-log'])['@timestamp'], '2026-01-15T09:02:11Z');
  // 00:00:00.012 in 2026-01-15.log: no offset written, UTC unless told; the fraction as written
  assert.equal(first(SAMPLES['communigate-log'])['@timestamp'], '2026-01-15T00:00:00.012Z');
  assert.equal(first(SAMPLES['communigate-log'], '--utc-offset', '+02:00')['@timestamp'], '2026-01-14T22:00:00.012Z');
  assert.equal(first(SAMPLES['emg-log'], '--utc-offset', '-05:30')['@timestamp'], `${first(SAMPLES['emg-log'])['@timestamp']}`.replace('08:12:04.306', '13:42:04.306'));
  // A written offset wins over --utc-offset.
  assert.equal(first(SAMPLES['axigen-log'], '--utc-offset', '+05:00')['@timestamp'], '2026-01-15T07:00:00Z');
  const bad = msglog('export', SAMPLES['emg-log'], '--format', 'ecs', '--utc-offset', '2h');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^msglog: bad --utc-offset "2h"/);
});

test('dialect fields: addresses, accounts, queue ids, Call-IDs, EMG options by name, processes, columns', () => {
  const docs = (file: string): Doc[] => lines(msglog('export', file, '--format', 'ecs').stdout).map((l) => JSON.parse(l) as Doc);
  const cg = docs(SAMPLES['communigate-log']);
  assert.ok(cg.some((d) => d['source.ip'] === '10.0.1.15' && d['source.port'] === 51234));
  assert.ok(cg.some((d) => d['email.local_id'] === '113457753'));
  const sip = cg.filter((d) => String(d['messaging.session']).startsWith('SIPDATA-'));
  assert.ok(sip.length > 0 && sip.every((d) => typeof d['sip.call_id'] === 'string' && d['sip.call_id'] !== ''), 'SIP packets carry their dialog');
  const emg = docs(SAMPLES['emg-log']);
  const receive = emg.find((d) => d['emg.event'] === 'RECEIVE')!;
  assert.equal(receive['emg.instance'], '2');
  assert.equal(receive['emg.status'], 'OK');
  assert.equal(receive['emg.option.DESTADDR'], '1234');
  assert.equal(receive['emg.option.USERNAME'], 'stenor');
  assert.equal(receive['user.name'], 'stenor');
  assert.equal(receive['emg.info.orphaned'], 'true');
  assert.equal(emg.find((d) => d['emg.event'] === 'CONNECT')!['source.ip'], '127.0.0.1');
  const ax = docs(SAMPLES['axigen-log']);
  const accepted = ax.find((d) => String(d.message).includes('Connection accepted'))!;
  assert.deepEqual([accepted['host.name'], accepted['axigen.service'], accepted['axigen.session_id'], accepted['source.ip'], accepted['source.port']], ['mail01', 'SMTP-IN', '00000A1F', '203.0.113.45', 52214]);
  const ms = docs(SAMPLES['messaging-server-log']);
  const close = ms.find((d) => d['event.action'] === 'close' && d['user.name'] === 'erin')!;
  assert.deepEqual(
    [close['host.name'], close['process.name'], close['process.pid'], close['messaging_server.category'], close['source.ip'], close['messaging_server.close.server_bytes']],
    ['mailhost', 'imapd', 4411, 'Account', '192.0.2.18', 58110],
  );
  const ps = docs(SAMPLES['privateserver-log']);
  const reg = ps.find((d) => d['privateserver.peername'] === '909')!;
  assert.deepEqual([reg['privateserver.event'], reg['user.name'], reg['source.ip'], reg['source.port'], reg['privateserver.useragent']], ['REGISTER', 'Sara', '93.57.41.37', 28224, 'snom320/8.4.18']);
});

test('--bulk puts an _bulk action line before each document', () => {
  const plain = lines(msglog('export', SAMPLES['axigen-log'], '--format', 'ecs').stdout);
  const bulk = lines(msglog('export', SAMPLES['axigen-log'], '--format', 'ecs', '--bulk').stdout);
  assert.equal(bulk.length, plain.length * 2);
  for (let i = 0; i < plain.length; i++) {
    assert.deepEqual(JSON.parse(bulk[2 * i]), { create: {} });
    assert.equal(bulk[2 * i + 1], plain[i]);
  }
  assert.equal(msglog('export', SAMPLES['axigen-log'], '--format', 'otlp', '--bulk').code, 2);
});

test('any bytes become valid JSON: quotes, backslashes, control bytes, CRLF continuations, bytes that are not UTF-8', () => {
  const file = path.join(dir, '2026-02-01.log');
  const bytes = Buffer.concat([
    Buffer.from('10:00:00.000 2 SMTP-000001([1.2.3.4]) said "hi" \\ back\ttab\x01\r\n  second line\r\n'),
    Buffer.from('10:00:01.000 2 SMTP-000001([1.2.3.4]) café ', 'utf8'),
    Buffer.from([0xff, 0xc3]),
    Buffer.from(' end\n'),
  ]);
  fs.writeFileSync(file, bytes);
  const docs = lines(msglog('export', file, '--format', 'ecs').stdout).map((l) => JSON.parse(l) as Doc);
  assert.equal(docs[0].message, 'SMTP-000001([1.2.3.4]) said "hi" \\ back\ttab\x01\n  second line');
  assert.equal(docs[1].message, 'SMTP-000001([1.2.3.4]) café \ufffd\ufffd end');
  const otlp = lines(msglog('export', file, '--format', 'otlp').stdout).map(checkOtlpLine) as unknown as OtlpRequest[];
  assert.equal(otlp[0].resourceLogs[0].scopeLogs[0].logRecords[0].body.stringValue, docs[0].message);
});

test('OTLP batches: a request line per 1000 records; several files in one export', () => {
  const a = path.join(dir, '2026-03-01.log');
  const b = path.join(dir, '2026-03-02.log');
  const rows = (n: number, base: number): string =>
    Array.from({ length: n }, (_, i) => `${String(10 + Math.floor(i / 3600)).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000 2 IMAP-${base + (i % 7)}([10.0.0.${i % 5}]) line ${i}`).join('\n') + '\n';
  fs.writeFileSync(a, rows(1500, 100));
  fs.writeFileSync(b, rows(700, 200));
  const r = msglog('export', a, b, '--format', 'otlp');
  assert.equal(r.code, 0, r.stderr);
  const requests = lines(r.stdout).map(checkOtlpLine) as unknown as OtlpRequest[];
  const counts = requests.map((q) => q.resourceLogs.reduce((n, rl) => n + rl.scopeLogs[0].logRecords.length, 0));
  assert.deepEqual(counts, [1000, 1000, 200]);
  const paths = requests.flatMap((q) => q.resourceLogs.flatMap((rl) => rl.scopeLogs[0].logRecords.map((rec) => rec.attributes.find((x) => x.key === 'log.file.path')!.value.stringValue)));
  assert.equal(paths.filter((p) => p === a).length, 1500);
  assert.equal(paths.filter((p) => p === b).length, 700);
});

test('an unreadable file fails the export before anything is written (exit 2, one line, no --out file)', () => {
  const good = SAMPLES['axigen-log'];
  const out = path.join(dir, 'out.ndjson');
  const binary = path.join(dir, 'binary.log');
  fs.writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]));
  const notes = path.join(dir, 'notes.txt');
  fs.writeFileSync(notes, 'hello\nworld\n');
  for (const bad of [path.join(dir, 'missing.log'), binary, notes]) {
    const r = msglog('export', good, bad, '--format', 'ecs', '--out', out);
    assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^msglog: [^\n]+\n$/);
    assert.ok(r.stderr.includes(bad), r.stderr);
    assert.equal(fs.existsSync(out), false, 'no --out file');
    const toStdout = msglog('export', good, bad, '--format', 'otlp');
    assert.equal(toStdout.code, 2);
    assert.equal(toStdout.stdout, '');
  }
  // An export over one of its own logs is refused.
  const copy = path.join(dir, 'copy.txt');
  fs.copyFileSync(path.join(ROOT, good), copy);
  const self = msglog('export', copy, '--format', 'ecs', '--out', copy);
  assert.equal(self.code, 2);
  assert.equal(fs.readFileSync(copy, 'utf8'), fs.readFileSync(path.join(ROOT, good), 'utf8'));
  // And the good case writes the file, with nothing on stdout.
  const ok = msglog('export', good, '--format', 'ecs', '--out', out);
  assert.equal(ok.code, 0);
  assert.equal(ok.stdout, '');
  assert.equal(fs.readFileSync(out, 'utf8'), msglog('export', good, '--format', 'ecs').stdout);
});

test('export needs --format, and a known one', () => {
  assert.match(msglog('export', SAMPLES['axigen-log']).stderr, /^msglog: export needs --format ecs\|otlp\n/);
  assert.match(msglog('export', SAMPLES['axigen-log'], '--format', 'csv').stderr, /^msglog: unknown --format "csv"/);
  assert.equal(msglog('export', '--format', 'ecs').code, 2);
});

test('several logs as one: a directory of rotated files is one source, each record names its own file and line; sources merge by time', () => {
  const logs = path.join(dir, 'cluster', 'member1');
  const other = path.join(dir, 'cluster', 'member2');
  fs.mkdirSync(logs, { recursive: true });
  fs.mkdirSync(other, { recursive: true });
  fs.writeFileSync(path.join(logs, '2026-01-15.log'), '23:59:58.000 2 IMAP-000001([10.0.0.1]) connected\n23:59:59.500 4 IMAP-000001([10.0.0.1]) inp: 1 NOOP\n');
  fs.writeFileSync(path.join(logs, '2026-01-16.log'), '00:00:01.000 2 IMAP-000001([10.0.0.1]) disconnected\n');
  fs.writeFileSync(path.join(other, '2026-01-16.log'), '00:00:00.250 2 SMTPI-000007([10.0.0.9]) connected\n');
  const r = msglog('export', logs, other, '--format', 'ecs');
  assert.equal(r.code, 0, r.stderr);
  const docs = lines(r.stdout).map((l) => JSON.parse(l) as Doc);
  assert.deepEqual(
    docs.map((d) => [d['@timestamp'], d['log.file.path'], d['log.file.line'], d['messaging.session']]),
    [
      ['2026-01-15T23:59:58.000Z', `${logs}/2026-01-15.log`, 1, 'IMAP-000001'],
      ['2026-01-15T23:59:59.500Z', `${logs}/2026-01-15.log`, 2, 'IMAP-000001'],
      ['2026-01-16T00:00:00.250Z', `${other}/2026-01-16.log`, 1, 'SMTPI-000007'],
      ['2026-01-16T00:00:01.000Z', `${logs}/2026-01-16.log`, 1, 'IMAP-000001'],
    ],
  );
  assert.equal(new Set(docs.filter((d) => d['messaging.session'] === 'IMAP-000001').map((d) => d['messaging.source'])).size, 1, 'one source for the rotated files');
  assert.notEqual(docs[2]['messaging.source'], docs[0]['messaging.source']);
  const otlp = lines(msglog('export', logs, other, '--format', 'otlp').stdout).map(checkOtlpLine) as unknown as OtlpRequest[];
  const lineOf = otlp.flatMap((q) => q.resourceLogs.flatMap((rl) => rl.scopeLogs[0].logRecords.map((rec) => rec.attributes.find((a) => a.key === 'log.file.line')!.value.intValue)));
  assert.deepEqual(lineOf, ['1', '2', '1', '1']);
});
