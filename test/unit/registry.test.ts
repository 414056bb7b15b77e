// The dialect registry (common/dialects.ts) is the one list of dialects: package.json's languages,
// grammars, activation events and `when` clauses, and the engine's dialects must agree with it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { COMMUNIGATE_LEVEL_NAMES, DIALECT_IDS, DIALECT_NAME_LIST, DIALECT_NAMES, DIALECT_REGISTRY, LOG_EDITOR_WHEN, LOG_LANGUAGES_CONTEXT_KEY, SIP_LANGUAGES_CONTEXT_KEY, TRACEABLE_LANGUAGES_CONTEXT_KEY } from '../../common/dialects';
import { DIALECTS } from '../../server/src/engine/dialects';
import { ROOT } from './helpers';

interface Manifest {
  activationEvents: string[];
  contributes: {
    languages: { id: string; aliases: string[] }[];
    grammars: { language: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    keybindings: { command: string; when?: string }[];
  };
}
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

test('package.json contributes one language and one grammar per dialect of the registry, in its order', () => {
  assert.deepEqual(
    manifest.contributes.languages.map((l) => l.id),
    DIALECT_IDS,
  );
  assert.deepEqual(
    manifest.contributes.grammars.map((g) => g.language),
    DIALECT_IDS,
  );
  for (const language of manifest.contributes.languages) assert.equal(language.aliases[0], `${DIALECT_NAMES[language.id as keyof typeof DIALECT_NAMES]} Log`);
  for (const id of DIALECT_IDS) assert.ok(manifest.activationEvents.includes(`onLanguage:${id}`), `activation on ${id}`);
  assert.equal(DIALECT_NAME_LIST, 'CommuniGate Pro, EMG, Axigen, Messaging Server or PrivateServer');
});

test("package.json's when clauses name log editors through the registry's context key, never a list of ids", () => {
  const clauses = [...Object.values(manifest.contributes.menus).flat(), ...manifest.contributes.keybindings].map((c) => c.when ?? '');
  const byLanguage = clauses.filter((w) => w.includes('editorLangId'));
  assert.ok(byLanguage.length >= 10, 'the log commands are shown for log editors');
  for (const when of byLanguage) {
    const keys = [LOG_LANGUAGES_CONTEXT_KEY, TRACEABLE_LANGUAGES_CONTEXT_KEY, SIP_LANGUAGES_CONTEXT_KEY];
    assert.ok(keys.some((key) => when.includes(`editorLangId in ${key}`)), `"${when}" uses a context key of the registry`);
  }
  for (const when of clauses) for (const id of DIALECT_IDS) assert.ok(!when.includes(id.replace(/-log$/, '')), `"${when}" names no dialect`);
  assert.equal(LOG_EDITOR_WHEN, `editorLangId in ${LOG_LANGUAGES_CONTEXT_KEY}`);
});

test("the engine's dialects are the registry's, in order, with the registry's names", () => {
  assert.deepEqual(
    DIALECTS.map((d) => [d.id, d.name]),
    DIALECT_REGISTRY.map((d) => [d.id, d.name]),
  );
  const communigate = DIALECTS.find((d) => d.id === 'communigate-log')!;
  assert.deepEqual(
    COMMUNIGATE_LEVEL_NAMES.map((_, digit) => communigate.levelName(digit)),
    COMMUNIGATE_LEVEL_NAMES.map((name, digit) => `${digit} ${name}`),
  );
});
