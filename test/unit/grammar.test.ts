// TextMate grammar tests, the contributions: package.json's languages and grammars, their scope names
// (FORMATS §7), first lines and word patterns, and every regex compiled in oniguruma. The lines each
// grammar tokenizes are checked in grammarDialects.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { DIALECTS, grammarFile, onigLib, pkg, ROOT } from './grammarHarness';
import type { LanguageContribution } from './grammarHarness';

/** Every scope name pairs a standard (themed) scope with a log.* scope: collects the names that lack one. */
function namesWithoutLogScope(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) namesWithoutLogScope(item, out);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'name' && typeof value === 'string') {
        const parts = value.split(' ');
        const hasLog = parts.some((p) => p.startsWith('log.'));
        const hasStandard = parts.some((p) => !p.startsWith('log.'));
        // Table headings are the one documented exception: markup.heading, no §7 scope fits them.
        if (!(hasStandard && (hasLog || value.startsWith('markup.heading')))) out.push(value);
      } else {
        namesWithoutLogScope(value, out);
      }
    }
  }
  return out;
}

/** All regexes of a raw grammar (match/begin/end), for compiling them one by one. */
function regexesOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) regexesOf(item, out);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'match' || key === 'begin' || key === 'end') && typeof value === 'string') out.push(value);
      else regexesOf(value, out);
    }
  }
  return out;
}

// ---------------------------------------------------------------- package.json and files

test('package.json contributes the five languages and grammars, with matching scope names', () => {
  const { languages, grammars: contributed } = pkg.contributes;
  assert.deepEqual(languages.map((l) => l.id).sort(), DIALECTS.map(([id]) => id).sort());
  assert.deepEqual(contributed.map((g) => [g.language, g.scopeName]).sort(), [...DIALECTS].map((d) => [...d]).sort());
  for (const language of languages) {
    assert.equal(language.configuration, './language-configuration.json', language.id);
    assert.ok(fs.existsSync(path.join(ROOT, language.configuration)), language.id);
    // The plain .log extension belongs to VS Code's built-in log language; tables stay with their usual editors.
    for (const ext of ['.log', '.txt', '.csv', '.tsv']) assert.ok(!language.extensions?.includes(ext), `${language.id} claims ${ext}`);
    for (const pattern of language.filenamePatterns ?? []) {
      assert.ok(!/^\*\.\w+$/.test(pattern), `${language.id}: ${pattern} would claim a whole extension`);
    }
  }
  for (const [, scopeName] of DIALECTS) {
    const { file, raw } = grammarFile(scopeName);
    assert.equal(raw.scopeName, scopeName, file);
  }
});

test('every scope name pairs a themed scope with a FORMATS §7 log scope', () => {
  for (const [, scopeName] of DIALECTS) {
    const { raw } = grammarFile(scopeName);
    assert.deepEqual(namesWithoutLogScope(raw.repository), [], scopeName);
  }
});

/**
 * Colour means severity (BEHAVIOUR.md, "Colours"): the standard scope paired with each log scope, the
 * last one themes colour by. In VS Code's Dark Modern, Light Modern and High Contrast themes:
 * invalid → red; entity.name.function → yellow / ochre / yellow; entity.name.label → the text's own
 * colour; comment → the themes' dim comment colour; timestamps teal (entity.name.type) and keys
 * light blue / navy (variable): calm, and never a severity's colour. markup.bold comes first, so
 * that critical keeps invalid's red and only takes the bold.
 */
const SEVERITY_SCOPES: Record<string, string> = {
  'log.level.critical': 'markup.bold invalid.illegal.critical',
  'log.level.error': 'invalid.illegal.error',
  'log.level.warning': 'entity.name.function.warning',
  'log.overflow': 'entity.name.function.overflow',
  'log.level.info': 'entity.name.label.info',
  'log.level.debug': 'comment.debug',
  'log.level.trace': 'comment.trace',
  'log.timestamp': 'entity.name.type.timestamp',
  'log.key': 'variable.other.key',
};

function scopeNames(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) scopeNames(item, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'name' && typeof value === 'string') out.push(value);
      else scopeNames(value, out);
    }
  }
  return out;
}

test('colour means severity: every level, overflow, timestamp and key scope pairs with its themed scope', () => {
  for (const [, scopeName] of DIALECTS) {
    const names = scopeNames(grammarFile(scopeName).raw.repository);
    let paired = 0;
    for (const name of names) {
      const parts = name.split(' ');
      const log = parts.find((p) => p in SEVERITY_SCOPES);
      if (!log) continue;
      assert.equal(parts.filter((p) => !p.startsWith('log.')).join(' '), SEVERITY_SCOPES[log], `${scopeName}: ${name}`);
      paired++;
    }
    assert.ok(paired >= 3, `${scopeName}: ${paired} names checked`);
  }
});

test('every grammar regex compiles in oniguruma', async () => {
  await onigLib;
  for (const [, scopeName] of DIALECTS) {
    const { raw } = grammarFile(scopeName);
    const regexes = regexesOf(raw);
    assert.ok(regexes.length > 0, scopeName);
    for (const source of regexes) {
      assert.doesNotThrow(() => oniguruma.createOnigScanner([source]).dispose(), `${scopeName}: ${source}`);
    }
  }
});

// ---------------------------------------------------------------- firstLine

/** A real first line of each dialect (several where a dialect has several file kinds). */
const FIRST_LINES: Record<string, readonly string[]> = {
  'communigate-log': [
    '12:39:07.349 2 HTTPA-000009([172.31.2.151]:62813) \'postmaster\' connected(DIGEST-HTTP) [172.31.2.151]:62813->[172.31.2.150]:8010',
    '00:06:23 4 IMAP-437425([10.0.0.1]) got connection on [10.0.0.2]:143',
    '00:00:01.123456 5 SIGNAL(3) 000056: processing INITIAL',
    '00:01:02.003\t01\tRELAY\t<a@example.com>\t<a@example.com>\t\tSMTP [192.0.2.1]\t[10.0.0.1]\t1234\t<id@x>\t812\tb@example.org\tSMTP(example.org)b@example.org\t250 OK',
    '00:01:02.003 01\tlogin\tuser1\t[192.0.2.5]:51234\tIMAP\tPLAIN',
  ],
  'emg-log': [
    'Sep 11 22:34:34.306 (2) CONNECT OK (info="")',
    'Sep  1 02:35:28.664 (4) CONNECT OK',
    '2026-01-15 22:34:34.306 (2) SEND OK (pdu=1/1) 001:71 034: 008:1234',
    '2026-01-15 22:34:34.306123 |1234| operation took 0.002 s',
    'Sep 11 22:34:34.306 mgpin Read 0000: 01 02 03',
    'Sep 11 22:34:34.306 INFO Server started',
  ],
  'axigen-log': [
    '2026-01-15 12:00:00 +0200 08 mail.example.com SMTP-IN:0000001A: [10.0.0.1:25] connection accepted from [192.0.2.7:40000]',
    '2026-01-15 12:00:00 -0500 02 mail.example.com WEBMAIL: session pool exhausted',
  ],
  'messaging-server-log': [
    '[02/May/1998:17:37:32 -0700] showshoe cgi_store[18753]: General Notice: Log created (894155852)',
    '04/May/1998:11:07:44 -0400 xyzmail cgi_service[343]: General Error: function=getserverhello|port=2500|error=failed to connect',
    '02/05/1998 17:37:32 -0700 showshoe stored[1]: Store Warning: quota exceeded',
  ],
  'privateserver-log': [
    'SessionLogEntry List',
    'Registered Accounts',
    'AuthenticationEvent List',
    'Cdr List',
    'Timestamp\tEvent\tSource\tPeername\tAccount\tDetails\tUseragent\tRemoteaddr\tTiscipher\tReconciled',
    'Id\tUsername\tIpAddr\tPort\tDescription\tRegistration Expires\tUserAgent',
    'Date Created ▼\tEvent Type\tPrincipal\tIP Address',
    'Date Created, Event Type, Principal, IP Address',
    'Call Date ▼\tSrc\tDst\tDuration\tDisposition',
    'Call Date,Src,Dst,Duration,Disposition',
  ],
};

/** As VS Code compiles it: the firstLine string as a RegExp, anchored at the start. */
function firstLineRegex(language: LanguageContribution): RegExp {
  assert.ok(language.firstLine, `${language.id} has no firstLine`);
  return new RegExp(language.firstLine.startsWith('^') ? language.firstLine : `^${language.firstLine}`);
}

test('each firstLine matches first lines of its dialect and no other dialect', () => {
  for (const language of pkg.contributes.languages) {
    const regex = firstLineRegex(language);
    for (const [dialect, lines] of Object.entries(FIRST_LINES)) {
      for (const line of lines) {
        assert.equal(regex.test(line), dialect === language.id, `${language.id} firstLine ${regex} on ${dialect} line ${JSON.stringify(line)}`);
      }
    }
    // Ordinary text files must not be captured.
    for (const line of ['', 'hello world', '{"a": 1}', '# heading', 'Sep 11 22:34:34 host sshd[42]: Accepted publickey']) {
      assert.equal(regex.test(line), false, `${language.id} firstLine matches ${JSON.stringify(line)}`);
    }
  }
});

// ---------------------------------------------------------------- language configuration

test('wordPattern keeps session keys whole', () => {
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'language-configuration.json'), 'utf8')) as {
    wordPattern: string;
    comments?: unknown;
    brackets: string[][];
    colorizedBracketPairs?: unknown[];
  };
  assert.equal(config.comments, undefined);
  assert.deepEqual(config.brackets, [['[', ']'], ['(', ')'], ['{', '}'], ['<', '>']]);
  // Colour means severity: brackets keep the token colours (a yellow bracket would read as a warning).
  assert.deepEqual(config.colorizedBracketPairs, []);
  const words = (text: string): string[] => text.match(new RegExp(config.wordPattern, 'g')) ?? [];
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['00:06:23.261 4 IMAP-437425([1.2.3.4]) got connection', 'IMAP-437425'],
    ['00:54:10.312 2 SIPDATA-000502 out: req udp', 'SIPDATA-000502'],
    ['12:39:17.149 2 SIGNAL-000056 DIALOG-000001 created for SIGNAL-000056:[10.10.0.83]', 'SIGNAL-000056'],
    ['2026-01-15 12:00:00 +0200 08 mail.example.com SMTP-IN:0000001A: message', 'SMTP-IN:0000001A'],
    ['[02/May/1998:17:37:32 -0700] showshoe cgi_store[18753]: General Notice: Log created', 'cgi_store[18753]'],
    ['12:39:07.376 2 HTTPA-000009([172.31.2.151]:62813) TLS-000010 closed by HTTPU-000029, used', 'HTTPU-000029'],
  ];
  for (const [text, key] of cases) assert.ok(words(text).includes(key), `${key} not a word in ${JSON.stringify(text)}: ${words(text).join(' | ')}`);
});

