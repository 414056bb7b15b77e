// TextMate grammar tests, the tokens: the real engine (vscode-textmate + vscode-oniguruma, as VS Code uses
// them) tokenizes sample lines of every dialect, and the FORMATS §7 log scopes are checked on exact tokens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSamples, DIALECTS, grammarFor, ROOT, scopesOf, tokenizeLines } from './grammarHarness';

// ---------------------------------------------------------------- CommuniGate Pro

test('CommuniGate main log: timestamp, level digits, prefix key, directions', async () => {
  const g = await grammarFor('text.log.communigate');
  checkSamples(g, [
    {
      line: '00:06:23.261 4 IMAP-437425([1.2.3.4]) got connection on [10.0.0.1]:143',
      expect: [['00:06:23.261', 'log.timestamp'], ['00:06:23.261', 'entity.name.type.timestamp'], ['4', 'log.level.debug'],
        ['IMAP-437425([1.2.3.4])', 'log.key'], ['[10.0.0.1]:143', 'log.address']],
    },
    { line: '00:06:23.261 5 IMAP-437425([1.2.3.4]) out: * OK CommuniGate Pro IMAP Server 5.1.8', expect: [['5', 'log.level.trace'], ['out:', 'log.direction.out']] },
    { line: '00:06:23.261 5 IMAP-437425([1.2.3.4]) inp: 1 CAPABILITY', expect: [['inp:', 'log.direction.in']] },
    { line: '12:39:08.978 3 HTTPU-000029([10.10.0.83]:47320) read failed. Error Code=read time-out', expect: [['3', 'log.level.warning'], ['HTTPU-000029([10.10.0.83]:47320)', 'log.key']] },
    { line: '12:39:08.978 2 TLS-000010 closed by HTTPU-000029, used in 4 other', expect: [['2', 'log.level.info'], ['TLS-000010', 'log.key']] },
    { line: '12:39:09 1 QUEUE([113457753]) failed to store message', expect: [['12:39:09', 'log.timestamp'], ['1', 'log.level.error'], ['QUEUE([113457753])', 'log.key']] },
    { line: '12:39:09.123456 0 SYSTEM fatal exception', expect: [['12:39:09.123456', 'log.timestamp'], ['0', 'log.level.critical'], ['SYSTEM', 'log.key']] },
    { line: '12:39:08.000 5 HTTPU stream thread finished', expect: [['HTTPU', 'log.key']] },
    { line: '12:39:17.149 5 SIGNAL(3) 000056: processing INITIAL', expect: [['SIGNAL(3)', 'log.key'], ['000056', 'log.key']] },
    { line: '12:39:17.148 5 HTTPU-000032([10.10.0.83]:47344) s-inp: POST /Session/3-NKCwLfNxN4XD5WQ72yd7/sync HTTP/1.1', expect: [['s-inp:', 'log.direction.in']] },
    { line: '12:39:17.149 5 HTTPU-000032([10.10.0.83]:47344) s-out:+HTTP/1.1 200 OK', expect: [['s-out:+', 'log.direction.out'], ['200 OK', 'log.status.ok']] },
    {
      line: '12:39:17.148 5 XIMSS-000003(user1) inp:+<callStart callLeg="out0" peer="user2@fns.unistar.ru">',
      expect: [['XIMSS-000003(user1)', 'log.key'], ['inp:+', 'log.direction.in'], ['user2@fns.unistar.ru', 'log.address']],
    },
    { line: '12:39:17.149 4 HTTPU-000032([10.10.0.83]:47344) rsp(46): 200 OK', expect: [['200 OK', 'log.status.ok']] },
    { line: '12:39:17.150 5 HTTPU-000033([10.10.0.83]:47350) s-out:+HTTP/1.1 404 Not Found', expect: [['404 Not Found', 'log.status.error']] },
  ]);
});

test('CommuniGate SIP packets: methods, status lines, addresses', async () => {
  const g = await grammarFor('text.log.communigate');
  checkSamples(g, [
    {
      line: '00:54:10.312 2 SIPDATA-000502 out: req udp [192.0.2.1]:5060 REGISTER(680 bytes)',
      expect: [['SIPDATA-000502', 'log.key'], ['out:', 'log.direction.out'], ['[192.0.2.1]:5060', 'log.address'], ['REGISTER', 'log.event'], ['REGISTER', 'keyword.other.event']],
    },
    { line: '00:54:10.312 5 SIPDATA-000502 out: CSeq: 114249520 REGISTER', expect: [['REGISTER', 'log.event']] },
    { line: '00:54:10.328 5 SIPDATA-000503 inp: SIP/2.0 200 OK', expect: [['inp:', 'log.direction.in'], ['200 OK', 'log.status.ok'], ['200 OK', 'markup.inserted.status']] },
    { line: '00:54:10.328 5 SIPDATA-000503 inp: SIP/2.0 486 Busy Here', expect: [['486 Busy Here', 'log.status.error']] },
    { line: '00:54:10.328 5 SIPDATA-000503 inp: Allow: PUBLISH,SUBSCRIBE', expect: [['PUBLISH', 'log.event'], ['SUBSCRIBE', 'log.event']] },
    { line: '12:39:17.149 2 SIGNAL-000056 NODE-000022: INVITE(1) sip:user2@fns.unistar.ru', expect: [['INVITE', 'log.event'], ['user2@fns.unistar.ru', 'log.address']] },
    { line: '12:39:32.728 2 SIGNAL-000072 BYE sip:signode-24-29D12643@fns.unistar.ru via x', expect: [['BYE', 'log.event'], ['signode-24-29D12643@fns.unistar.ru', 'log.address']] },
  ]);
});

test('CommuniGate overflow markers, supplementary logs and continuation lines', async () => {
  const g = await grammarFor('text.log.communigate');
  checkSamples(g, [
    { line: '***', expect: [['***', 'log.overflow']] },
    { line: '***  \t', expect: [['***  \t', 'log.overflow']] },
    { line: '*** not a marker', expect: [['*** not a marker', '!log.overflow']] },
    {
      line: '00:01:02.003\t01\tRELAY\t<a@example.com>\ta@example.com\t\tSMTP [192.0.2.1]\t[10.0.0.1]\t1234\t<id@x>\t812\tb@example.org\tSMTP(example.org)b@example.org\t250 OK',
      expect: [['00:01:02.003', 'log.timestamp'], ['RELAY', 'log.status.ok'], ['a@example.com', 'log.address'], ['[10.0.0.1]', 'log.address']],
    },
    { line: '00:01:02.004\t01\tFINAL\t<a@example.com>', expect: [['FINAL', 'log.status.ok']] },
    { line: '00:01:02.005 01\tTMPER\t<a@example.com>', expect: [['TMPER', 'log.status.error']] },
    { line: '00:01:02.006\t01\tERROR\t<a@example.com>', expect: [['ERROR', 'log.status.error']] },
    {
      line: '00:01:03.100 01\tlogin\tuser1\t[192.0.2.5]:51234\tIMAP\tPLAIN',
      expect: [['00:01:03.100', 'log.timestamp'], ['login', 'log.event'], ['user1', 'log.key'], ['[192.0.2.5]:51234', 'log.address']],
    },
    { line: '00:01:03.200 01\tfailure\tuser2\t[192.0.2.6]:51235\tPOP\tPLAIN', expect: [['failure', 'log.status.error'], ['user2', 'log.key']] },
    { line: '00:01:03.300 02\tp-change\tuser1\tpostmaster\tHTTP\tby admin', expect: [['p-change', 'log.event'], ['user1', 'log.key']] },
    { line: '00:01:04.000 SMTP\tpostmaster\t{LogLevel=5;}', expect: [['00:01:04.000', 'log.timestamp'], ['SMTP', 'log.key']] },
    { line: '  folded text mentioning [192.0.2.9]:25 and a@example.com', expect: [['[192.0.2.9]:25', 'log.address'], ['a@example.com', 'log.address']] },
    { line: '', expect: [] },
  ]);
});

test('CommuniGate: the whole real log tokenizes, every header starts with its timestamp and level', async () => {
  const g = await grammarFor('text.log.communigate');
  const text = fs.readFileSync(path.join(ROOT, 'test/fixtures/communigate-6.3.6a-xims-sip.log'), 'utf8');
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  assert.ok(lines.length > 4000);
  const header = /^(\d\d:\d\d:\d\d(?:\.\d{1,6})?) ([0-5]) (\S+)/;
  const levelScope = ['critical', 'error', 'info', 'warning', 'debug', 'trace'];
  let headers = 0;
  const tokenized = tokenizeLines(g, lines);
  tokenized.forEach((line, i) => {
    assert.equal(line.depth, 1, `line ${i + 1} leaked state`);
    const m = header.exec(line.line);
    if (!m) return;
    headers++;
    const [ts, level, key] = line.tokens.filter((t) => t.text !== ' ');
    assert.equal(ts.text, m[1], `line ${i + 1}`);
    assert.ok(ts.scopes.includes('log.timestamp'), `line ${i + 1}: ${ts.scopes.join(' ')}`);
    assert.equal(level.text, m[2], `line ${i + 1}`);
    assert.ok(level.scopes.includes(`log.level.${levelScope[Number(m[2])]}`), `line ${i + 1}: ${level.scopes.join(' ')}`);
    assert.ok(key.scopes.includes('log.key'), `line ${i + 1}: ${key.text} ${key.scopes.join(' ')}`);
  });
  assert.equal(headers, lines.length, 'every line of this log is a record header');
});

// ---------------------------------------------------------------- EMG

test('EMG connector logs: instance key, events, status, info, options', async () => {
  const g = await grammarFor('text.log.emg');
  checkSamples(g, [
    {
      line: 'Sep 11 22:34:34.306 (2) CONNECT OK (info="")',
      expect: [['Sep 11 22:34:34.306', 'log.timestamp'], ['(2)', 'log.key'], ['CONNECT', 'log.event'], ['OK', 'log.status.ok']],
    },
    { line: 'Sep 11 22:34:34.316 (2) LOGIN OK (info="emguser")', expect: [['LOGIN', 'log.event'], ['OK', 'log.status.ok']] },
    {
      line: 'Sep 11 22:34:34.433 (2) RECEIVE OK (orphaned) 001:71 034: 022:stenor 059:mgp 093:1031776474 094:393 008:1234 017:3',
      expect: [['RECEIVE', 'log.event'], ['orphaned', 'log.status.error'], ['001:71', 'log.option'], ['034:', 'log.option'], ['022:stenor', 'log.option'], ['008:1234', 'log.option'], ['008:1234', 'variable.parameter.option'], ['017:3', 'log.option']],
    },
    { line: 'Sep 11 22:35:30.275 (4) SEND ERR (pdu=1/1,info="72") 001:71 008:1234', expect: [['SEND', 'log.event'], ['ERR', 'log.status.error'], ['ERR', 'invalid.illegal.status'], ['008:1234', 'log.option']] },
    { line: 'Sep 11 22:35:40.512 (4) LOGOUT OK', expect: [['LOGOUT', 'log.event'], ['OK', 'log.status.ok']] },
    { line: 'Sep 11 22:37:29.007 (4) DISCONNECT OK', expect: [['(4)', 'log.key'], ['DISCONNECT', 'log.event']] },
    { line: 'Sep  1 02:00:00.5 (mgpin) REJECT ERR (info="unterminated', expect: [['Sep  1 02:00:00.5', 'log.timestamp'], ['(mgpin)', 'log.key'], ['REJECT', 'log.event'], ['ERR', 'log.status.error']] },
    { line: 'Sep  1 02:00:01.5 (mgpin) MAXFAIL ERR', expect: [['MAXFAIL', 'log.event']] },
    { line: '2026-01-15 22:34:34.306 (2) SEND OK (pdu=1/1) 001:71 034: 008:1234', expect: [['2026-01-15 22:34:34.306', 'log.timestamp'], ['SEND', 'log.event'], ['008:1234', 'log.option']] },
    { line: '2026-01-15 22:34:35.000 (2) EXPIRE ERR 008:1234', expect: [['EXPIRE', 'log.event'], ['ERR', 'log.status.error']] },
    { line: '***', expect: [['***', 'log.overflow']] },
  ]);
});

test('EMG pdu, profiling and general/debug logs', async () => {
  const g = await grammarFor('text.log.emg');
  checkSamples(g, [
    { line: 'Sep 11 22:34:34.306 mgpin Read 0000: 01 02 03 from 192.0.2.1:5000', expect: [['Sep 11 22:34:34.306', 'log.timestamp'], ['mgpin', 'log.key'], ['Read', 'log.direction.in'], ['192.0.2.1:5000', 'log.address']] },
    { line: 'Sep 11 22:34:34.307 mgpin Write 0000: 04 05', expect: [['mgpin', 'log.key'], ['Write', 'log.direction.out']] },
    { line: 'Sep 11 22:34:34.308 mgpin connection established, TLSv1.3', expect: [['Sep 11 22:34:34.308', 'log.timestamp']] },
    { line: '2026-01-15 22:34:34.306123 |1234| operation 0.002 s', expect: [['2026-01-15 22:34:34.306123', 'log.timestamp'], ['|1234|', 'log.key']] },
    { line: 'Sep 11 22:34:34.306 CRITICAL out of memory', expect: [['CRITICAL', 'log.level.critical']] },
    { line: 'Sep 11 22:34:34.306 ERROR could not bind 0.0.0.0:2775', expect: [['ERROR', 'log.level.error'], ['0.0.0.0:2775', 'log.address']] },
    { line: 'Sep 11 22:34:34.306 WARNING queue almost full', expect: [['WARNING', 'log.level.warning']] },
    { line: 'Sep 11 22:34:34.306 INFO server started', expect: [['INFO', 'log.level.info']] },
    { line: 'Sep 11 22:34:34.306 DEBUG polling', expect: [['DEBUG', 'log.level.debug']] },
    { line: 'Sep 11 22:34:34.306 DEBUG2 raw frame', expect: [['DEBUG2', 'log.level.trace']] },
  ]);
});

// ---------------------------------------------------------------- Axigen

test('Axigen: timestamp with offset, LL levels, SERVICE:SESSIONID key, >> and <<', async () => {
  const g = await grammarFor('text.log.axigen');
  const prefix = (ll: string): string => `2026-01-15 12:00:00 +0200 ${ll} mail.example.com`;
  checkSamples(g, [
    {
      line: `${prefix('08')} SMTP-IN:0000001A: [10.0.0.1:25] connection accepted from [192.0.2.7:40000]`,
      expect: [['2026-01-15 12:00:00 +0200', 'log.timestamp'], ['08', 'log.level.info'], ['SMTP-IN:0000001A', 'log.key'], ['[10.0.0.1:25]', 'log.address'], ['[192.0.2.7:40000]', 'log.address']],
    },
    { line: `${prefix('16')} SMTP-IN:0000001A: >> 250 OK`, expect: [['16', 'log.level.debug'], ['>>', 'log.direction.out'], ['250 OK', 'log.status.ok']] },
    { line: `${prefix('10')} SMTP-IN:0000001A: >> 550 5.7.1 Relaying denied`, expect: [['10', 'log.level.debug'], ['550 5.7.1 Relaying denied', 'log.status.error']] },
    { line: `${prefix('16')} SMTP-IN:0000001A: << MAIL FROM:<user1@example.com>`, expect: [['<<', 'log.direction.in'], ['user1@example.com', 'log.address']] },
    { line: `${prefix('01')} SMTP-OUT:00000002: queue corrupted`, expect: [['01', 'log.level.critical'], ['SMTP-OUT:00000002', 'log.key']] },
    { line: `${prefix('02')} IMAP:0000003B: Authentication error for user: invalid credentials`, expect: [['02', 'log.level.error'], ['IMAP:0000003B', 'log.key']] },
    { line: `${prefix('04')} WEBMAIL: session pool almost full`, expect: [['04', 'log.level.warning'], ['WEBMAIL', 'log.key']] },
    { line: '2026-01-15 12:00:01 -0500 03 mail.example.com POP3:00000004: odd level', expect: [['2026-01-15 12:00:01 -0500', 'log.timestamp'], ['POP3:00000004', 'log.key']] },
  ]);
});

// ---------------------------------------------------------------- Messaging Server

test('Messaging Server: both date forms, PROCESS[PID] key, level words', async () => {
  const g = await grammarFor('text.log.messaging-server');
  checkSamples(g, [
    {
      line: '[02/May/1998:17:37:32 -0700] showshoe cgi_store[18753]: General Notice: Log created (894155852)',
      expect: [['[02/May/1998:17:37:32 -0700]', 'log.timestamp'], ['cgi_store[18753]', 'log.key'], ['Notice', 'log.level.info']],
    },
    {
      line: '04/May/1998:11:07:44 -0400 xyzmail cgi_service[343]: General Error: function=getserverhello|port=2500|error=failed to connect',
      expect: [['04/May/1998:11:07:44 -0400', 'log.timestamp'], ['cgi_service[343]', 'log.key'], ['Error', 'log.level.error']],
    },
    {
      line: '03/Dec/1998:06:54:32 +0200 SiroePost imapd[232]: Account Notice: close [127.0.0.1] [unauthenticated] 1998/12/3 6:54:32 0:00:00 0 115 0',
      expect: [['imapd[232]', 'log.key'], ['[127.0.0.1]', 'log.address']],
    },
    { line: '02/05/1998 17:37:32 -0700 showshoe stored[1]: Store Warning: quota exceeded', expect: [['02/05/1998 17:37:32 -0700', 'log.timestamp'], ['Warning', 'log.level.warning']] },
    { line: '[15/Jan/2026:00:00:01 +0100] mail imapd[1001]: Network Catastrophe: out of sockets', expect: [['Catastrophe', 'log.level.critical']] },
    { line: '[15/Jan/2026:00:00:02 +0100] mail imapd[1001]: Store Critical: store corrupted', expect: [['Critical', 'log.level.critical']] },
    {
      line: '[15/Jan/2026:00:00:03 +0100] mail popd[1002]: Protocol Information: badlogin: [192.0.2.10:40718] plaintext user1@example.com authentication failure',
      expect: [['Information', 'log.level.info'], ['[192.0.2.10:40718]', 'log.address'], ['user1@example.com', 'log.address']],
    },
    { line: '[15/Jan/2026:00:00:04 +0100] mail mshttpd[1003]: HTTP Debug: request', expect: [['Debug', 'log.level.debug'], ['mshttpd[1003]', 'log.key']] },
  ]);
});

// ---------------------------------------------------------------- PrivateServer

test('PrivateServer SIP sessions and registered accounts tables', async () => {
  const g = await grammarFor('text.log.privateserver');
  checkSamples(g, [
    { line: 'SessionLogEntry List', expect: [['SessionLogEntry List', 'markup.heading.title.privateserver']] },
    { line: 'Timestamp\tEvent\tSource\tPeername\tAccount\tDetails\tUseragent\tRemoteaddr\tTiscipher\tReconciled', expect: [['Timestamp\tEvent\tSource\tPeername\tAccount\tDetails\tUseragent\tRemoteaddr\tTiscipher\tReconciled', 'markup.heading.columns.privateserver']] },
    {
      line: '2012-05-10 17:12:24.882\tREGISTER\tCLIENT\t909\tSara\t200 OK\tsnom320/8.4.18\t93.57.41.37:28224\t\ttrue',
      expect: [['2012-05-10 17:12:24.882', 'log.timestamp'], ['REGISTER', 'log.event'], ['909', 'log.key'], ['200 OK', 'log.status.ok'], ['93.57.41.37:28224', 'log.address']],
    },
    { line: '2012-05-10 17:09:24.626\tDISCONNECT\tCLIENT\t1932\t\tNETWORK_ERROR\t\t93.57.41.37:33998\t\ttrue', expect: [['DISCONNECT', 'log.event'], ['1932', 'log.key'], ['NETWORK_ERROR', 'log.status.error']] },
    { line: '2012-05-10 17:09:20.000\tUNREGISTER\tCLIENT\t910\tSara\t200 OK\t\t93.57.41.37:28224\t\ttrue', expect: [['UNREGISTER', 'log.event']] },
    { line: 'Registered Accounts', expect: [['Registered Accounts', 'markup.heading.title.privateserver']] },
    { line: 'Id\tUsername\tIpAddr\tPort\tDescription\tRegistration Expires\tUserAgent', expect: [['Id\tUsername\tIpAddr\tPort\tDescription\tRegistration Expires\tUserAgent', 'markup.heading.columns.privateserver']] },
    {
      line: '3,169\t592023684\t62.196.64.113\t52,034\tSelfregistration user (592023684)\t2012-05-10 17:49:20 CEST\tPGSM-10.3.5-iphone',
      expect: [['592023684', 'log.key'], ['62.196.64.113', 'log.address'], ['2012-05-10 17:49:20 CEST', 'log.timestamp']],
    },
    { line: '575\t822208948\t93.186.30.117\t23,665\tSelfregistration user (822208948)\t2012-05-10 17:33:11 CEST\tPGSM-10.3.1626-blackberry', expect: [['822208948', 'log.key']] },
  ]);
});

test('PrivateServer authentication events and CDR tables, TAB and comma separated', async () => {
  const g = await grammarFor('text.log.privateserver');
  checkSamples(g, [
    { line: 'AuthenticationEvent List', expect: [['AuthenticationEvent List', 'markup.heading.title.privateserver']] },
    { line: 'Date Created ▼\tEvent Type\tPrincipal\tIP Address', expect: [['Date Created ▼\tEvent Type\tPrincipal\tIP Address', 'markup.heading.columns.privateserver']] },
    { line: '2012-05-10 17:29:42.000\tSUCCESS_INTERACTIVE\tadmin\t93.57.41.37', expect: [['SUCCESS_INTERACTIVE', 'log.status.ok'], ['admin', 'log.key'], ['93.57.41.37', 'log.address']] },
    { line: '2012-05-10 17:29:37.000\tFAIL_BAD_CREDENTIALS\tadmin\t93.57.41.37', expect: [['FAIL_BAD_CREDENTIALS', 'log.status.error'], ['admin', 'log.key']] },
    { line: 'Date Created, Event Type, Principal, IP Address', expect: [['Date Created, Event Type, Principal, IP Address', 'markup.heading.columns.privateserver']] },
    { line: '2012-05-10 17:29:37.000, FAIL_BAD_CREDENTIALS, root, 93.57.41.38', expect: [['2012-05-10 17:29:37.000', 'log.timestamp'], ['FAIL_BAD_CREDENTIALS', 'log.status.error'], ['root', 'log.key'], ['93.57.41.38', 'log.address']] },
    { line: 'Cdr List', expect: [['Cdr List', 'markup.heading.title.privateserver']] },
    { line: 'Call Date ▼\tSrc\tDst\tDuration\tDisposition', expect: [['Call Date ▼\tSrc\tDst\tDuration\tDisposition', 'markup.heading.columns.privateserver']] },
    { line: '2012-05-10 12:37:35 CEST\t1122334462\t600\t5\tANSWERED', expect: [['2012-05-10 12:37:35 CEST', 'log.timestamp'], ['1122334462', 'log.key'], ['ANSWERED', 'log.status.ok']] },
    { line: '2012-04-23 11:56:58 CEST\t1913\t600\t0\tNO_ANSWER', expect: [['1913', 'log.key'], ['NO_ANSWER', 'log.status.ok']] },
    { line: '2012-04-23 11:56:59 CEST\t1913\t600\t0\tBUSY', expect: [['BUSY', 'log.status.ok']] },
    { line: '2012-04-23 11:57:00 CEST\t1913\t600\t0\tFAILED', expect: [['FAILED', 'log.status.error']] },
    { line: '2012-04-23 11:57:01 CEST,1914,600,3,ANSWERED', expect: [['2012-04-23 11:57:01 CEST', 'log.timestamp'], ['1914', 'log.key'], ['ANSWERED', 'log.status.ok']] },
  ]);
});

// ---------------------------------------------------------------- all grammars

test('overflow markers and empty lines in every grammar leave no state behind', async () => {
  for (const [, scopeName] of DIALECTS) {
    const g = await grammarFor(scopeName);
    const lines = tokenizeLines(g, ['***', '', '*** ', '  ', 'free text']);
    assert.ok(scopesOf(lines[0], '***').includes('log.overflow'), scopeName);
    assert.ok(scopesOf(lines[2], '*** ').includes('log.overflow'), scopeName);
    for (const line of lines) assert.equal(line.depth, 1, `${scopeName}: ${JSON.stringify(line.line)}`);
  }
});
