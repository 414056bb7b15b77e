// The client may import common/ but not server code: compiled with the client's own tsconfig
// (composite, referencing common only), an import of server/src is refused. This guards the
// project references themselves, so that loosening client/tsconfig.json fails a test.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { ROOT } from './helpers';

/** Diagnostics of a one-file program placed in client/src, compiled with client/tsconfig.json. */
function compileInClient(source: string): readonly ts.Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'client/tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  assert.ok(config, 'client/tsconfig.json parses');
  const probe = path.join(ROOT, 'client/src/boundaryProbe.ts');
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === probe ? source : readFile(name));
  host.fileExists = (name) => path.resolve(name) === probe || fileExists(name);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) =>
    path.resolve(name) === probe ? ts.createSourceFile(name, source, languageVersion, true) : getSourceFile(name, languageVersion, onError, shouldCreate);
  const program = ts.createProgram({ rootNames: [probe], options: { ...config.options, noEmit: true }, host, projectReferences: config.projectReferences });
  return [...program.getOptionsDiagnostics(), ...program.getSemanticDiagnostics(), ...program.getGlobalDiagnostics()];
}

const codes = (diagnostics: readonly ts.Diagnostic[]): number[] => diagnostics.map((d) => d.code);

test('the client compiles against common/', () => {
  const diagnostics = compileInClient("import { DIALECT_NAMES } from '../../common/dialects';\nexport const name: string = DIALECT_NAMES['emg-log'];\n");
  assert.deepEqual(codes(diagnostics), [], diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
});

test('the client cannot import server code: the compiler refuses it', () => {
  const diagnostics = compileInClient("import { DAY_MS } from '../../server/src/engine/time';\nexport const day: number = DAY_MS;\n");
  // TS6307: not listed within the file list of the project (and TS6059: outside its rootDir).
  assert.ok(codes(diagnostics).includes(6307), `expected TS6307, got ${codes(diagnostics).join(', ') || 'no errors'}`);
  const refused = diagnostics.find((d) => d.code === 6307);
  assert.match(ts.flattenDiagnosticMessageText(refused!.messageText, '\n'), /server\/src\/engine\/time\.ts/);
});
